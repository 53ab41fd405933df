// Verification against local HTTPS stand-ins of the providers' documented endpoints: every rule that has
// a check says verified for a credential its stand-in accepts and invalid for one it rejects; network
// trouble is unknown, never invalid; nothing is sent but to the rule's own host; each secret once.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinRules, Detector, expandExample, parseVerifySpec, Verifier, type Finding, type Rule } from '../../packages/engine/src/index.js';
import { githubToken, removeTempDirs, tempDir } from '../../packages/engine/test/git-fixtures.js';
import { runCli } from '../git/cli.js';
import type { CliIo } from '../../packages/cli/src/io.js';
import { main } from '../../packages/cli/src/main.js';
import { gitEnv } from '../../packages/engine/test/git-fixtures.js';
import { ENDPOINTS, startStandIns, type StandIn } from './providers.js';

afterAll(removeTempDirs);

const checked = builtinRules().filter((r) => r.verify);

/** The CLI in-process, its --verify requests routed to the stand-ins (the test-only fetch injection). */
async function inProcess(argv: string[], cwd: string, standIn: StandIn): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    stdin: async function* () {},
    stdoutIsTTY: false,
    stderrIsTTY: false,
    env: gitEnv(),
    cwd,
    now: () => 0,
    verifyFetch: standIn.fetch,
  };
  return { code: await main(argv, io), stdout, stderr };
}

/** A credential of the rule's format, made from its own example template, and its finding. */
function sample(rule: Rule, seed: string): Finding {
  const text = expandExample(rule.examples.match[0]!, `${rule.id}:verify:${seed}`);
  const found = new Detector([rule]).detect({ text, path: 'app.env' });
  expect(found, `${rule.id} finds its own example`).toHaveLength(1);
  return found[0]!;
}

describe('verifiers', () => {
  let standIn: StandIn;
  beforeAll(async () => {
    standIn = await startStandIns();
  });
  afterAll(() => standIn?.close());

  it('cover the providers the stand-ins implement, each with its documented host', () => {
    expect(checked.length).toBeGreaterThanOrEqual(20);
    for (const rule of checked) {
      const host = new URL(rule.verify!.url.replace(/\{\{\s*secret\s*\}\}/g, 'x')).host;
      expect(ENDPOINTS.map((e) => e.host), `${rule.id}: a stand-in for ${host}`).toContain(host);
    }
  });

  it.each(checked.map((r) => [r.id, r] as const))('%s: verified when the provider accepts it, invalid when it rejects it', async (_id, rule) => {
    const good = sample(rule, 'live');
    const revoked = sample(rule, 'revoked');
    standIn.live.add(good.secret);
    const verifier = new Verifier({ fetch: standIn.fetch, perHostIntervalMs: 0 });
    const ok = await verifier.verify(rule, good);
    expect(ok.status, JSON.stringify(ok)).toBe('verified');
    expect(JSON.stringify(ok)).not.toContain(good.secret);
    expect(await verifier.verify(rule, revoked)).toMatchObject({ status: 'invalid' });
  });

  it('timeouts, rate limits and redirects are unknown; a redirect is not followed', async () => {
    const rule = checked.find((r) => r.id === 'stripe-secret-key')!;
    const finding = sample(rule, 'network');
    standIn.live.add(finding.secret);
    for (const [mode, detail] of [
      ['rate-limited', 'HTTP 429'],
      ['slow', 'no answer within'],
      ['redirect', 'a redirect, not followed'],
    ] as const) {
      standIn.behaviour.set('api.stripe.com', mode);
      const before = standIn.requests.length;
      const v = await new Verifier({ fetch: standIn.fetch, timeoutMs: 500 }).verify(rule, finding);
      expect(v.status).toBe('unknown');
      expect(v.detail).toContain(detail);
      expect(standIn.requests.slice(before).map((r) => r.host)).toEqual(['api.stripe.com']);
    }
    standIn.behaviour.delete('api.stripe.com');
    const down = await new Verifier({ fetch: async () => Promise.reject(Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } })) }).verify(rule, finding);
    expect(down).toEqual({ status: 'unknown', detail: 'network error (ECONNREFUSED) reaching api.stripe.com' });
  });

  it('asks once per distinct secret, within the concurrency cap', async () => {
    const rule = checked.find((r) => r.id === 'sendgrid-api-key')!;
    const secrets = Array.from({ length: 12 }, (_, i) => sample(rule, `many-${i}`));
    let inFlight = 0;
    let peak = 0;
    const counting: typeof standIn.fetch = async (url, init) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      try {
        return await standIn.fetch(url, init);
      } finally {
        inFlight--;
      }
    };
    const verifier = new Verifier({ fetch: counting, concurrency: 3, perHostIntervalMs: 0 });
    await Promise.all([...secrets, ...secrets, ...secrets].map((f) => verifier.verify(rule, f)));
    expect(verifier.stats.requests).toBe(12);
    expect(peak).toBeLessThanOrEqual(3);
  });

  it('a check can only name an https host of its own: never the secret in the host, never plain http', () => {
    const base = { verified: { status: [200] }, invalid: { status: [401] }, docs: 'https://example.test/docs', headers: { Authorization: 'Bearer {{secret}}' } };
    expect(() => parseVerifySpec({ ...base, url: 'http://api.example.test/me' })).toThrow(/https/);
    expect(() => parseVerifySpec({ ...base, url: 'https://{{secret}}.example.test/me' })).toThrow(/never in the host/);
    expect(() => parseVerifySpec({ ...base, url: 'https://api.example.test/me', method: 'DELETE' })).toThrow(/never changes state/);
    expect(() => parseVerifySpec({ ...base, url: 'https://api.example.test/me', headers: {} })).toThrow(/never uses/);
  });
});

