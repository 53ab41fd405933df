// `--log-opts` on real repositories: revisions, ranges and commit filters pass; an option that would make
// git write a file or change its output is refused by name before git runs; a revision cannot be read
// as an option; and a bare repository's history is scanned like a work tree's.
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinRules, Detector, LogOptionError, parseLogOptions, runScan, scanGitHistory, type ScanResult } from '../src/index.js';
import { commit, git, gitEnv, githubToken, initRepo, removeTempDirs, tempDir } from './git-fixtures.js';

const detector = new Detector(builtinRules());

async function scanHistory(cwd: string, logOpts?: string): Promise<ScanResult> {
  return runScan(scanGitHistory({ cwd, env: gitEnv(), maxFileSize: 1024 * 1024, ...(logOpts === undefined ? {} : { logOpts }) }), { detector });
}

const has = (result: ScanResult, secret: string) => result.findings.some((f) => f.secret === secret);

afterAll(removeTempDirs);

describe('parseLogOptions', () => {
  it('keeps revisions, ranges, paths and the allowed filters, each option as one --name=value argument', () => {
    expect(parseLogOptions('--since 2020-01-01 -n 5 --author "Jane Doe" main~3..main ^old -- src "-weird path"')).toEqual({
      options: ['--since=2020-01-01', '--max-count=5', '--author=Jane Doe'],
      revisions: ['main~3..main', '^old'],
      paths: ['src', '-weird path'],
      choosesRefs: true,
    });
    expect(parseLogOptions('--branches=release/* --exclude=refs/heads/tmp* --tags -20 --no-merges').options).toEqual([
      '--branches=release/*',
      '--exclude=refs/heads/tmp*',
      '--tags',
      '--max-count=20',
      '--no-merges',
    ]);
    expect(parseLogOptions('--since=1.week').choosesRefs).toBe(false);
  });

  it('refuses every other option, naming it and not its value', () => {
    for (const [text, name] of [
      ['--output=/tmp/x', '--output'],
      ['--format=%H', '--format'],
      ['-p', '-p'],
      ['--stat main', '--stat'],
      ['main --reverse', '--reverse'],
      ['--not main', '--not'],
      ['--stdin', '--stdin'],
      ['--ext-diff', '--ext-diff'],
    ] as const) {
      let error: unknown;
      try {
        parseLogOptions(text);
      } catch (caught) {
        error = caught;
      }
      expect(error, text).toBeInstanceOf(LogOptionError);
      expect((error as Error).message).toContain(`"${name}" is not accepted`);
      expect((error as Error).message).not.toContain('/tmp/x');
    }
  });

  it('a value that looks like an option stays the value of its option', () => {
    expect(parseLogOptions('--author --output=/tmp/x').options).toEqual(['--author=--output=/tmp/x']);
    expect(() => parseLogOptions('-n --output=x')).toThrow(/"-n" needs a whole number/);
    expect(() => parseLogOptions('--since')).toThrow(/"--since" needs a value/);
    expect(() => parseLogOptions('--all=x')).toThrow(/"--all" takes no value/);
    expect(() => parseLogOptions('-')).toThrow(LogOptionError);
  });
});

describe('--log-opts against a real repository', () => {
  const early = githubToken('log-opts-early');
  const late = githubToken('log-opts-late');
  let repo: string;
  let first: string;

  beforeAll(() => {
    repo = initRepo('log-opts');
    first = commit(repo, { 'a.env': `TOKEN=${early}\n` }, 'early', { date: '2020-01-01T00:00:00Z' });
    commit(repo, { 'b.env': `TOKEN=${late}\n` }, 'late', { date: '2021-01-01T00:00:00Z' });
  });

  it('--output=FILE is refused before git runs: no file is written, and the error names the option', async () => {
    const target = path.join(tempDir('log-opts-out'), 'written-by-git.txt');
    const error = await scanHistory(repo, `--output=${target}`).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(LogOptionError);
    expect((error as Error).message).toMatch(/"--output" is not accepted/);
    expect(existsSync(target)).toBe(false);
  });

  it('a revision cannot smuggle in an option: it is passed after --end-of-options', async () => {
    // "^--output=FILE" does not start with "-", so it is a revision; git must read it as one (and fail), not write FILE.
    const dir = tempDir('log-opts-smuggle');
    const error = await scanHistory(repo, `^--output=${path.join(dir, 'x.txt')}`).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Error);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('revisions, ranges and filters still narrow the walk', async () => {
    const range = await scanHistory(repo, `${first}..main`);
    expect([has(range, early), has(range, late)]).toEqual([false, true]);
    const until = await scanHistory(repo, '--until 2020-06-01');
    expect([has(until, early), has(until, late)]).toEqual([true, false]);
    const limited = await scanHistory(repo, '-n 1 main');
    expect([has(limited, early), has(limited, late)]).toEqual([false, true]);
    const paths = await scanHistory(repo, '-- a.env');
    expect([has(paths, early), has(paths, late)]).toEqual([true, false]);
  });

  it('scans a bare repository (a mirror clone), every ref', async () => {
    const bare = tempDir('bare');
    git(bare, ['clone', '-q', '--mirror', '--no-local', `file://${repo}`, '.']);
    expect(git(bare, ['rev-parse', '--is-bare-repository'])).toBe('true');
    const result = await scanHistory(bare);
    expect([has(result, early), has(result, late)]).toEqual([true, true]);
    const narrowed = await scanHistory(bare, `${first}..main`);
    expect([has(narrowed, early), has(narrowed, late)]).toEqual([false, true]);
  });
});
