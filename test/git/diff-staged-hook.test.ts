// `keyward scan --diff`, `scan --staged`, `keyward hook install` (through the real bundle, blocking a
// real `git commit`), and the pre-commit framework's hook file.
import { chmodSync, cpSync, existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commit, git, gitTry, githubToken, initRepo, removeTempDirs, tempDir } from '../../packages/engine/test/git-fixtures.js';
import { bundle, repoRoot, runBundle, runCli } from './cli.js';

afterAll(removeTempDirs);

describe('keyward scan --diff BASE..HEAD', () => {
  const secret = githubToken('cli-diff');
  let repo: string;
  let base: string;
  let head: string;

  beforeAll(() => {
    repo = initRepo('cli-diff');
    base = commit(repo, { 'src/a.ts': 'one\ntwo\nthree\n' }, 'base');
    head = commit(repo, { 'src/a.ts': `one\ntwo\nconst t = "${secret}";\nthree\n` }, 'head');
  });

  it('reports the added line with its number in HEAD', async () => {
    const run = await runCli(['scan', '--diff', `${base}..${head}`, '--format', 'json'], repo);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout).findings.map((f: { path: string; startLine: number }) => [f.path, f.startLine])).toEqual([['src/a.ts', 3]]);
  });

  it('says exactly what to fetch in a shallow clone that lacks BASE (real bundle)', () => {
    const clone = tempDir('cli-diff-shallow');
    git(clone, ['clone', '-q', '--depth=1', `file://${repo}`, '.']);
    const run = runBundle(['scan', '--diff', `${base}..HEAD`], clone);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`base commit "${base}" is not in this shallow clone`);
    expect(run.stderr).toContain(`git fetch --no-tags --depth=1 origin ${base}`);
  });
});

