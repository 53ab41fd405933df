// `pnpm bench` (scan): generate the corpus once (cached by seed and size under .bench/), then time
// `keyward scan` on it with each regex backend and print MB/s, files/s and peak memory.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateCorpus, githubToken, rng } from './corpus.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const megabytes = Number(process.env.KEYWARD_BENCH_MB ?? 300);
const seed = 42;
const CORPUS_VERSION = 2; // bump when corpus.mjs changes what it writes
const corpus = path.join(root, '.bench', `corpus-v${CORPUS_VERSION}-${seed}-${megabytes}mb`);
const marker = path.join(corpus, '.complete.json');

if (!existsSync(marker)) {
  rmSync(corpus, { recursive: true, force: true });
  const started = performance.now();
  const info = generateCorpus(corpus, { megabytes, seed });
  writeFileSync(marker, JSON.stringify(info));
  console.log(`generated ${info.files} files, ${(info.bytes / 1048576).toFixed(0)} MB, ${info.planted} planted secrets in ${((performance.now() - started) / 1000).toFixed(1)}s`);
}
const info = JSON.parse(readFileSync(marker, 'utf8'));
const cli = path.join(root, 'packages/cli/dist/index.js');

function once(engine, target = corpus) {
  const started = performance.now();
  const r = spawnSync(process.execPath, [path.join(root, 'bench/run-scan.mjs'), cli, 'scan', target, '-f', 'json', '--no-progress', '--regex-engine', engine], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  const seconds = (performance.now() - started) / 1000;
  if (r.status !== 1 && r.status !== 0) throw new Error(`scan failed (${r.status}): ${r.stderr}`);
  const report = JSON.parse(r.stdout);
  const rss = JSON.parse(/KEYWARD_BENCH (.*)/.exec(r.stderr)[1]).maxRssKb / 1024;
  return { seconds, rss, findings: report.findings.length, files: report.stats.files, bytes: report.stats.bytes };
}

console.log(`corpus: ${info.files} files, ${(info.bytes / 1048576).toFixed(0)} MB, ${info.planted} planted secrets (.bench/, seed ${seed})`);
console.log('engine   wall s    MB/s   files/s   peak RSS MB   findings (planted: ' + info.planted + ')');
for (const engine of ['re2', 're2js']) {
  let best;
  for (let i = 0; i < 3; i++) {
    let run;
    try {
      run = once(engine);
    } catch (error) {
      console.log(`${engine.padEnd(7)}  unavailable: ${String(error.message).split('\n')[0]}`);
      break;
    }
    if (!best || run.seconds < best.seconds) best = run;
  }
  if (!best) continue;
  const mb = best.bytes / 1048576;
  console.log(
    `${engine.padEnd(7)}  ${best.seconds.toFixed(2).padStart(6)}  ${(mb / best.seconds).toFixed(0).padStart(6)}  ${(best.files / best.seconds).toFixed(0).padStart(8)}  ${best.rss.toFixed(0).padStart(12)}  ${String(best.findings).padStart(9)}`,
  );
}
console.log('(best of 3 runs; wall time includes process start and rule compilation)');

// The worst case for memory: one minified file just under the default size cap where a generic rule
// matches every 15 characters (real bundles have a keyword every 350), with two tokens in it.
const dense = path.join(root, '.bench', 'dense-v2');
const denseFile = path.join(dense, 'bundle.min.js');
if (!existsSync(denseFile)) {
  const r = rng(7);
  const pieces = [];
  let size = 0;
  for (let i = 0; size < 24 * 1024 * 1024; i++) {
    const piece = i === 100_000 || i === 400_000 ? `var t${i}="${githubToken(r)}";` : `a.token="x${i % 89}";c.apiKey=d(${i % 97});e.password="f";`;
    pieces.push(piece);
    size += piece.length;
  }
  rmSync(path.join(root, '.bench', 'dense-v1'), { recursive: true, force: true });
  mkdirSync(dense, { recursive: true });
  writeFileSync(denseFile, pieces.join(''));
}
const worst = once('re2', dense);
console.log(
  `\none 24 MB minified line where a generic rule matches every 15 characters (native RE2, one run): ${worst.seconds.toFixed(1)} s, ${(worst.bytes / 1048576 / worst.seconds).toFixed(1)} MB/s, peak RSS ${worst.rss.toFixed(0)} MB, ${worst.findings} findings (planted: 2)`,
);

// The worst case for time: one 10 MB line that is a run of one character a keyword matches at every
// position (a base64 data URI of zero bytes in a bundled font hits the Twitter prefix `AAAA…`), with one
// token in the middle. Detection must stay linear; the target is under 2 s on 2 cores.
const runs = path.join(root, '.bench', 'keyword-run-v1');
const runFile = path.join(runs, 'font.css');
if (!existsSync(runFile)) {
  const half = 'A'.repeat(5 * 1024 * 1024);
  mkdirSync(runs, { recursive: true });
  writeFileSync(runFile, `@font-face{src:url(data:font/woff2;base64,${half});t="${githubToken(rng(9))}";s:url(data:font/woff2;base64,${half})}\n`);
}
for (const engine of ['re2', 're2js']) {
  const run = once(engine, runs);
  console.log(
    `one 10 MB line that is a run of a keyword's character (${engine}, one run): ${run.seconds.toFixed(2)} s, ${(run.bytes / 1048576 / run.seconds).toFixed(1)} MB/s, peak RSS ${run.rss.toFixed(0)} MB, ${run.findings} findings (planted: 1)`,
  );
}
