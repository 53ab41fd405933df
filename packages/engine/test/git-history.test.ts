// The history source on real repositories: every blob once, attributed to the commit and path that
// introduced it, across branches, merges, renames, deletions, binary files, shallow clones and a
// 10,000-commit history built with git fast-import.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinRules, Detector, runScan, scanGitHistory, type Finding, type ScanResult } from '../src/index.js';
import { commit, git, gitEnv, gitTry, githubToken, initRepo, removeTempDirs, tempDir } from './git-fixtures.js';

const detector = new Detector(builtinRules());
const MAX = 25 * 1024 * 1024;

async function scanHistory(cwd: string, extra: { logOpts?: string; since?: string; skipPath?: (p: string) => boolean } = {}): Promise<ScanResult> {
  return runScan(scanGitHistory({ cwd, env: gitEnv(), maxFileSize: MAX, ...extra }), { detector });
}

/** Findings of one secret; compared in memory so no secret is ever printed by a failing assertion. */
function findingsOf(result: ScanResult, secret: string): Finding[] {
  return result.findings.filter((f) => f.secret === secret);
}

function uniqueBlobCount(repo: string): number {
  const objects = git(repo, ['rev-list', '--objects', '--all']).split('\n').map((l) => l.split(' ')[0]!);
  const types = git(repo, ['cat-file', '--batch-check=%(objecttype)'], { input: `${objects.join('\n')}\n` }).split('\n');
  return types.filter((t) => t === 'blob').length;
}

afterAll(removeTempDirs);