describe('keyward scan --staged and keyward hook install', () => {
  let repo: string;

  beforeAll(() => {
    repo = initRepo('hook');
    commit(repo, { 'README.md': '# hooked\n' }, 'first');
  });

  it('scan --staged reports what is staged, not what is only in the working tree', async () => {
    const secret = githubToken('cli-staged');
    writeFileSync(path.join(repo, 'staged.env'), `T=${secret}\n`);
    git(repo, ['add', 'staged.env']);
    const run = await runCli(['scan', '--staged'], repo);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('staged.env');
    expect(run.stdout).toContain('keyward:allow');
    git(repo, ['rm', '-q', '--cached', 'staged.env']);
    expect((await runCli(['scan', '--staged'], repo)).code).toBe(0);
  });

  it('installs a hook that blocks a commit adding a key and lets an allowed line through', async () => {
    const install = runBundle(['hook', 'install', '--command', `${process.execPath} ${bundle}`], repo);
    expect(install.code).toBe(0);
    const hook = path.join(repo, '.git/hooks/pre-commit');
    expect(statSync(hook).mode & 0o111).not.toBe(0);

    const secret = githubToken('hook-blocked');
    writeFileSync(path.join(repo, 'config.js'), `module.exports = { token: "${secret}" };\n`);
    git(repo, ['add', 'config.js']);
    const blocked = gitTry(repo, ['commit', '-q', '-m', 'add config']);
    expect(blocked.status).not.toBe(0);
    expect(blocked.stderr).toContain('commit blocked');
    expect(blocked.stderr).toContain('keyward:allow');
    expect(blocked.stderr).toContain('--no-verify');
    expect(`${blocked.stdout}${blocked.stderr}`.includes(secret)).toBe(false);
    expect(gitTry(repo, ['rev-parse', '--verify', '-q', 'HEAD~1']).status).not.toBe(0); // still one commit

    // The documented way to allow a false positive.
    writeFileSync(path.join(repo, 'config.js'), `module.exports = { token: "${secret}" }; // keyward:allow test fixture\n`);
    git(repo, ['add', 'config.js']);
    expect(gitTry(repo, ['commit', '-q', '-m', 'add config']).status).toBe(0);
  });

  it('refuses to overwrite a foreign hook without --force, and uninstall restores it', async () => {
    const other = initRepo('hook-foreign');
    const hook = path.join(other, '.git/hooks/pre-commit');
    writeFileSync(hook, '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    const refused = runBundle(['hook', 'install'], other);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--force');
    expect(runBundle(['hook', 'install', '--force'], other).code).toBe(0);
    expect(readFileSync(hook, 'utf8')).toContain('scan --staged');
    expect((await runCli(['hook', 'uninstall'], other)).code).toBe(0);
    expect(readFileSync(hook, 'utf8')).toBe('#!/bin/sh\nexit 0\n');
  });

  it('follows core.hooksPath', async () => {
    const other = initRepo('hook-path');
    git(other, ['config', 'core.hooksPath', '.githooks']);
    expect(runBundle(['hook', 'install'], other).code).toBe(0);
    expect(readFileSync(path.join(other, '.githooks/pre-commit'), 'utf8')).toContain('keyward pre-commit hook');
  });

  it('by default the hook runs the very keyward that installed it, by absolute paths', () => {
    const other = initRepo('hook-self');
    commit(other, { 'README.md': '# self\n' }, 'first');
    expect(runBundle(['hook', 'install'], other).code).toBe(0);
    const script = readFileSync(path.join(other, '.git/hooks/pre-commit'), 'utf8');
    expect(script).toContain(`set -- ${process.execPath} ${bundle}\n`);
    expect(script).not.toMatch(/npx|command -v/);
    const secret = githubToken('hook-self');
    writeFileSync(path.join(other, 'app.env'), `T=${secret}\n`);
    git(other, ['add', 'app.env']);
    const blocked = gitTry(other, ['commit', '-q', '-m', 'add app.env']);
    expect(blocked.status).toBe(1);
    expect(blocked.stderr).toContain('commit blocked: the staged changes add a credential');
  });

  it('a keyward that cannot run blocks the commit as "could not start", never as a credential, and runs nothing else', () => {
    // keyward installed from a folder that is later removed, with an npx on PATH that records being run.
    const installed = tempDir('hook-gone-install');
    cpSync(path.dirname(bundle), installed, { recursive: true });
    const bin = tempDir('hook-gone-bin');
    const npxRan = path.join(bin, 'npx-ran');
    writeFileSync(path.join(bin, 'npx'), `#!/bin/sh\ntouch '${npxRan}'\necho "npm error 404 Not Found" >&2\nexit 1\n`);
    chmodSync(path.join(bin, 'npx'), 0o755);
    const other = initRepo('hook-gone');
    commit(other, { 'README.md': '# gone\n' }, 'first');
    expect(runBundle(['hook', 'install'], other, path.join(installed, 'index.js')).code).toBe(0);
    rmSync(installed, { recursive: true, force: true });
    writeFileSync(path.join(other, 'notes.txt'), 'nothing secret\n');
    git(other, ['add', 'notes.txt']);
    const env = { PATH: `${bin}:${path.dirname(process.execPath)}:/usr/bin:/bin` };
    const blocked = gitTry(other, ['commit', '-q', '-m', 'add notes'], { env });
    expect(blocked.status).not.toBe(0);
    expect(blocked.stderr).toContain('could not start keyward');
    expect(blocked.stderr).not.toContain('add a credential');
    expect(existsSync(npxRan)).toBe(false);
    expect(gitTry(other, ['rev-parse', '--verify', '-q', 'HEAD~1']).status).not.toBe(0); // still one commit
  });
});

describe('.pre-commit-hooks.yaml', () => {
  it('declares a keyward hook that scans staged changes once per commit', () => {
    const text = readFileSync(path.join(repoRoot, '.pre-commit-hooks.yaml'), 'utf8');
    expect(text).toMatch(/^- id: keyward$/m);
    expect(text).toMatch(/^ {2}entry: keyward scan --staged --no-progress$/m);
    expect(text).toMatch(/^ {2}pass_filenames: false$/m);
    expect(text).toContain('keyward:allow');
  });
});
