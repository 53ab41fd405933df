// `--diff` range syntax as git users write it: refs with dots, and BASE...HEAD meaning "what HEAD
// added since it forked from BASE", which is what a pull request shows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commit, git, githubToken, initRepo, removeTempDirs } from '../../packages/engine/test/git-fixtures.js';
import { runCli } from './cli.js';

afterAll(removeTempDirs);

describe('keyward scan --diff ranges', () => {
  const onMain = githubToken('range-main');
  const onBranch = githubToken('range-branch');
  let repo: string;

  beforeAll(() => {
    repo = initRepo('diff-range');
    commit(repo, { 'a.txt': 'base\n' }, 'base');
    git(repo, ['tag', 'v1.2']);
    git(repo, ['checkout', '-q', '-b', 'feature']);
    commit(repo, { 'branch.env': `T=${onBranch}\n` }, 'feature adds a key');
    git(repo, ['checkout', '-q', '-']);
    commit(repo, { 'main.env': `T=${onMain}\n` }, 'main moves on with another key');
  });

  const paths = (stdout: string) => JSON.parse(stdout).findings.map((f: { path: string }) => f.path);

  it('accepts refs with dots', async () => {
    const run = await runCli(['scan', '--diff', 'v1.2..feature', '-f', 'json'], repo);
    expect(paths(run.stdout)).toEqual(['branch.env']);
  });

  it('BASE..HEAD compares the two trees; BASE...HEAD only what HEAD added since the fork', async () => {
    const main = git(repo, ['rev-parse', 'HEAD']).trim();
    const twoDot = await runCli(['scan', '--diff', `feature..${main}`, '-f', 'json'], repo);
    expect(paths(twoDot.stdout)).toEqual(['main.env']);
    const threeDot = await runCli(['scan', '--diff', `${main}...feature`, '-f', 'json'], repo);
    expect(paths(threeDot.stdout)).toEqual(['branch.env']);
  });

  it('rejects a malformed range with exit 2', async () => {
    for (const bad of ['feature', '..feature', 'a..b..c', 'a b..c']) {
      const run = await runCli(['scan', '--diff', bad], repo);
      expect(run.code, bad).toBe(2);
      expect(run.stderr).toContain('--diff needs BASE..HEAD');
    }
  });
});
