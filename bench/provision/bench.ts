/**
 * Provisioning latency: mint + mask + export of one credential, and post's revoke (revoke + verify), against a
 * throwaway local PostgreSQL and the local GitHub / Vault / OIDC stand-ins used by the tests.
 *
 *   pnpm --filter @keyward/provision bench        (BENCH_ITERATIONS=N to change the sample size, default 40)
 *
 * PostgreSQL figures exclude connection set-up (time inside pg's Client#connect is measured and subtracted),
 * as the target (p95 < 300 ms) asks; the full figure is printed beside it.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  AuditTrail,
  type CredentialBackend,
  GitHubAppBackend,
  PostgresBackend,
  RevocationLedger,
  VaultBackend,
  oidcTokenSource,
  provision,
  revokeAll,
  systemClock,
} from '../../packages/provision/src/index.js';
import { startFakeGitHub } from '../../packages/provision/test/support/fake-github.js';
import { startFakeVault } from '../../packages/provision/test/support/fake-vault.js';
import { startOidcIssuer } from '../../packages/provision/test/support/oidc-issuer.js';
import { createTemplateRole, startPostgres } from '../../packages/provision/test/support/postgres-server.js';
import { RecordingRunner, testJob } from '../../packages/provision/test/support/recording-runner.js';

const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 40);

// Same module instance the backend imports, so connect time can be measured and subtracted.
type PgClientClass = { prototype: { connect(this: unknown): Promise<void> } };
const pg = createRequire(join(import.meta.dirname, '../../packages/provision/package.json'))('pg') as { Client: PgClientClass };
let connectMs = 0;
const originalConnect = pg.Client.prototype.connect;
pg.Client.prototype.connect = async function timedConnect(this: unknown): Promise<void> {
  const start = performance.now();
  try {
    return await originalConnect.call(this);
  } finally {
    connectMs += performance.now() - start;
  }
};

const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
};
const fmt = (ms: number): string => `${ms.toFixed(1).padStart(7)} ms`;

interface Sample {
  mint: number;
  mintNoConnect: number;
  revoke: number;
}

async function measure(
  name: string,
  makeBackend: (runner: RecordingRunner) => CredentialBackend,
  roles: string[],
  idToken: () => Promise<string>,
): Promise<Sample[]> {
  const temp = mkdtempSync(join(tmpdir(), `keyward-bench-${name}-`));
  const samples: Sample[] = [];
  try {
    for (let i = 0; i < ITERATIONS + 3; i++) {
      const runner = new RecordingRunner(idToken);
      const job = testJob(temp);
      const audit = new AuditTrail(join(temp, 'audit.jsonl'), job, systemClock);
      const backend = makeBackend(runner);
      connectMs = 0;
      const start = performance.now();
      await provision({ backend: backend.name, roles, exportModes: ['env'], rename: {} }, { runner, job, clock: systemClock, audit, backend, signal: new AbortController().signal });
      const mint = performance.now() - start;
      const mintConnect = connectMs;
      const post = runner.forPost();
      const revokeStart = performance.now();
      const reports = await revokeAll(RevocationLedger.load(post), { runner: post, audit, clock: systemClock, backendFor: () => backend });
      const revoke = performance.now() - revokeStart;
      if (reports.some((r) => r.outcome === 'failed')) throw new Error(`${name}: revoke failed: ${reports.map((r) => r.error).join('; ')}`);
      if (i >= 3) samples.push({ mint, mintNoConnect: mint - mintConnect, revoke }); // first runs warm up JIT and caches
    }
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
  return samples;
}

async function main(): Promise<void> {
  const server = await startPostgres();
  await createTemplateRole(server);
  const issuer = await startOidcIssuer();
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const github = await startFakeGitHub({ appId: '1', publicKey, owner: 'acme', repositories: ['widgets'] });
  const vault = await startFakeVault({ issuer, role: 'ci' });
  const idTokenFor = async (): Promise<string> => {
    const response = await fetch(issuer.requestUrl, { headers: { authorization: `Bearer ${issuer.requestToken}` } });
    return ((await response.json()) as { value: string }).value;
  };
  try {
    const results: Array<[string, Sample[]]> = [
      ['postgres', await measure('postgres', () => new PostgresBackend({ adminUrl: server.adminUrl, templateRole: 'app_readonly', ttlMs: 900_000, runId: '1', runAttempt: '1' }), ['app_readonly'], idTokenFor)],
      ['github-app', await measure('github-app', () => new GitHubAppBackend({ apiUrl: github.url, appId: '1', privateKey: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(), owner: 'acme', repositories: ['widgets'], permissions: { contents: 'read' } }), ['contents:read'], idTokenFor)],
      ['vault', await measure('vault', (runner) => new VaultBackend({ addr: vault.url, role: 'ci', secrets: [{ path: 'database/creds/ro', field: 'password', exportName: 'PGPASSWORD' }], getJwt: oidcTokenSource(runner, undefined) }), ['database/creds/ro'], idTokenFor)],
    ];
    console.log(`keyward provision benchmark: ${ITERATIONS} credentials per backend, local servers on 127.0.0.1\n`);
    console.log('backend      mint+mask+export p50 / p95          (postgres excl. connect p50 / p95)   post revoke p50 / p95');
    for (const [name, samples] of results) {
      const mint = samples.map((s) => s.mint);
      const noConnect = samples.map((s) => s.mintNoConnect);
      const revoke = samples.map((s) => s.revoke);
      const excl = name === 'postgres' ? `${fmt(percentile(noConnect, 50))} / ${fmt(percentile(noConnect, 95))}` : ' '.repeat(23);
      console.log(`${name.padEnd(12)} ${fmt(percentile(mint, 50))} / ${fmt(percentile(mint, 95))}       ${excl}              ${fmt(percentile(revoke, 50))} / ${fmt(percentile(revoke, 95))}`);
    }
    const pgP95 = percentile(results[0]![1].map((s) => s.mintNoConnect), 95);
    console.log(`\nPostgreSQL p95 excluding connection set-up: ${pgP95.toFixed(1)} ms (target < 300 ms): ${pgP95 < 300 ? 'met' : 'NOT met'}`);
  } finally {
    await vault.close();
    await github.close();
    await issuer.close();
    await server.stop();
  }
}

await main();
