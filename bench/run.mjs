// `pnpm bench [scan|history|eval|accuracy|org|verify|provision|run|rotation|all]`: benchmarks print figures; they never fail a build
// for being slow. Each one is also runnable on its own (see its file).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const SUITES = {
  scan: 'scan.mjs',
  history: 'history/run.mjs',
  eval: 'eval/run.mjs',
  // independent data: peer scanners' rule examples, pinned public repositories, an npm tree
  accuracy: 'accuracy/run.mjs',
  org: 'org/run.mjs',
  verify: 'verify/bench.ts',
  // TypeScript, run through vite-node (a dev dependency of @keyward/provision)
  provision: 'provision/bench.ts',
  run: 'provision/run-bench.ts',
  rotation: 'provision/rotation-bench.ts',
};
const wanted = process.argv[2] ?? 'scan';
const names = wanted === 'all' ? Object.keys(SUITES) : [wanted];
let failed = false;
for (const name of names) {
  const file = SUITES[name];
  if (!file) {
    console.error(`unknown benchmark "${name}"; choose ${Object.keys(SUITES).join(', ')} or all`);
    process.exit(2);
  }
  if (!existsSync(path.join(here, file))) {
    console.log(`\n== ${name}: not present (${file})`);
    continue;
  }
  console.log(`\n== ${name}`);
  const r = file.endsWith('.ts')
    ? spawnSync('pnpm', ['--filter', '@keyward/provision', 'exec', 'vite-node', path.join(here, file)], { stdio: 'inherit', cwd: path.join(here, '..') })
    : spawnSync(process.execPath, [path.join(here, file), ...process.argv.slice(3)], { stdio: 'inherit' });
  if (r.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
