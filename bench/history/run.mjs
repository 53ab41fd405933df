#!/usr/bin/env node
// History benchmark: `keyward scan --history` against the raw read floor
// `git cat-file --batch-all-objects --batch > /dev/null` on the same generated repository.
//
//   node bench/history/run.mjs [--commits 10000] [--mb 300] [--runs 3] [--rebuild] [--build-cli]
//
// The repository is generated with git fast-import from a seed (10,000 commits by default, each one
// editing one of 600 source-like files, so about --mb MB of unique blobs, stored as deltas the way
// a real pack stores them, with a few generated GitHub tokens planted along the way) and cached in
// the temp dir. Prints wall time, MB/s and peak memory. Target: within 2x of the floor, < 400 MB RSS.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, closeSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { githubToken as corpusGithubToken, rng } from '../corpus.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cli = path.join(root, 'packages/cli/dist/index.js');

function flag(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}
const COMMITS = Number(flag('commits', '10000'));
const TARGET_MB = Number(flag('mb', '300'));
const RUNS = Number(flag('runs', '3'));
const FILES = 600;
const PLANTED = 25;

// The benchmark corpus's seeded generator and token maker, so both benchmarks plant the same kind of key.
const r = rng(0x6b657977);
const { int, pick } = r;
const rand = r.next;
const randomString = r.string;
const githubToken = () => corpusGithubToken(r);

// Source-like text. Rule keywords occur about as often as in real JavaScript (measured on a few MB of
// node_modules sources): "token" in one line in 50, "secret", "password" and "private" in one in 300.
const WORDS = [
  'user', 'account', 'session', 'config', 'client', 'request', 'response', 'cache', 'retry', 'limit',
  'order', 'invoice', 'item', 'queue', 'worker', 'handler', 'stream', 'buffer', 'index', 'layout',
  'render', 'widget', 'payload', 'schema', 'record', 'cursor', 'batch', 'offset', 'region', 'metric',
  'report', 'filter', 'mapper', 'parser', 'loader', 'router', 'target', 'source', 'bucket', 'vector',
];
function word() {
  const r = rand();
  if (r < 1 / 100) return 'token';
  if (r < 1 / 100 + 1 / 600) return pick(['secret', 'password', 'private']);
  return pick(WORDS);
}
function codeLine() {
  const a = word();
  const b = word();
  switch (int(8)) {
    case 0:
      return `  const ${a}${b[0].toUpperCase()}${b.slice(1)}${int(1000)} = await ${b}Service.load(${a}Id, { retries: ${int(9)} });`;
    case 1:
      return `  if (!${a} || ${a}.${b}Count > ${int(100000)}) throw new Error('${a} ${b} out of range: ' + ${a}.id);`;
    case 2:
      return `  // ${a} ${b}: keep the ${pick(WORDS)} ${pick(WORDS)} in sync with upstream (${randomString('abcdef0123456789', 8)})`;
    case 3:
      return `  ${a}_${b}_${int(1000)} = os.environ.get("${a.toUpperCase()}_${b.toUpperCase()}", "${pick(WORDS)}-${int(100)}")`;
    case 4:
      return `  return { ${a}: ${a}.${b}, ${b}: ${int(1_000_000)}, tag: "${pick(WORDS)}.${pick(WORDS)}" };`;
    case 5:
      return `  logger.debug(\`${a} \${${a}.id} ${b} \${${b}.size} after ${int(5000)}ms\`);`;
    case 6:
      return `export function ${a}${b[0].toUpperCase()}${b.slice(1)}${int(10000)}(${a}, ${b}) {`;
    default:
      return `  ${a}.${b} = ${a}.${b} ?? ${int(1 << 30)};`;
  }
}

