// The repository scans itself clean with its own config: fixtures are generated at test time or
// obviously fake, and what must stay is allow-listed in .keyward.yaml, not hidden.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

it('keyward scans this repository with no findings', () => {
  const r = spawnSync(process.execPath, [path.join(root, 'packages/cli/dist/index.js'), 'scan', root, '-f', 'json'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const report = JSON.parse(r.stdout);
  const where = report.findings.map((f: { path: string; startLine: number; ruleId: string }) => `${f.path}:${f.startLine} ${f.ruleId}`);
  expect(where).toEqual([]);
  expect(r.status).toBe(0);
});
