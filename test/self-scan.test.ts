// The repository scans itself clean with its own config: fixtures are generated at test time or
// obviously fake, and what must stay is allow-listed in .keyward.yaml or reviewed in .keywardignore.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function scan(args: string[]) {
  const r = spawnSync(process.execPath, [path.join(root, 'packages/cli/dist/index.js'), 'scan', ...args, '-f', 'json'], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const report = JSON.parse(r.stdout);
  return { code: r.status, where: report.findings.map((f: { path: string; startLine: number; ruleId: string }) => `${f.path}:${f.startLine} ${f.ruleId}`) };
}

it('keyward scans this repository with no findings', () => {
  expect(scan([root])).toEqual({ code: 0, where: [] });
});

it("keyward scans this repository's git history with no findings", () => {
  expect(scan(['--history', root])).toEqual({ code: 0, where: [] });
});
