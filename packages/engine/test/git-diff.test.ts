// The diff and staged sources: only added lines, with their line numbers in the newer version;
// renames and unchanged keys are not re-reported; a shallow clone gets an exact fetch command.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addedLinesOf,
  builtinRules,
  ByteReader,
  Detector,
  GitMissingCommitError,
  runScan,
  scanGitDiff,
  scanGitStaged,
  unquoteGitPath,
  type ScanResult,
  type SourceEvent,
} from '../src/index.js';
import { commit, git, gitEnv, githubToken, initRepo, removeTempDirs, tempDir } from './git-fixtures.js';

const detector = new Detector(builtinRules());
const MAX = 25 * 1024 * 1024;

afterAll(removeTempDirs);

async function collect(events: AsyncIterable<SourceEvent>): Promise<SourceEvent[]> {
  const out: SourceEvent[] = [];
  for await (const e of events) out.push(e);
  return out;
}

function padding(n: number, label: string): string {
  return Array.from({ length: n }, (_, i) => `${label} line ${i + 1}`).join('\n');
}

describe('addedLinesOf (unified diff parsing)', () => {
  it('keeps only added lines, numbered as in the new file, across hunks and files', async () => {
    const diff = [
      'diff --git a/x.txt b/x.txt',
      'index 111..222 100644',
      '--- a/x.txt',
      '+++ b/x.txt',
      '@@ -3 +3,2 @@',
      '-old',
      '+new three',
      '+new four',
      '@@ -10,0 +12 @@ ctx',
      '++++ starts with pluses',
      'diff --git "a/sp\\303\\251cial\\tname" "b/sp\\303\\251cial\\tname"',
      'new file mode 100644',
      '--- /dev/null',
      '+++ "b/sp\\303\\251cial\\tname"',
      '@@ -0,0 +1 @@',
      '+only line',
      '\\ No newline at end of file',
      'diff --git a/img.png b/img.png',
      'new file mode 100644',
      'Binary files /dev/null and b/img.png differ',
      'diff --git a/gone.txt b/gone.txt',
      'deleted file mode 100644',
      '--- a/gone.txt',
      '+++ /dev/null',
      '@@ -1 +0,0 @@',
      '-bye',
      '',
    ].join('\n');
    const events = await collect(addedLinesOf(new ByteReader(Readable.from([Buffer.from(diff)])), { maxFileSize: MAX }));
    expect(events).toEqual([
      // x.txt was there before: its name is not the diff's to report (new files and renames are).
      { kind: 'fragment', fragment: { text: 'new three\nnew four\n+++ starts with pluses', path: 'x.txt', lineNumbers: [3, 4, 12] }, bytes: 42, nameIsOld: true },
      { kind: 'fragment', fragment: { text: 'only line', path: 'spécial\tname', lineNumbers: [1] }, bytes: 10 },
      { kind: 'skipped', skipped: { path: 'img.png', reason: 'binary' } },
    ]);
  });

  it('unquotes C-style quoted paths and leaves plain ones alone', () => {
    expect(unquoteGitPath('"a\\"b\\\\c\\n"')).toBe('a"b\\c\n');
    expect(unquoteGitPath('plain name.txt')).toBe('plain name.txt');
  });
});

