import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type LedgerEntry, verifyAuditTrail } from '../../../packages/provision/src/index.js';
import { type FakeGitHub, startFakeGitHub } from '../../../packages/provision/test/support/fake-github.js';
import { type OidcIssuer, startOidcIssuer } from '../../../packages/provision/test/support/oidc-issuer.js';
import { leakProbes, maskText, revealsSecret } from '../../../packages/provision/test/support/runner-masker.js';
import { ActionJob, oidcEnv } from './support/action-run.js';

// A throwaway app key made for this run, in the PKCS#1 form GitHub hands out.
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const pem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
const APP_ID = '123456';

let github: FakeGitHub;
let issuer: OidcIssuer;
beforeAll(async () => {
  github = await startFakeGitHub({ appId: APP_ID, publicKey, owner: 'acme', repositories: ['widgets', 'gadgets'] });
  issuer = await startOidcIssuer();
});
afterAll(async () => {
  await github?.close();
  await issuer?.close();
});

const inputs = (extra: Record<string, string> = {}): Record<string, string> => ({
  backend: 'github-app',
  'github-app-id': APP_ID,
  'github-app-private-key': pem,
  'github-app-permissions': 'contents:read, issues:write',
  'github-api-url': github.url,
  ...extra,
});

const newJob = (): ActionJob => new ActionJob(oidcEnv(issuer));
const callsSince = (start: number): string[] => github.server.requests.slice(start).map((r) => `${r.method} ${r.path}`);

describe('bundled action, github-app backend', () => {
  test('exact requests: installation lookup, scoped token; post deletes it and GitHub refuses it afterwards', async () => {
    const start = github.server.requests.length;
    const job = newJob();
    const main = await job.main(inputs());
    expect(main.code, main.stdout + main.stderr).toBe(0);
    const token = main.env.get('GITHUB_APP_TOKEN')!;
    expect(token).toMatch(/^ghs_/);
    expect(main.outputs.has('token')).toBe(false); // outputs only when asked
    expect(callsSince(start)).toEqual(['GET /repos/acme/widgets/installation', `POST /app/installations/${github.installationId}/access_tokens`]);
    const create = github.server.requests[start + 1]!;
    expect(create.body).toEqual({ repositories: ['widgets'], permissions: { contents: 'read', issues: 'write' } });
    expect(create.headers['x-github-api-version']).toBe('2022-11-28');
    expect(github.accepts(token)).toBe(true);

    const ledger = JSON.parse(job.state().get('keyward_ledger')!) as LedgerEntry[];
    expect(ledger).toMatchObject([{ backend: 'github-app', kind: 'installation-token', status: 'live' }]);
    expect(ledger[0]!.id).toMatch(/^sha256:[0-9a-f]{16}$/);
    expect(ledger[0]!.id).not.toContain(token.slice(4, 12));

    // a careless later step
    expect(revealsSecret(maskText(leakProbes(token).join('\n'), job.masks), token)).toBeUndefined();

    const postStart = github.server.requests.length;
    const post = await job.post(inputs());
    expect(post.code).toBe(0);
    expect(callsSince(postStart)).toEqual(['DELETE /installation/token', 'GET /installation/repositories?per_page=1']);
    expect(github.server.requests[postStart]!.headers.authorization).toBe(`Bearer ${token}`);
    expect(github.accepts(token)).toBe(false);
    expect(post.summary).toMatch(/\| github-app \| installation-token `sha256:[0-9a-f]{16}` \| .* \| yes \|/);
    expect(post.env.get('GITHUB_APP_TOKEN')).toBe('');
    expect(verifyAuditTrail(job.auditPath).ok).toBe(true);
    expect(revealsSecret(job.published(), token)).toBeUndefined();
    for (const line of pem.split('\n').filter((l) => l.length > 20 && !l.startsWith('-----'))) {
      expect(job.published()).not.toContain(line);
    }
  });

  test('outputs carry the token only when asked', async () => {
    const job = newJob();
    const main = await job.main(inputs({ export: 'output', 'export-names': 'token=APP_TOKEN' }));
    expect(main.code).toBe(0);
    expect(main.env.has('GITHUB_APP_TOKEN')).toBe(false);
    const token = main.outputs.get('APP_TOKEN')!;
    expect(github.accepts(token)).toBe(true);
    // the plain name actions/create-github-app-token gives it, for workflows that move over
    expect(main.outputs.get('token')).toBe(token);
    await job.post(inputs());
    expect(github.accepts(token)).toBe(false);
  });

  test('an already expired token at post time is not an error', async () => {
    const job = newJob();
    const main = await job.main(inputs());
    github.expire(main.env.get('GITHUB_APP_TOKEN')!);
    const post = await job.post(inputs());
    expect(post.code).toBe(0);
    expect(post.log).not.toContain('::warning::');
    expect(post.log).toMatch(/revoked github-app installation-token sha256:\w+ \(it was already gone or expired\)/);
    expect(post.summary).toMatch(/\| yes \(already gone\) \|/);
  });

  test('GitHub down during post: one warning per credential, step still passes, summary says no', async () => {
    const job = newJob();
    const main = await job.main(inputs());
    github.down = true;
    try {
      const post = await job.post(inputs());
      expect(post.code).toBe(0);
      const warnings = post.log.split('\n').filter((l) => l.startsWith('::warning::'));
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/could not revoke github-app installation-token .*answered 503.*expires server-side at/);
      expect(post.summary).toMatch(/\| no: /);
    } finally {
      github.down = false;
    }
    // a second post (a re-run of the cleanup) finishes the job: the ledger knew it
    expect((await job.post(inputs())).code).toBe(0);
    expect(github.accepts(main.env.get('GITHUB_APP_TOKEN')!)).toBe(false);
  });

  test('malformed inputs name the input and mint nothing', async () => {
    const start = github.tokens.size;
    const job = newJob();
    const bad = await job.main(inputs({ 'github-app-permissions': 'contents:everything' }));
    expect(bad.code).toBe(1);
    expect(bad.log).toContain('::error::input "github-app-permissions": contents: level must be read, write or admin');
    const noKey = await newJob().main(inputs({ 'github-app-private-key': 'not a key' }));
    expect(noKey.log).toContain('::error::input "github-app-private-key": is not a PEM private key');
    expect(github.tokens.size).toBe(start);
  });
});
