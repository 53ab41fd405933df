// The text report through the real bundle, as `run: keyward scan` prints it into a workflow's log: a
// hostile file name or author must not start a line of its own, where the runner would run it as a command.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { SeededRandom, validators } from '../../packages/engine/src/index.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cli = path.join(root, 'packages/cli/dist/index.js');
const secret = validators.get('github-crc32')!.generate(new SeededRandom('text-report'), 'ghp_');
const scratch = mkdtempSync(path.join(tmpdir(), 'keyward-text-report-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('keyward scan text report', () => {
  it('a hostile path or author cannot start a line of its own, so `run: keyward scan` in a workflow injects no command', () => {
    const repo = path.join(scratch, 'hostile');
    mkdirSync(repo);
    const name = '::add-mask::path-injected\n::warning::path-injected ##[notice]path-injected';
    writeFileSync(path.join(repo, name), `GITHUB_TOKEN=${secret}\n`);
    const git = (...args: string[]) => spawnSync('git', args, { cwd: repo, encoding: 'utf8', env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', HOME: repo } });
    git('init', '-q');
    git('add', '--all');
    git('-c', 'user.name=x\n::error::author-injected', '-c', 'user.email=a@example.invalid', 'commit', '-q', '-m', 'add');
    for (const args of [[repo], ['--history', repo]]) {
      const r = spawnSync(process.execPath, [cli, 'scan', ...args, '--no-progress'], { cwd: repo, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
      expect(r.status, r.stderr).toBe(1);
      const commands = r.stdout.split('\n').filter((l) => /^\s*::/.test(l) || l.includes('##['));
      expect(commands).toEqual([]);
      expect(r.stdout).toContain('"::add-mask::path-injected\\n::warning::path-injected ##\\u005bnotice]path-injected"');
    }
  });
});