describe('scanGitDiff', () => {
  const kept = githubToken('diff-kept');
  const added = githubToken('diff-added');
  const moved = githubToken('diff-moved');
  let repo: string;
  let base: string;
  let head: string;
  let result: ScanResult;

  beforeAll(async () => {
    repo = initRepo('diff');
    base = commit(repo, {
      'app/config.js': `${padding(10, 'config')}\nconst old = "${kept}";\n${padding(30, 'more')}\n`,
      'docs/moved.md': `key ${moved}\n${padding(5, 'doc')}\n`,
      'unchanged.txt': 'nothing\n',
    }, 'base');
    const before = readFileSync(path.join(repo, 'app/config.js'), 'utf8').split('\n');
    before.splice(40, 0, `const fresh = "${added}";`); // becomes line 41 of the new file
    head = commit(repo, {
      'app/config.js': before.join('\n'),
      'docs/moved.md': null,
      'guides/moved.md': `key ${moved}\n${padding(5, 'doc')}\n`,
      'bin/blob.dat': Buffer.from([0, 1, 2, 3, 0, 10]),
    }, 'head');
    result = await runScan(scanGitDiff({ cwd: repo, env: gitEnv(), base, head, maxFileSize: MAX }), { detector });
  });

  it('reports only the added key, with its line number in head', () => {
    expect(result.findings).toHaveLength(1);
    expect(result.findings[0]!.secret === added).toBe(true);
    expect(result.findings[0]).toMatchObject({ path: 'app/config.js', startLine: 41, startColumn: 16 });
  });

  it('does not report a key that a rename only moved, and skips binary files', () => {
    expect(result.findings.some((f) => f.secret === moved || f.secret === kept)).toBe(false);
    expect(result.stats.skipped).toEqual([{ path: 'bin/blob.dat', reason: 'binary' }]);
  });

  it('accepts branch names and says which commit is missing', async () => {
    git(repo, ['branch', 'pr-base', base]);
    const named = await runScan(scanGitDiff({ cwd: repo, env: gitEnv(), base: 'pr-base', head: 'main', maxFileSize: MAX }), { detector });
    expect(named.findings).toHaveLength(1);
    await expect(collect(scanGitDiff({ cwd: repo, env: gitEnv(), base: 'nope', head: 'main', maxFileSize: MAX }))).rejects.toThrow(
      /base commit "nope" is not in this repository/,
    );
  });

  it('works in a shallow clone holding both commits, and says exactly what to fetch when one is missing', async () => {
    git(repo, ['config', 'uploadpack.allowAnySHA1InWant', 'true']);
    const clone = tempDir('diff-shallow');
    git(clone, ['clone', '-q', '--depth=1', `file://${repo}`, '.']);
    let error: unknown;
    try {
      await collect(scanGitDiff({ cwd: clone, env: gitEnv(), base, head, maxFileSize: MAX }));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(GitMissingCommitError);
    const missing = error as GitMissingCommitError;
    expect(missing.message).toContain('is not in this shallow clone');
    expect(missing.fetchCommand).toBe(`git fetch --no-tags --depth=1 origin ${base}`);
    // Run exactly the suggested command, then the same scan works.
    git(clone, missing.fetchCommand.split(' ').slice(1));
    expect(git(clone, ['rev-parse', '--is-shallow-repository'])).toBe('true');
    const after = await runScan(scanGitDiff({ cwd: clone, env: gitEnv(), base, head, maxFileSize: MAX }), { detector });
    expect(after.findings.map((f) => [f.path, f.startLine])).toEqual([['app/config.js', 41]]);
  });

  it('suggests a remote-tracking refspec for origin/BRANCH', async () => {
    const clone = tempDir('diff-shallow-ref');
    git(clone, ['clone', '-q', '--depth=1', '--single-branch', `file://${repo}`, '.']);
    const error = await collect(scanGitDiff({ cwd: clone, env: gitEnv(), base: 'origin/pr-base', head: 'HEAD', maxFileSize: MAX })).catch((e: unknown) => e);
    expect((error as GitMissingCommitError).fetchCommand).toBe('git fetch --no-tags --depth=1 origin +refs/heads/pr-base:refs/remotes/origin/pr-base');
    git(clone, (error as GitMissingCommitError).fetchCommand.split(' ').slice(1));
    const after = await runScan(scanGitDiff({ cwd: clone, env: gitEnv(), base: 'origin/pr-base', head: 'HEAD', maxFileSize: MAX }), { detector });
    expect(after.findings).toHaveLength(1);
  });
});

describe('scanGitStaged', () => {
  it('scans the index before the first commit, then only lines added against HEAD', async () => {
    const first = githubToken('staged-first');
    const second = githubToken('staged-second');
    const repo = initRepo('staged');
    writeFileSync(path.join(repo, 'a.env'), `A=${first}\n`);
    git(repo, ['add', 'a.env']);
    const unborn = await runScan(scanGitStaged({ cwd: repo, env: gitEnv(), maxFileSize: MAX }), { detector });
    expect(unborn.findings.map((f) => [f.path, f.startLine])).toEqual([['a.env', 1]]);
    commit(repo, {}, 'first');
    writeFileSync(path.join(repo, 'a.env'), `# header\nA=${first}\nB=${second}\n`);
    git(repo, ['add', 'a.env']);
    // Unstaged edits are not what gets committed, so they are not scanned.
    writeFileSync(path.join(repo, 'a.env'), `# header\nA=${first}\nB=${second}\nC=${githubToken('unstaged')}\n`);
    const staged = await runScan(scanGitStaged({ cwd: path.join(repo), env: gitEnv(), maxFileSize: MAX }), { detector });
    expect(staged.findings).toHaveLength(1);
    expect(staged.findings[0]!.secret === second).toBe(true);
    expect(staged.findings[0]).toMatchObject({ path: 'a.env', startLine: 3 });
  });

  it('reports paths from the top level when run in a subfolder', async () => {
    const repo = initRepo('staged-sub');
    commit(repo, { 'sub/keep.txt': 'x\n' }, 'first');
    writeFileSync(path.join(repo, 'sub/new.txt'), `t=${githubToken('sub')}\n`);
    git(repo, ['add', '.']);
    const result = await runScan(scanGitStaged({ cwd: path.join(repo, 'sub'), env: gitEnv(), maxFileSize: MAX }), { detector });
    expect(result.findings.map((f) => f.path)).toEqual(['sub/new.txt']);
  });
});
