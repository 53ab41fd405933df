// Secrets where no file's contents hold them: a commit message, an author name, a file name, a folder
// name, the name of a skipped binary file. Each is scanned and reported with where it is, and redacted
// wherever a report prints it (text, JSON, SARIF), on a real repository through the CLI.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commit, git, githubToken, initRepo, removeTempDirs } from '../../packages/engine/test/git-fixtures.js';
import { validateSarif } from '../support/sarif-schema.js';
import { runCli } from './cli.js';

afterAll(removeTempDirs);

interface JsonFinding {
  ruleId: string;
  path: string;
  place?: string;
  startLine: number;
  startColumn: number;
  commit?: { sha: string; author?: string; email?: string; message?: string };
}

describe('secrets in commit messages, authors and path names', () => {
  const s = {
    body: githubToken('meta-body'),
    subject: githubToken('meta-subject'),
    author: githubToken('meta-author'),
    file: githubToken('meta-file'),
    folder: githubToken('meta-folder'),
    content: githubToken('meta-content'),
    binary: githubToken('meta-binary'),
  };
  const all = Object.values(s);
  let repo: string;
  const sha: Record<string, string> = {};

  beforeAll(() => {
    repo = initRepo('meta');
    sha.body = commit(repo, { 'README.md': '# app\n' }, `add the readme\n\nCI used ${s.body} for a while`, { date: '2022-01-01T00:00:00Z' });
    sha.subject = commit(repo, { 'src/a.ts': 'export {};\n' }, `rotate ${s.subject}`, { date: '2022-01-02T00:00:00Z' });
    git(repo, ['add', '-A']);
    const authorEnv = { GIT_AUTHOR_NAME: `deploy bot ${s.author}`, GIT_AUTHOR_EMAIL: 'bot@example.test', GIT_AUTHOR_DATE: '2022-01-03T00:00:00Z', GIT_COMMITTER_DATE: '2022-01-03T00:00:00Z' };
    // The author's own commit also adds a key in a file, so the author is printed with a finding.
    commit(repo, { 'deploy/x.env': `KEY=${s.content}\n` }, 'deploy', {});
    git(repo, ['commit', '-q', '--amend', '--no-edit', '--reset-author'], { env: authorEnv });
    sha.author = git(repo, ['rev-parse', 'HEAD']);
    const binary = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]), Buffer.from('image')]);
    sha.names = commit(
      repo,
      { [`keys/${s.file}.txt`]: 'nothing here\n', [`${s.folder}/one.txt`]: 'one\n', [`${s.folder}/two.txt`]: 'two\n', [`assets/${s.binary}.png`]: binary },
      'add files',
      { date: '2022-01-04T00:00:00Z' },
    );
  });

  const noSecret = (text: string) => all.filter((secret) => text.includes(secret)).length;

  it('history JSON: each place is reported where it is, and nothing prints a secret', async () => {
    const run = await runCli(['scan', '--history', '--format', 'json'], repo);
    expect(run.code).toBe(1);
    expect(noSecret(run.stdout + run.stderr)).toBe(0);
    const report = JSON.parse(run.stdout) as { findings: JsonFinding[]; stats: { skipped: Array<{ path: string }> } };
    const where = report.findings.map((f) => `${f.place ?? 'content'} ${f.path} ${f.startLine}:${f.startColumn} ${f.commit?.sha.slice(0, 7)}`).sort();
    expect(where).toEqual(
      [
        `commit-author <commit author> 1:12 ${sha.author!.slice(0, 7)}`,
        `commit-message <commit message> 1:8 ${sha.subject!.slice(0, 7)}`,
        `commit-message <commit message> 3:9 ${sha.body!.slice(0, 7)}`,
        `content deploy/x.env 1:5 ${sha.author!.slice(0, 7)}`,
        `path-name assets/ghp_*****.png 1:8 ${sha.names!.slice(0, 7)}`,
        // The folder once, not once per file in it.
        `path-name ghp_***** 1:1 ${sha.names!.slice(0, 7)}`,
        `path-name keys/ghp_*****.txt 1:6 ${sha.names!.slice(0, 7)}`,
      ].sort(),
    );
    const byPlace = (place: string) => report.findings.find((f) => f.place === place)!;
    expect(byPlace('commit-author').commit).toMatchObject({ author: 'deploy bot ghp_*****', email: 'bot@example.test' });
    expect(report.findings.find((f) => f.path === 'deploy/x.env')!.commit!.author).toBe('deploy bot ghp_*****');
    expect(report.findings.find((f) => f.commit?.sha === sha.subject)!.commit!.message).toBe('rotate ghp_*****');
    expect(report.stats.skipped.map((x) => x.path)).toEqual([`assets/ghp_*****.png @ ${sha.names!.slice(0, 12)}`]);
  });

  it('history text: the author line and the paths are redacted, a name finding says "name"', async () => {
    const run = await runCli(['scan', '--history'], repo);
    expect(run.code).toBe(1);
    expect(noSecret(run.stdout + run.stderr)).toBe(0);
    expect(run.stdout).toContain('deploy bot ghp_***** <bot@example.test>');
    expect(run.stdout).toMatch(/^keys\/ghp_\*\*\*\*\*\.txt\n {2}name +\w+ +github-pat/m);
    expect(run.stdout).toMatch(/^<commit message>$/m);
  });

  it('history SARIF: valid, a logical location for messages and authors, no secret', async () => {
    const run = await runCli(['scan', '--history', '--format', 'sarif'], repo);
    expect(noSecret(run.stdout)).toBe(0);
    const log = JSON.parse(run.stdout);
    expect(validateSarif(log)).toEqual([]);
    const results = log.runs[0].results as Array<{ message: { text: string }; locations: Array<{ physicalLocation: { artifactLocation: { uri: string } }; logicalLocations?: Array<{ name: string }> }> }>;
    const message = results.filter((r) => r.locations[0]!.physicalLocation.artifactLocation.uri === '%3Ccommit%20message%3E');
    expect(message).toHaveLength(2);
    expect(message[0]!.locations[0]!.logicalLocations).toEqual([expect.objectContaining({ kind: 'resource', name: 'commit-message' })]);
    expect(message[0]!.message.text).toMatch(/found in the commit message \(commit [0-9a-f]{12}\)/);
    const uris = results.map((r) => r.locations[0]!.physicalLocation.artifactLocation.uri);
    expect(uris).toContain('keys/ghp_*****.txt');
  });

  it('a diff reports a name only when it adds it, and redacts an old one wherever it prints it', async () => {
    const added = githubToken('meta-diff-added');
    const before = git(repo, ['rev-parse', 'HEAD']);
    git(repo, ['checkout', '-q', '-b', 'diff-names']);
    // Edits the old file whose name holds a key (adding a key to it), and adds a file whose name holds another.
    const head = commit(repo, { [`keys/${s.file}.txt`]: `nothing here\nKEY=${s.content}\n`, [`new/${added}.md`]: 'x\n' }, 'edit and add', { date: '2022-02-01T00:00:00Z' });
    git(repo, ['checkout', '-q', 'main']);
    const run = await runCli(['scan', '--diff', `${before}..${head}`, '--format', 'json'], repo);
    expect(run.code).toBe(1);
    expect(noSecret(run.stdout) + (run.stdout.includes(added) ? 1 : 0)).toBe(0);
    const report = JSON.parse(run.stdout) as { findings: JsonFinding[] };
    expect(report.findings.map((f) => `${f.place ?? 'content'} ${f.path} ${f.startLine}`).sort()).toEqual([
      'content keys/ghp_*****.txt 2',
      'path-name new/ghp_*****.md 1',
    ]);
  });

  it('a directory scan finds and redacts secrets in file and folder names too', async () => {
    const run = await runCli(['scan', repo, '--format', 'json'], repo);
    expect(run.code).toBe(1);
    expect(noSecret(run.stdout)).toBe(0);
    const report = JSON.parse(run.stdout) as { findings: JsonFinding[]; stats: { skipped: Array<{ path: string }> } };
    expect(report.findings.map((f) => `${f.place ?? 'content'} ${f.path}`).sort()).toEqual([
      'content deploy/x.env',
      'path-name assets/ghp_*****.png',
      'path-name ghp_*****',
      'path-name keys/ghp_*****.txt',
    ]);
    expect(report.stats.skipped.map((x) => x.path)).toEqual(['assets/ghp_*****.png']);
  });
});