describe('scanGitHistory on a repository with branches, a merge, a rename, a deleted key and a binary blob', () => {
  const t = {
    deleted: githubToken('deleted'),
    renamed: githubToken('renamed'),
    branch: [0, 1, 2, 3].map((i) => githubToken(`branch-${i}`)),
    pr: githubToken('added-and-removed-in-pr'),
    merge: githubToken('evil-merge'),
    binary: githubToken('binary'),
    copied: githubToken('copied'),
    kept: githubToken('kept-through-edits'),
  };
  let repo: string;
  const sha: Record<string, string> = {};
  let result: ScanResult;

  beforeAll(async () => {
    repo = initRepo('history');
    sha.root = commit(repo, { 'README.md': '# demo\n', 'src/app.js': 'console.log(1);\n' }, 'root', { author: 'Root Author', date: '2020-01-01T00:00:00Z' });
    sha.deletedAdd = commit(repo, { 'config/prod.env': `NAME=demo\nGITHUB_TOKEN=${t.deleted}\n` }, 'add prod config', { author: 'Alice', date: '2020-02-01T10:00:00Z' });
    sha.deletedRemove = commit(repo, { 'config/prod.env': null }, 'remove prod config', { date: '2020-02-02T00:00:00Z' });
    sha.renameAdd = commit(repo, { 'old/name.txt': `line one\ntoken: ${t.renamed}\n` }, 'add file to be renamed', { author: 'Bob', date: '2020-03-01T00:00:00Z' });
    sha.rename = commit(repo, { 'old/name.txt': null, 'new/name.txt': `line one\ntoken: ${t.renamed}\n` }, 'rename', { date: '2020-03-02T00:00:00Z' });
    // A copy of a file that already held a key: the same blob, so it is read and reported once.
    sha.copiedAdd = commit(repo, { 'a/copied.txt': `x=${t.copied}\n` }, 'add copied', { author: 'Carol', date: '2020-03-03T00:00:00Z' });
    sha.copy = commit(repo, { 'b/copied.txt': `x=${t.copied}\n` }, 'copy it', { date: '2020-03-04T00:00:00Z' });
    sha.keptAdd = commit(repo, { 'keep/settings.ini': `[a]\ntoken=${t.kept}\nv=1\n` }, 'add settings', { author: 'Kim', date: '2020-03-04T12:00:00Z' });
    commit(repo, { 'keep/settings.ini': `[a]\ntoken=${t.kept}\nv=2\n` }, 'edit settings', { date: '2020-03-04T13:00:00Z' });
    commit(repo, { 'keep/settings.ini': `[a]\n\ntoken=${t.kept}\nv=3\n` }, 'edit settings again', { date: '2020-03-04T14:00:00Z' });
    const binary = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]), Buffer.from(`\n${t.binary}\n`)]);
    sha.binary = commit(repo, { 'assets/logo.png': binary }, 'add binary', { date: '2020-03-05T00:00:00Z' });
    // Many branches, each with its own key; one stays unmerged and one is reachable only from a tag.
    for (let i = 0; i < 4; i++) {
      git(repo, ['checkout', '-q', '-b', `feature-${i}`, 'main']);
      sha[`branch${i}`] = commit(repo, { [`features/f${i}.ts`]: `export const key = '${t.branch[i]}';\n` }, `feature ${i}`, { author: `Dev ${i}`, date: `2020-04-0${i + 1}T00:00:00Z` });
    }
    git(repo, ['tag', 'only-a-tag', 'feature-3']);
    git(repo, ['checkout', '-q', 'main']);
    git(repo, ['branch', '-D', 'feature-3']);
    // A pull request that adds a key and removes it again before merging: still in history.
    git(repo, ['checkout', '-q', '-b', 'pr', 'main']);
    sha.prAdd = commit(repo, { 'src/app.js': `console.log(1);\nconst token = "${t.pr}";\n` }, 'wip', { author: 'Eve', date: '2020-05-01T00:00:00Z' });
    sha.prRemove = commit(repo, { 'src/app.js': 'console.log(1);\nconst token = process.env.TOKEN;\n' }, 'oops, use env', { date: '2020-05-01T01:00:00Z' });
    git(repo, ['checkout', '-q', 'main']);
    commit(repo, { 'src/app.js': 'console.log(2);\n' }, 'main moves on', { date: '2020-05-02T00:00:00Z' });
    gitTry(repo, ['merge', '-q', '--no-commit', 'pr']); // conflicts, resolved by hand below
    // The conflict resolution (an "evil merge") introduces content that neither parent had.
    writeFileSync(path.join(repo, 'src/app.js'), `console.log(2);\nconst token = "${t.merge}";\n`);
    git(repo, ['add', 'src/app.js']);
    git(repo, ['commit', '-q', '-m', 'merge pr'], { env: { GIT_AUTHOR_NAME: 'Merger', GIT_AUTHOR_DATE: '2020-05-03T00:00:00Z', GIT_COMMITTER_DATE: '2020-05-03T00:00:00Z' } });
    sha.merge = git(repo, ['rev-parse', 'HEAD']);
    git(repo, ['merge', '-q', '--no-edit', 'feature-0']);
    result = await scanHistory(repo);
  }, 60_000);

  it('reads each unique blob exactly once', () => {
    const binaries = result.stats.skipped.filter((s) => s.reason === 'binary').length;
    expect(binaries).toBe(1);
    expect(result.stats.files + binaries).toBe(uniqueBlobCount(repo));
  });

  it('finds a key in a file that was later deleted, attributed to the commit, author, date and path that added it', () => {
    const [f, ...more] = findingsOf(result, t.deleted);
    expect(more).toHaveLength(0);
    expect(f).toMatchObject({ ruleId: 'github-pat', path: 'config/prod.env', startLine: 2 });
    expect(f!.commit).toMatchObject({ sha: sha.deletedAdd, author: 'Alice', email: 'alice@example.test', message: 'add prod config' });
    expect(new Date(f!.commit!.date!).toISOString()).toBe('2020-02-01T10:00:00.000Z');
  });

  it('reports a renamed file once, at the path where the key was introduced', () => {
    const found = findingsOf(result, t.renamed);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ path: 'old/name.txt', startLine: 2, commit: { sha: sha.renameAdd, author: 'Bob' } });
  });

  it('reports a blob held at two paths once, at the first', () => {
    const found = findingsOf(result, t.copied);
    expect(found.map((f) => [f.path, f.commit?.sha])).toEqual([['a/copied.txt', sha.copiedAdd]]);
  });

  it('reports a key kept through later edits of its file once, at the commit that added it', () => {
    const found = findingsOf(result, t.kept);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ path: 'keep/settings.ini', startLine: 2, commit: { sha: sha.keptAdd, author: 'Kim' } });
  });

  it('skips blobs over the size limit and says so', async () => {
    const small = await runScan(scanGitHistory({ cwd: repo, env: gitEnv(), maxFileSize: 40 }), { detector });
    expect(small.stats.skipped.some((s) => s.reason === 'too-large' && s.path.startsWith(`config/prod.env @ ${sha.deletedAdd!.slice(0, 12)}`))).toBe(true);
    expect(findingsOf(small, t.deleted)).toHaveLength(0);
    expect(small.stats.files).toBeGreaterThan(0);
  });

  it('covers every branch and tag, merged or not', () => {
    t.branch.forEach((secret, i) => {
      const found = findingsOf(result, secret);
      expect(found, `feature ${i}`).toHaveLength(1);
      expect(found[0]).toMatchObject({ path: `features/f${i}.ts`, commit: { sha: sha[`branch${i}`], author: `Dev ${i}` } });
    });
  });

  it('finds a key added and removed in the same pull request', () => {
    const found = findingsOf(result, t.pr);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ path: 'src/app.js', startLine: 2, commit: { sha: sha.prAdd, author: 'Eve' } });
  });

  it('attributes content that only a merge commit introduced to the merge', () => {
    const found = findingsOf(result, t.merge);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ path: 'src/app.js', commit: { sha: sha.merge, author: 'Merger' } });
  });

  it('skips the binary blob and says so, with where it came from', () => {
    expect(findingsOf(result, t.binary)).toHaveLength(0);
    expect(result.stats.skipped).toContainEqual({ path: `assets/logo.png @ ${sha.binary!.slice(0, 12)}`, reason: 'binary' });
  });

  it('limits the walk with --log-opts (a range) and --since', async () => {
    const range = await scanHistory(repo, { logOpts: `${sha.rename}..${sha.copy}` });
    expect(range.findings.map((f) => f.path)).toEqual(['a/copied.txt']);
    expect(range.stats.files).toBe(1);
    const since = await scanHistory(repo, { since: '2020-04-15T00:00:00Z' });
    const secrets = new Set(since.findings.map((f) => f.secret));
    expect(secrets.has(t.pr) && secrets.has(t.merge)).toBe(true);
    expect(secrets.has(t.deleted) || secrets.has(t.branch[1]!)).toBe(false);
  });

  it('does not read blobs at allowlisted paths, but still reads the same blob at another path', async () => {
    const skipped = await scanHistory(repo, { skipPath: (p) => p.startsWith('a/') });
    const found = findingsOf(skipped, t.copied);
    expect(found.map((f) => f.path)).toEqual(['b/copied.txt']);
  });

  it('rejects a bad --log-opts with git’s own message', async () => {
    await expect(scanHistory(repo, { logOpts: 'no-such-branch..main' })).rejects.toThrow(/no-such-branch/);
  });

  it('scans a shallow clone up to its boundary', async () => {
    const clone = tempDir('history-shallow');
    git(clone, ['clone', '-q', '--depth=1', '--no-local', `file://${repo}`, '.']);
    const shallow = await scanHistory(clone);
    expect(findingsOf(shallow, t.merge)).toHaveLength(1);
    // The deleted key is before the boundary, so a depth-1 clone does not hold it.
    expect(findingsOf(shallow, t.deleted)).toHaveLength(0);
  });

  it('says so when the folder is not a repository', async () => {
    await expect(scanHistory(tempDir('not-a-repo'))).rejects.toThrow(/not a git repository/);
  });

  it('scans an empty repository as nothing', async () => {
    const empty = await scanHistory(initRepo('empty'));
    expect(empty.stats.files).toBe(0);
  });
});

