// The whole test suite from a fresh clone with only Node 20+ and git: install the workspace's
// packages (fetching pnpm through npx when it is not installed), typecheck, then run every test.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PNPM_VERSION = '9.15.9';

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32', ...options });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

function hasPnpm() {
  const probe = spawnSync('pnpm', ['--version'], { encoding: 'utf8', shell: process.platform === 'win32' });
  return probe.status === 0 && probe.stdout.trim().startsWith('9.');
}

const pnpm = hasPnpm() ? ['pnpm', []] : ['npx', ['--yes', `pnpm@${PNPM_VERSION}`]];
const step = (label, args) => {
  console.log(`\n== ${label}`);
  const status = run(pnpm[0], [...pnpm[1], ...args]);
  if (status !== 0) {
    console.error(`\n${label} failed (exit ${status})`);
    process.exit(status);
  }
};

step('install packages', ['install', '--frozen-lockfile']);
step('typecheck', ['exec', 'tsc', '-b']);

// vitest's own summary plus a JSON report, from which the plain closing line below is printed.
const report = path.join(mkdtempSync(path.join(tmpdir(), 'keyward-test-')), 'vitest.json');
console.log('\n== tests');
const status = run(pnpm[0], [...pnpm[1], 'exec', 'vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)]);
if (existsSync(report)) {
  const r = JSON.parse(readFileSync(report, 'utf8'));
  console.log(`\nvitest: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`);
}
process.exit(status);