function gitRun(cwd, args, options = {}) {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8', maxBuffer: 1 << 30, ...options });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

async function buildRepository(dir) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  gitRun(dir, ['init', '-q', '-b', 'main']);
  const child = spawn('git', ['fast-import', '--quiet', '--depth=20'], { cwd: dir, stdio: ['pipe', 'inherit', 'inherit'] });
  const exited = new Promise((resolve, reject) => child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`fast-import exited ${code}`)))));
  const write = (text) => (child.stdin.write(text) ? undefined : new Promise((r) => child.stdin.once('drain', r)));
  // Each commit edits one file: the average file size sets the unique blob bytes per commit.
  const linesPerFile = Math.max(20, Math.round((TARGET_MB * 1024 * 1024) / COMMITS / 62));
  const files = Array.from({ length: FILES }, () => Array.from({ length: linesPerFile }, codeLine));
  const plantAt = new Set(Array.from({ length: PLANTED }, () => 1 + int(COMMITS)));
  const epoch = 1_500_000_000;
  for (let i = 1; i <= COMMITS; i++) {
    const f = int(FILES);
    const lines = files[f];
    for (let k = 0; k < 3; k++) lines[int(lines.length)] = codeLine(); // a small edit: a new blob
    if (plantAt.has(i)) lines[int(lines.length)] = `  const token = "${githubToken()}";`;
    const content = `${lines.join('\n')}\n`;
    const message = `change ${i}: ${pick(WORDS)} ${pick(WORDS)}`;
    const branch = i % 1000 === 0 ? `refs/heads/release-${i / 1000}` : 'refs/heads/main';
    const header =
      `commit ${branch}\nmark :${i}\nauthor Dev ${i % 37} <dev${i % 37}@example.test> ${epoch + i * 600} +0000\n` +
      `committer Dev <dev@example.test> ${epoch + i * 600} +0000\ndata ${Buffer.byteLength(message)}\n${message}\n` +
      (i > 1 ? `from :${i - 1}\n` : '') +
      `M 100644 inline src/${f % 20}/module-${f}.ts\ndata ${Buffer.byteLength(content)}\n`;
    await write(header);
    await write(content);
    await write('\n');
    if (branch !== 'refs/heads/main') await write(`reset refs/heads/main\nfrom :${i}\n\n`);
  }
  child.stdin.end();
  await exited;
  writeFileSync(path.join(dir, '.git', 'keyward-bench-complete'), `${COMMITS} ${TARGET_MB}\n`);
}

function uniqueBlobBytes(dir) {
  const out = gitRun(dir, ['cat-file', '--batch-all-objects', '--batch-check=%(objecttype) %(objectsize)']);
  let bytes = 0;
  let blobs = 0;
  for (const line of out.split('\n')) {
    const [type, size] = line.split(' ');
    if (type === 'blob') {
      bytes += Number(size);
      blobs++;
    }
  }
  return { bytes, blobs };
}

