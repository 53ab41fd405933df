// The hook as the pre-commit framework runs it: a user's .pre-commit-config.yaml names this repository
// at a commit, `pre-commit install` wires it into git, and a real `git commit` is blocked or let through.
// Uses the framework installed on the machine (.ci/run installs Debian's); this repository's committed
// HEAD is what pre-commit clones, exactly as it would clone a tag from GitHub.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { git, gitEnv, githubToken, initRepo, removeTempDirs, tempDir } from '../../packages/engine/test/git-fixtures.js';
import { repoRoot } from './cli.js';

afterAll(removeTempDirs);

const preCommit = spawnSync('pre-commit', ['--version'], { encoding: 'utf8' });
const available = preCommit.status === 0;
if (!available && process.env.CI) throw new Error('pre-commit is not installed: .ci/run installs it');

describe.skipIf(!available)(`the pre-commit framework (${preCommit.stdout?.trim()})`, () => {
  let repo: string;
  let env: Record<string, string | undefined>;

  beforeAll(() => {
    // pnpm's NODE_PATH would let the hook's environment find packages it does not install itself.
    env = { ...gitEnv(), PRE_COMMIT_HOME: tempDir('pre-commit-home'), NODE_PATH: undefined };
    repo = initRepo('pre-commit-user');
    const rev = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: repoRoot, encoding: 'utf8' }).stdout.trim();
    writeFileSync(path.join(repo, '.pre-commit-config.yaml'), `repos:\n  - repo: ${repoRoot}\n    rev: ${rev}\n    hooks:\n      - id: keyward\n`);
    const install = spawnSync('pre-commit', ['install'], { cwd: repo, env, encoding: 'utf8' });
    expect(install.status, install.stderr).toBe(0);
    git(repo, ['add', '.pre-commit-config.yaml']);
    // The first run builds the hook's node environment (npm install of this repository).
    const first = spawnSync('pre-commit', ['run'], { cwd: repo, env, encoding: 'utf8' });
    expect(first.status, first.stdout + first.stderr).toBe(0);
  }, 300_000);

  const commit = (message: string) => spawnSync('git', ['commit', '-q', '-m', message], { cwd: repo, env, encoding: 'utf8' });

  it('blocks a commit that stages a credential, naming the file and not printing the secret', () => {
    const token = githubToken('pre-commit-framework');
    writeFileSync(path.join(repo, 'settings.py'), `GITHUB_TOKEN = "${token}"\n`);
    git(repo, ['add', 'settings.py']);
    const blocked = commit('add settings');
    expect(blocked.status).not.toBe(0);
    const output = blocked.stdout + blocked.stderr;
    expect(output).toContain('keyward (credentials in staged changes)');
    expect(output).toContain('Failed');
    expect(output).toContain('settings.py');
    expect(output).not.toContain(token);
    git(repo, ['reset', '-q', 'settings.py']);
  });

  it('lets a clean commit through', () => {
    writeFileSync(path.join(repo, 'README.md'), '# clean\n');
    git(repo, ['add', 'README.md']);
    const ok = commit('readme');
    expect(ok.status, ok.stdout + ok.stderr).toBe(0);
    expect(ok.stdout + ok.stderr).toContain('Passed');
  });
});