describe('keyward scan --verify', () => {
  let standIn: StandIn;
  beforeAll(async () => {
    standIn = await startStandIns();
  });
  afterAll(() => standIn?.close());

  const scan = (dir: string, args: string[]) => inProcess(['scan', dir, ...args], dir, standIn);

  it('reports the status in JSON and SARIF, filters with --results and --only-verified, one request per secret', async () => {
    const stripe = checked.find((r) => r.id === 'stripe-secret-key')!;
    const live = sample(stripe, 'cli-live').secret;
    const dead = sample(stripe, 'cli-dead').secret;
    standIn.live.add(live);
    const dir = tempDir('verify-cli');
    writeFileSync(path.join(dir, 'a.env'), `STRIPE_SECRET_KEY=${live}\n`);
    writeFileSync(path.join(dir, 'b.env'), `STRIPE_SECRET_KEY=${live}\nOLD_STRIPE_KEY=${dead}\n`);
    writeFileSync(path.join(dir, 'c.env'), `GITHUB_TOKEN=${githubToken('verify-cli')}\n`);
    const before = standIn.requests.length;
    const all = await scan(dir, ['--verify', '--format', 'json']);
    expect(standIn.requests.length - before).toBe(2);
    const statuses = JSON.parse(all.stdout).findings.map((f: { path: string; verification?: { status: string } }) => [f.path, f.verification?.status ?? 'unverified']);
    expect(statuses).toEqual([
      ['a.env', 'verified'],
      ['b.env', 'verified'],
      ['b.env', 'invalid'],
      ['c.env', 'unverified'],
    ]);
    expect(all.stderr).toContain('verify: 2 request(s): 1 verified, 1 invalid, 0 unknown');
    const only = await scan(dir, ['--only-verified', '--format', 'sarif']);
    const results = JSON.parse(only.stdout).runs[0].results;
    expect(results.map((r: { level: string; properties: { verification: string } }) => [r.level, r.properties.verification])).toEqual([
      ['error', 'verified'],
      ['error', 'verified'],
    ]);
    const some = await scan(dir, ['--results', 'invalid,unverified', '--format', 'json']);
    expect(JSON.parse(some.stdout).findings.map((f: { path: string }) => f.path)).toEqual(['b.env', 'c.env']);
    for (const out of [all.stdout, all.stderr, only.stdout, some.stdout]) {
      expect(out).not.toContain(live);
      expect(out).not.toContain(dead);
    }
    const text = await scan(dir, ['--verify']);
    expect(text.stdout).toContain('LIVE: verified by the provider (account: acct_1Test, email: ops@example.test)');
    expect((await runCli(['scan', dir, '--results', 'alive'], dir)).code).toBe(2);
  });
});

describe('keyward verify REPORT.json', () => {
  let standIn: StandIn;
  beforeAll(async () => {
    standIn = await startStandIns();
  });
  afterAll(() => standIn?.close());

  const cli = (argv: string[], cwd: string) => inProcess(argv, cwd, standIn);

  it('re-checks a redacted report by reading each value back: live until rotated, and a changed file is unknown', async () => {
    const stripe = checked.find((r) => r.id === 'stripe-secret-key')!;
    const key = sample(stripe, 'reverify').secret;
    standIn.live.add(key);
    const dir = tempDir('reverify');
    writeFileSync(path.join(dir, 'a.env'), `# payments\nSTRIPE_SECRET_KEY=${key}\n`);
    writeFileSync(path.join(dir, 'b.env'), `GITHUB_TOKEN=${githubToken('reverify')}\n`);
    const scan = await cli(['scan', dir, '--format', 'json', '-o', path.join(dir, 'report.json')], dir);
    expect(scan.code).toBe(1);
    const first = await cli(['verify', 'report.json'], dir);
    expect(first.code).toBe(1);
    expect(first.stdout).toContain('verified  stripe-secret-key  a.env:2 (account: acct_1Test, email: ops@example.test)');
    expect(first.stdout).toContain('unknown   github-pat  b.env:1  no verifier for this rule');
    expect(first.stdout).not.toContain(key);
    standIn.live.delete(key); // the rotation revoked it
    const after = await cli(['verify', 'report.json', '--format', 'json'], dir);
    expect(after.code).toBe(0);
    expect(JSON.parse(after.stdout).findings.map((f: { verification: { status: string } }) => f.verification.status)).toEqual(['invalid', 'unknown']);
    writeFileSync(path.join(dir, 'a.env'), 'STRIPE_SECRET_KEY=moved\n');
    const changed = await cli(['verify', 'report.json'], dir);
    expect(changed.stdout).toContain('the value is no longer where the report says');
  });
});
