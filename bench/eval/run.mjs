#!/usr/bin/env node
// keyward's evaluation: a seeded corpus with planted credentials and labelled look-alikes, scanned by
// the real CLI bundle, scored from its SARIF. A benchmark, not a test: it prints figures, asserts nothing.
//   node bench/eval/run.mjs [--seed S] [--per-rule N] [--keep] [--out DIR] [--json FILE] [--examples N]
// The generator is TypeScript that imports the engine's sources; it is bundled with ncc into a temp dir
// first (secrets are generated at run time into a temp dir; nothing here is ever committed).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const build = mkdtempSync(path.join(tmpdir(), 'keyward-eval-build-'));
try {
  const ncc = path.join(root, 'node_modules/@vercel/ncc/dist/ncc/cli.js');
  const compiled = spawnSync(process.execPath, [ncc, 'build', path.join(here, 'src/main.ts'), '-o', build, '--transpile-only', '--target', 'es2022', '--quiet'], {
    cwd: here,
    encoding: 'utf8',
  });
  if (compiled.status !== 0) {
    process.stderr.write(compiled.stdout + compiled.stderr);
    process.exit(2);
  }
  writeFileSync(path.join(build, 'package.json'), '{"type":"module"}\n');
  const run = spawnSync(process.execPath, [path.join(build, 'index.js'), '--root', root, ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exitCode = run.status ?? 2;
} finally {
  rmSync(build, { recursive: true, force: true });
}
