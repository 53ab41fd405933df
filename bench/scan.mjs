// `pnpm bench` (scan): generate the corpus once (cached by seed and size under .bench/), then time
// `keyward scan` on it with each regex backend and print MB/s, files/s and peak memory.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateCorpus } from './corpus.mjs';

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

function once(engine) {
  const started = performance.now();
  const r = spawnSync(process.execPath, [path.join(root, 'bench/run-scan.mjs'), cli, 'scan', corpus, '-f', 'json', '--no-progress', '--regex-engine', engine], {
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
