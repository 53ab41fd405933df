// `keyward scan --history` end to end: the readable report a JS user gets from `npx keyward scan
// --history` (commit, author, date, path and line per leak, and the rotate-first advice), in-process
// and through the real bundle; stdin too.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commit, git, githubToken, initRepo, removeTempDirs, tempDir } from '../../packages/engine/test/git-fixtures.js';
import { validateSarif } from '../support/sarif-schema.js';
import { runBundle, runCli } from './cli.js';

afterAll(removeTempDirs);

describe('keyward scan --history', () => {
  const deleted = githubToken('report-deleted');
  let repo: string;
  let added: string;

  beforeAll(() => {
    repo = initRepo('report');
    commit(repo, { 'README.md': '# app\n' }, 'start', { date: '2021-06-01T09:00:00Z' });
    added = commit(repo, { 'deploy/.env': `REGION=eu\nGH_TOKEN=${deleted}\n` }, 'add deploy env', { author: 'Dana Dev', date: '2021-06-02T10:30:00Z' });
    commit(repo, { 'deploy/.env': null }, 'remove env file', { date: '2021-06-03T00:00:00Z' });
  });

  it('prints commit, author, date, path and line for a key that only history holds, and the advice', async () => {
    const run = await runCli(['scan', '--history'], repo);
    expect(run.code).toBe(1);
    const out = run.stdout;
    expect(out).toContain('deploy/.env');
    expect(out).toMatch(/^ {2}2:\d+\s+critical|^ {2}2:\d+\s+high/m);
    expect(out).toContain(`commit ${added.slice(0, 12)}`);
    expect(out).toContain('Dana Dev <dana.dev@example.test>');
    expect(out).toContain('2021-06-02T10:30:00+00:00');
    expect(out).toContain('Rotate the credential first, rewriting history second');
    expect(out.includes(deleted)).toBe(false);
  });

  it('a directory scan of the same checkout finds nothing: the file is gone, the key is not', async () => {
    const run = await runCli(['scan', repo], repo);
    expect(run.code).toBe(0);
  });

  it('puts the commit in JSON output', async () => {
    const run = await runCli(['scan', '--history', '--format', 'json'], repo);
    const report = JSON.parse(run.stdout) as { findings: Array<{ path: string; startLine: number; commit: { sha: string; author: string; date: string } }> };
    expect(report.findings).toHaveLength(1);
    expect(report.findings[0]).toMatchObject({ path: 'deploy/.env', startLine: 2, commit: { sha: added, author: 'Dana Dev' } });
  });

  it('SARIF for a history scan is valid, carries the commit and never the secret', async () => {
    const run = await runCli(['scan', '--history', '--format', 'sarif'], repo);
    const log = JSON.parse(run.stdout);
    expect(validateSarif(log)).toEqual([]);
    expect(log.runs[0].results[0].properties.commitSha).toBe(added);
    expect(run.stdout.includes(deleted)).toBe(false);
  });

  it('works through the real bundle, with PATH as an argument', () => {
    const run = runBundle(['scan', '--history', repo], '/');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`commit ${added.slice(0, 12)}`);
    expect(run.stdout).toContain('Rotate the credential first, rewriting history second');
    expect(run.stdout.includes(deleted)).toBe(false);
  });

  it('turns git errors into one clear line and exit 2', async () => {
    const bad = await runCli(['scan', '--history', '--log-opts', 'no-such-ref..main'], repo);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^keyward scan: git log .*no-such-ref/);
    const notRepo = await runCli(['scan', '--history', '/'], repo);
    expect(notRepo.code).toBe(2);
    expect(notRepo.stderr).toContain('not a git repository');
  });

  it('refuses a --log-opts option that is not a commit filter with exit 2, naming it; git writes nothing', async () => {
    const target = path.join(tempDir('report-output'), 'git-wrote-this.txt');
    const run = await runCli(['scan', '--history', `--log-opts=--output=${target} main`], repo);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^keyward scan: --log-opts: "--output" is not accepted: .*--since/);
    expect(run.stderr.includes(target)).toBe(false);
    expect(existsSync(target)).toBe(false);
  });

  it('scans a bare repository', async () => {
    const bare = tempDir('report-bare');
    git(bare, ['clone', '-q', '--bare', '--no-local', `file://${repo}`, '.']);
    const run = await runCli(['scan', '--history', bare, '--format', 'json'], '/');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout).findings[0]).toMatchObject({ path: 'deploy/.env', commit: { sha: added } });
    // A bare repository has no index: --staged says so instead of "not a git repository".
    const staged = await runCli(['scan', '--staged', bare], '/');
    expect(staged.code).toBe(2);
    expect(staged.stderr).toContain('a bare repository has no index to scan');
  });

  it('limits the walk with --since and --log-opts', async () => {
    expect((await runCli(['scan', '--history', '--since', '2021-06-02T12:00:00Z'], repo)).code).toBe(0);
    expect((await runCli(['scan', '--history', '--log-opts', `${added}~1..${added}`], repo)).code).toBe(1);
    expect(git(repo, ['rev-list', '--count', '--all'])).toBe('3');
  });
});

describe('keyward scan - (stdin)', () => {
  it('scans piped text', async () => {
    const secret = githubToken('stdin');
    const run = await runCli(['scan', '-', '--format', 'json'], '/', `log line\nexport TOKEN=${secret}\n`);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout).findings[0]).toMatchObject({ path: '(stdin)', startLine: 2 });
    expect(run.stdout.includes(secret)).toBe(false);
  });
});
