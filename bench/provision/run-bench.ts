/**
 * `keyward run` figures: start-up overhead (spawn of `keyward run` -> the child's first instruction, against
 * spawning the child directly), the whole run including the revoke, and the output redactor's throughput
 * (in-process, and end to end through `keyward run`'s pipes).
 *
 *   pnpm bench run                (BENCH_ITERATIONS=N, default 10; BENCH_MB=N of output, default 64)
 *
 * Runs the committed CLI bundle (packages/cli/dist/index.js; `pnpm generate --only packages/cli` first) against a
 * throwaway local PostgreSQL.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { StreamRedactor, generatePassword, maskingForms } from '../../packages/provision/src/index.js';
import { createTemplateRole, startPostgres } from '../../packages/provision/test/support/postgres-server.js';

const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 10);
const MEGABYTES = Number(process.env.BENCH_MB ?? 64);
const cli = join(import.meta.dirname, '../../packages/cli/dist/index.js');

const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
};
const fmt = (ms: number): string => `${ms.toFixed(1).padStart(7)} ms`;

/** Runs `argv`, returns when it closes: the wall time, the child's reported start instant, bytes of stdout. */
function timed(argv: string[], env: NodeJS.ProcessEnv): Promise<{ startedAt: number; spawnedAt: number; endedAt: number; lastByteAt: number; bytes: number; code: number | null }> {
  return new Promise((resolve, reject) => {
    const spawnedAt = performance.timeOrigin + performance.now();
    const child = spawn(argv[0]!, argv.slice(1), { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let first = '';
    let bytes = 0;
    let lastByteAt = 0;
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      if (first.length < 64) first += d.toString('latin1').slice(0, 64);
      bytes += d.length;
      lastByteAt = performance.timeOrigin + performance.now();
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const startedAt = Number(first.match(/^start (\d+(?:\.\d+)?)/)?.[1]);
      if (code !== 0 || Number.isNaN(startedAt)) return reject(new Error(`exit ${code}: ${stderr.slice(0, 500)}`));
      resolve({ startedAt, spawnedAt, endedAt: performance.timeOrigin + performance.now(), lastByteAt, bytes, code });
    });
  });
}

// The child reports its first instruction's wall-clock instant (performance.timeOrigin + now, sub-ms).
const START_CHILD = "process.stdout.write('start ' + (performance.timeOrigin + performance.now()) + '\\n')";
const bulkChild = (mb: number): string =>
  `${START_CHILD}; const line = Buffer.from('x'.repeat(1023) + '\\n'); const block = Buffer.concat(Array(64).fill(line)); ` +
  `let left = ${mb * 16}; const out = () => { while (left > 0) { left--; if (!process.stdout.write(block)) return process.stdout.once('drain', out); } }; out();`;

async function main(): Promise<void> {
  const server = await startPostgres();
  const state = mkdtempSync(join(tmpdir(), 'keyward-run-bench-'));
  try {
    await createTemplateRole(server, { canCreate: true });
    const env: NodeJS.ProcessEnv = { ...process.env, KEYWARD_POSTGRES_ADMIN_URL: server.adminUrl, XDG_STATE_HOME: state };
    delete env.CI;
    const keyward = (child: string): string[] => [process.execPath, cli, 'run', '--backend', 'postgres', '--role', 'app_readonly', '--ttl', '5m', '--', process.execPath, '-e', child];

    const direct: number[] = [];
    const viaRun: number[] = [];
    const whole: number[] = [];
    for (let i = 0; i < ITERATIONS; i++) {
      const d = await timed([process.execPath, '-e', START_CHILD], env);
      direct.push(d.startedAt - d.spawnedAt);
      const k = await timed(keyward(START_CHILD), env);
      viaRun.push(k.startedAt - k.spawnedAt);
      whole.push(k.endedAt - k.spawnedAt);
    }
    // How much of the overhead is loading the CLI bundle at all (`keyward --version`), not minting.
    const load: number[] = [];
    for (let i = 0; i < ITERATIONS; i++) {
      const t = performance.now();
      await new Promise((resolve) => spawn(process.execPath, [cli, '--version'], { stdio: 'ignore' }).on('close', resolve));
      load.push(performance.now() - t);
    }
    const overhead = viaRun.map((v, i) => v - (direct[i] as number));
    console.log(`keyward run start-up (${ITERATIONS} runs, PostgreSQL role minted each time), spawn -> child's first instruction:`);
    console.log(`  child spawned directly      p50 ${fmt(percentile(direct, 50))}  p95 ${fmt(percentile(direct, 95))}`);
    console.log(`  through keyward run         p50 ${fmt(percentile(viaRun, 50))}  p95 ${fmt(percentile(viaRun, 95))}`);
    console.log(`  overhead (mint, mask, spawn) p50 ${fmt(percentile(overhead, 50))}  p95 ${fmt(percentile(overhead, 95))}`);
    console.log(`  of which CLI load (--version, whole process) p50 ${fmt(percentile(load, 50))}  p95 ${fmt(percentile(load, 95))}`);
    console.log(`  whole run incl. revoke      p50 ${fmt(percentile(whole, 50))}  p95 ${fmt(percentile(whole, 95))}`);

    // In-process: the redactor alone over MEGABYTES of output in 64 KiB chunks, forms of one real password.
    const forms = maskingForms(generatePassword());
    const redactor = new StreamRedactor(forms);
    const chunk = Buffer.from(Array.from({ length: 64 }, () => `${'log line with ordinary words 0123456789 '.repeat(25)}\n`).join('').slice(0, 65536));
    const chunks = MEGABYTES * 16;
    const t0 = performance.now();
    let out = 0;
    for (let i = 0; i < chunks; i++) out += redactor.write(chunk).length;
    out += redactor.end().length;
    const seconds = (performance.now() - t0) / 1000;
    console.log(`redactor in-process: ${MEGABYTES} MB in 64 KiB chunks, ${forms.length} masked forms: ${(MEGABYTES / seconds).toFixed(0)} MB/s (${out} bytes out)`);

    // End to end: a child writing MEGABYTES to stdout, directly and through keyward run.
    const bulkDirect = await timed([process.execPath, '-e', bulkChild(MEGABYTES)], env);
    const bulkRun = await timed(keyward(bulkChild(MEGABYTES)), env);
    // From the child's first instruction to the last byte reaching the reader: the revoke after it is not counted.
    const rate = (r: { startedAt: number; lastByteAt: number }): string => (MEGABYTES / ((r.lastByteAt - r.startedAt) / 1000)).toFixed(0);
    console.log(`output throughput, ${MEGABYTES} MB written by the child, read by this process: direct ${rate(bulkDirect)} MB/s, through keyward run's redactor ${rate(bulkRun)} MB/s`);
  } finally {
    await server.stop();
    rmSync(state, { recursive: true, force: true });
  }
}

await main();
