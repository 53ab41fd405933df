// The `keyward` npm package, staged the way it is published: the committed CLI bundle, the rules (data
// the bundle already embeds, shipped for reading), README and licence, and packages/cli/package.json
// without what only the workspace needs (its workspace devDependencies and the source entry).
//   node scripts/pack-cli.mjs [OUTDIR]        writes OUTDIR/keyward-<version>.tgz (default: packages/cli/.pack)
//   node scripts/pack-cli.mjs --publish       npm publish --provenance from the staged folder (in CI)
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = path.join(root, 'packages/cli');
const publish = process.argv.includes('--publish');
const outDir = path.resolve(process.argv.slice(2).find((a) => !a.startsWith('--')) ?? path.join(cli, '.pack'));

if (!existsSync(path.join(cli, 'dist/index.js'))) {
  console.error('packages/cli/dist/index.js is missing: run `pnpm generate` first');
  process.exit(1);
}
const manifest = JSON.parse(readFileSync(path.join(cli, 'package.json'), 'utf8'));
delete manifest.devDependencies;
delete manifest.exports;
delete manifest.scripts;

const stage = mkdtempSync(path.join(tmpdir(), 'keyward-pack-'));
try {
  mkdirSync(path.join(stage, 'dist'));
  cpSync(path.join(cli, 'dist/index.js'), path.join(stage, 'dist/index.js'));
  cpSync(path.join(cli, 'dist/package.json'), path.join(stage, 'dist/package.json'));
  mkdirSync(path.join(stage, 'rules'));
  for (const name of readdirSync(path.join(root, 'rules'))) {
    if (name.endsWith('.yaml')) cpSync(path.join(root, 'rules', name), path.join(stage, 'rules', name));
  }
  cpSync(path.join(root, 'README.md'), path.join(stage, 'README.md'));
  cpSync(path.join(root, 'LICENSE'), path.join(stage, 'LICENSE'));
  writeFileSync(path.join(stage, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  const args = publish ? ['publish', '--provenance', '--access', 'public'] : ['pack', '--json', '--pack-destination', outDir];
  if (!publish) mkdirSync(outDir, { recursive: true });
  const r = spawnSync('npm', args, { cwd: stage, stdio: publish ? 'inherit' : ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  if (r.status !== 0) process.exit(r.status ?? 1);
  if (!publish) process.stdout.write(r.stdout);
} finally {
  rmSync(stage, { recursive: true, force: true });
}
