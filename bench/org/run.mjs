// `pnpm bench org`: 200 generated repositories of varied size (bare, on this machine), listed by a
// local stand-in for GitHub's repository API, planned into 8 shards, every shard scanned with its full
// history, then merged. Prints shard balance (largest shard's bytes / mean), each shard's wall time and
// the merge time. Generated data: the times are for this machine and these repositories only.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const cli = path.resolve(here, '../../packages/cli/dist/index.js');
const REPOS = Number(process.env.KEYWARD_BENCH_REPOS ?? 200);
const SHARDS = Number(process.env.KEYWARD_BENCH_SHARDS ?? 8);
const root = mkdtempSync(path.join(tmpdir(), 'keyward-bench-org-'));

// Seeded, so every run builds the same repositories.
// mulberry32: a seeded generator whose arithmetic stays exact in 32 bits.
let seed = 0x2545f491;
const rand = () => {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
};
const ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const line = () => Array.from({ length: 8 + Math.floor(rand() * 8) }, () => Array.from({ length: 2 + Math.floor(rand() * 8) }, () => ALNUM[Math.floor(rand() * 62)]).join('')).join(' ');

function makeRepo(i) {
  const dir = path.join(root, 'repos', `r${String(i).padStart(3, '0')}.git`);
  spawnSync('git', ['init', '-q', '--bare', '-b', 'main', dir]);
  // Sizes from ~20 KB to ~4 MB, most small, as in a real organization.
  const bytes = Math.floor(20_000 * Math.exp(rand() * Math.log(200)));
  const commits = 1 + Math.floor(rand() * 5);
  let stream = '';
  for (let c = 0; c < commits; c++) {
    let content = '';
    while (content.length < bytes / commits) content += `${line()}\n`;
    const data = Buffer.from(content);
    stream += `commit refs/heads/main\ncommitter Bench <bench@example.test> ${1700000000 + c} +0000\ndata 6\ncommit\nM 100644 inline src/file${c}.txt\ndata ${data.length}\n${content}\n`;
  }
  spawnSync('git', ['fast-import', '--quiet'], { cwd: dir, input: stream });
  return { name: `r${String(i).padStart(3, '0')}`, dir, sizeKb: Math.ceil(bytes / 1024) };
}

const t0 = performance.now();
mkdirSync(path.join(root, 'repos'), { recursive: true });
const repos = Array.from({ length: REPOS }, (_, i) => makeRepo(i));
const totalKb = repos.reduce((n, r) => n + r.sizeKb, 0);
console.log(`generated ${REPOS} bare repositories, ${(totalKb / 1024).toFixed(1)} MB of content, in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

const server = createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  const page = Number(url.searchParams.get('page') ?? '1');
  const slice = repos.slice((page - 1) * 100, page * 100).map((r) => ({ full_name: `bench/${r.name}`, clone_url: `file://${r.dir}`, default_branch: 'main', size: r.sizeKb, visibility: 'private', topics: [] }));
  const headers = { 'content-type': 'application/json' };
  if (page * 100 < repos.length) headers.link = `<http://127.0.0.1:${server.address().port}/orgs/bench/repos?per_page=100&page=${page + 1}>; rel="next"`;
  res.writeHead(200, headers);
  res.end(JSON.stringify(slice));
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const env = { ...process.env, GITHUB_TOKEN: 'bench-token', GITHUB_API_URL: `http://127.0.0.1:${server.address().port}` };
const work = path.join(root, 'work');
mkdirSync(work);

// Synchronous is fine here: the stand-in API is needed only by the plan, which runs asynchronously.
function timed(args) {
  const t = performance.now();
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: work, env, encoding: 'utf8' });
  return { ms: performance.now() - t, code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const planRun = await new Promise((resolve) => {
  const t = performance.now();
  import('node:child_process').then(({ execFile }) =>
    execFile(process.execPath, [cli, 'org', 'plan', '--owner', 'bench', '--shards', String(SHARDS), '-o', 'plan.json'], { cwd: work, env }, (error, stdout, stderr) =>
      resolve({ ms: performance.now() - t, error, stdout, stderr }),
    ),
  );
});
server.close();
if (planRun.error) {
  console.error(planRun.stderr);
  process.exit(1);
}
const plan = JSON.parse(readFileSync(path.join(work, 'plan.json'), 'utf8'));
// Balance on the repositories' real sizes, not on the planner's weights (each weighs at least 1 MB).
const sizes = plan.shards.map((s) => s.repositories.reduce((n, r) => n + r.sizeKb, 0));
const mean = sizes.reduce((a, b) => a + b, 0) / sizes.length;
console.log(`plan: ${plan.shards.length} shards in ${planRun.ms.toFixed(0)} ms; balance (largest / mean bytes) ${(Math.max(...sizes) / mean).toFixed(3)}`);

const times = [];
for (const s of plan.shards) {
  const r = timed(['org', 'scan', '--plan', 'plan.json', '--shard', String(s.shard), '--history', '--out', 'results']);
  if (r.code !== 0 && r.code !== 1) {
    console.error(`shard ${s.shard} failed (exit ${r.code}): ${r.stderr}`);
    process.exit(1);
  }
  times.push(r.ms);
  console.log(`shard ${s.shard}: ${s.repositories.length} repositories, ${(s.repositories.reduce((n, r) => n + r.sizeKb, 0) / 1024).toFixed(1)} MB, ${(r.ms / 1000).toFixed(2)} s`);
}
const merge = timed(['org', 'report', 'results', '--json', 'report.json', '--sarif', 'report.sarif']);
const sorted = [...times].sort((a, b) => a - b);
console.log(`one shard: median ${(sorted[Math.floor(sorted.length / 2)] / 1000).toFixed(2)} s, slowest ${(sorted.at(-1) / 1000).toFixed(2)} s; per repository ${(times.reduce((a, b) => a + b, 0) / REPOS).toFixed(0)} ms on average`);
console.log(`merge: ${plan.shards.length} shard files, ${REPOS} repositories, ${merge.ms.toFixed(0)} ms (exit ${merge.code})`);
rmSync(root, { recursive: true, force: true });