describe('scanGitHistory on a 10,000-commit history built with git fast-import', () => {
  const COMMITS = 10_000;
  const planted = githubToken('fast-import');
  let repo: string;
  let marks: Map<string, string>;

  beforeAll(() => {
    repo = initRepo('fast-import');
    const parts: string[] = [];
    const when = 1_600_000_000;
    for (let i = 1; i <= COMMITS; i++) {
      const file = `module-${i % 50}/file-${i % 7}.txt`;
      const content = i === 7777 ? `commit ${i}\nsecret = ${planted}\n` : `commit ${i}\nvalue = ${i * 7919}\n`;
      const message = `change ${i}`;
      parts.push(
        `commit refs/heads/main\nmark :${i}\nauthor Gen ${i % 13} <gen${i % 13}@example.test> ${when + i * 60} +0000\ncommitter Gen <gen@example.test> ${when + i * 60} +0000\n`,
        `data ${Buffer.byteLength(message)}\n${message}\n`,
        i > 1 ? `from :${i - 1}\n` : '',
        `M 100644 inline ${file}\ndata ${Buffer.byteLength(content)}\n${content}\n`,
        // The key is removed again in the very next commit: only history holds it.
        i === 7778 ? `D module-${7777 % 50}/file-${7777 % 7}.txt\n` : '',
        '\n',
      );
    }
    const marksFile = path.join(repo, '.git', 'marks');
    git(repo, ['fast-import', '--quiet', `--export-marks=${marksFile}`], { input: parts.join('') });
    marks = new Map(readFileSync(marksFile, 'utf8').trim().split('\n').map((l) => l.split(' ') as [string, string]));
  }, 60_000);

  it('reads every unique blob once and attributes the planted key to its commit', async () => {
    const result = await scanHistory(repo);
    expect(result.stats.files).toBe(uniqueBlobCount(repo));
    expect(result.stats.files).toBe(COMMITS);
    const found = findingsOf(result, planted);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({
      path: `module-${7777 % 50}/file-${7777 % 7}.txt`,
      startLine: 2,
      commit: { sha: marks.get(':7777'), author: `Gen ${7777 % 13}`, message: 'change 7777' },
    });
    expect(result.findings).toHaveLength(1);
  }, 60_000);

  it('stops git when the consumer stops early', async () => {
    const events = scanGitHistory({ cwd: repo, env: gitEnv(), maxFileSize: MAX, window: 4 });
    let n = 0;
    for await (const _event of events) if (++n === 10) break;
    expect(n).toBe(10);
  });
});
