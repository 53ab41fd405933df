// The whole test suite from a fresh clone with only Node 20+ and git: install the workspace's
// packages (fetching pnpm through npx when it is not installed), typecheck, then run every test.
import { spawnSync } from 'node:child_process';
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
step('tests', ['exec', 'vitest', 'run', ...process.argv.slice(2)]);
