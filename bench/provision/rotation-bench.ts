/**
 * Rotation end to end: PostgreSQL two-role switch -> GitHub Actions secret (the local stand-in, which opens the
 * sealed box), with a zero grace period: create, verify, write, retire, verify dead. This is the `--now` path's
 * cost for one secret, without the workflow's own start-up.
 *
 *   pnpm bench rotation          (BENCH_ITERATIONS=N, default 20)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { AuditTrail, GitHubSecretDestination, PostgresTwoRoleSource, RotationStateFile, rotateSecret, systemClock } from '../../packages/provision/src/index.js';
import { startGitHubSecretsStandIn } from '../../packages/provision/test/support/github-secrets-stand-in.js';
import { createTemplateRole, startPostgres } from '../../packages/provision/test/support/postgres-server.js';
import { testJob } from '../../packages/provision/test/support/recording-runner.js';

const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 20);
const TOKEN = 'bench-token-not-a-credential';

const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
};

const server = await startPostgres();
const github = await startGitHubSecretsStandIn(TOKEN);
const dir = mkdtempSync(join(tmpdir(), 'keyward-rotation-bench-'));
try {
  await createTemplateRole(server);
  const deps = {
    store: new RotationStateFile(join(dir, 'state.json')),
    audit: new AuditTrail(join(dir, 'audit.jsonl'), testJob(dir), systemClock),
    clock: systemClock,
    log: () => undefined,
  };
  const request = {
    secret: 'DATABASE_URL',
    source: new PostgresTwoRoleSource({ adminUrl: server.adminUrl, group: 'app_readonly' }),
    destinations: [new GitHubSecretDestination({ apiUrl: github.url, token: TOKEN, scope: { repository: 'acme/widgets' }, name: 'DATABASE_URL' })],
    graceMs: 0,
    waitForGrace: true,
    lifetimeMs: 90 * 86_400_000,
  };
  await rotateSecret(request, deps); // the first rotation has nothing to retire; not counted
  const samples: number[] = [];
  for (let i = 0; i < ITERATIONS; i++) {
    const start = performance.now();
    await rotateSecret(request, deps);
    samples.push(performance.now() - start);
  }
  console.log(`rotation end to end (PostgreSQL two-role + GitHub secrets stand-in, grace 0), ${ITERATIONS} rotations:`);
  console.log(`  p50 ${percentile(samples, 50).toFixed(1)} ms  p95 ${percentile(samples, 95).toFixed(1)} ms  max ${Math.max(...samples).toFixed(1)} ms`);
} finally {
  await github.close();
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}