/** Wall time and peak RSS (KB, from /usr/bin/time when present) of one command. */
function measure(command, args, cwd, stdoutFile) {
  const useTime = existsSync('/usr/bin/time');
  const rssFile = path.join(tmpdir(), `keyward-bench-rss-${process.pid}`);
  const argv = useTime ? ['-f', '%M', '-o', rssFile, command, ...args] : args;
  const out = stdoutFile ? openSync(stdoutFile, 'w') : 'pipe';
  const started = performance.now();
  const r = spawnSync(useTime ? '/usr/bin/time' : command, argv, { cwd, stdio: ['ignore', out, 'pipe'], maxBuffer: 1 << 30, encoding: 'utf8' });
  const seconds = (performance.now() - started) / 1000;
  if (typeof out === 'number') closeSync(out);
  const rssKb = useTime && existsSync(rssFile) ? Number(readFileSync(rssFile, 'utf8').trim().split('\n').at(-1)) : NaN;
  rmSync(rssFile, { force: true });
  return { seconds, rssKb, status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const mb = (bytes) => bytes / (1024 * 1024);

async function mainBench() {
  if (process.argv.includes('--build-cli') || !existsSync(cli)) {
    const r = spawnSync(process.execPath, [path.join(root, 'scripts/generate.mjs'), '--only', 'packages/cli'], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error('building the CLI bundle failed');
  }
  const dir = path.join(tmpdir(), `keyward-bench-history-v3-${COMMITS}-${TARGET_MB}`);
  if (process.argv.includes('--rebuild') || !existsSync(path.join(dir, '.git', 'keyward-bench-complete'))) {
    const started = performance.now();
    process.stdout.write(`building ${COMMITS} commits (~${TARGET_MB} MB of unique blobs) with git fast-import in ${dir} ... `);
    await buildRepository(dir);
    process.stdout.write(`${((performance.now() - started) / 1000).toFixed(1)}s\n`);
  }
  const { bytes, blobs } = uniqueBlobBytes(dir);
  const commits = Number(gitRun(dir, ['rev-list', '--all', '--count']).trim());
  const packBytes = Number(gitRun(dir, ['count-objects', '-v']).match(/size-pack: (\d+)/)?.[1] ?? 0) * 1024;
  console.log(`repository: ${commits} commits, ${blobs} unique blobs, ${mb(bytes).toFixed(1)} MB of blob text, pack ${mb(packBytes).toFixed(1)} MB`);

  // Warm the page cache once so both sides read from memory.
  measure('git', ['cat-file', '--batch-all-objects', '--batch'], dir, '/dev/null');
  const floor = [];
  const unordered = [];
  const scans = [];
  let findings = -1;
  for (let run = 0; run < RUNS; run++) {
    floor.push(measure('git', ['cat-file', '--batch-all-objects', '--batch'], dir, '/dev/null'));
    unordered.push(measure('git', ['cat-file', '--batch-all-objects', '--batch', '--unordered'], dir, '/dev/null'));
    const scan = measure(process.execPath, [cli, 'scan', '--history', '--format', 'json', '--no-progress', '--exit-zero'], dir);
    if (scan.status !== 0) throw new Error(`keyward exited ${scan.status}: ${scan.stderr}`);
    findings = JSON.parse(scan.stdout).findings.length;
    scans.push(scan);
  }
  const best = (list) => list.reduce((a, b) => (b.seconds < a.seconds ? b : a));
  const f = best(floor);
  const k = best(scans);
  const peakMb = Math.max(...scans.map((s) => s.rssKb)) / 1024;
  const ratio = k.seconds / f.seconds;
  console.log(`floor   git cat-file --batch-all-objects --batch > /dev/null   ${f.seconds.toFixed(2)} s   ${(mb(bytes) / f.seconds).toFixed(0)} MB/s (blob MB)   peak ${(f.rssKb / 1024).toFixed(0)} MB`);
  const u = best(unordered);
  console.log(`        (same, --unordered: pack order, kinder to the delta cache)     ${u.seconds.toFixed(2)} s   ${(mb(bytes) / u.seconds).toFixed(0)} MB/s   peak ${(u.rssKb / 1024).toFixed(0)} MB`);
  console.log(`keyward scan --history                                        ${k.seconds.toFixed(2)} s   ${(mb(bytes) / k.seconds).toFixed(0)} MB/s   peak ${peakMb.toFixed(0)} MB   ${findings} findings (${PLANTED} planted)`);
  console.log(`ratio ${ratio.toFixed(2)}x of the floor (target <= 2x): ${ratio <= 2 ? 'met' : 'NOT met'} (${(k.seconds / u.seconds).toFixed(2)}x of the --unordered read); peak RSS ${peakMb.toFixed(0)} MB (target < 400 MB): ${peakMb < 400 ? 'met' : 'NOT met'}`);
  console.log(`best of ${RUNS} runs each; peak RSS is the largest of the node process and the git processes it waited for (/usr/bin/time %M)`);
}

await mainBench();
