// Baselines survive history rewrites: create one, then rebase, squash and move the line; the known
// finding stays suppressed, and a new secret on the already-baselined line is still reported.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fingerprintOf, legacyFingerprintOf } from '../../packages/engine/src/index.js';
import { commit, git, githubToken, initRepo, removeTempDirs, tempDir } from '../../packages/engine/test/git-fixtures.js';
import { runCli } from './cli.js';

afterAll(removeTempDirs);

const known = githubToken('baseline-known');
const fresh = githubToken('baseline-new');
const FILE = 'app/settings.py';
const githubPat = { id: 'github-pat', tags: ['github'] };

function settings(lineOfKey: number, keyLine = `GITHUB_TOKEN = "${known}"`): string {
  const lines = Array.from({ length: 30 }, (_, i) => `OPTION_${i} = ${i}`);
  lines.splice(lineOfKey - 1, 0, keyLine);
  return `${lines.join('\n')}\n`;
}

interface JsonReport {
  findings: Array<{ fingerprint: string; path: string; startLine: number }>;
  stats: { suppressed: { baseline: number } };
}

async function scanJson(args: string[], cwd: string): Promise<{ code: number; report: JsonReport }> {
  const run = await runCli(['scan', ...args, '--format', 'json'], cwd);
  expect(run.stderr).toBe('');
  return { code: run.code, report: JSON.parse(run.stdout) as JsonReport };
}

describe('a baseline across rebase, squash and a moved line', () => {
  let repo: string;
  let historyBaseline: string;
  let treeBaseline: string;
  let root: string;

  beforeAll(async () => {
    repo = initRepo('baseline');
    const out = tempDir('baseline-files');
    historyBaseline = path.join(out, 'history.json');
    treeBaseline = path.join(out, 'tree.json');
    root = commit(repo, { 'README.md': '# app\n' }, 'root');
    commit(repo, { [FILE]: settings(5) }, 'add settings');
    commit(repo, { 'app/main.py': 'print("hi")\n' }, 'unrelated');
    expect((await runCli(['baseline', 'create', '--history', '-o', historyBaseline], repo)).code).toBe(0);
    expect((await runCli(['baseline', 'create', '-o', treeBaseline], repo)).code).toBe(0);
  });

  async function expectSuppressed(step: string): Promise<void> {
    for (const [args, label] of [
      [['--history', '--baseline', historyBaseline], 'history'],
      [['--baseline', treeBaseline], 'tree'],
    ] as const) {
      const { code, report } = await scanJson([...args], repo);
      expect(report.findings, `${step}: ${label}`).toEqual([]);
      expect(code, `${step}: ${label}`).toBe(0);
      expect(report.stats.suppressed.baseline, `${step}: ${label}`).toBeGreaterThanOrEqual(1);
    }
  }

  it('records content fingerprints only: no commit ids, no line numbers, stable when recreated', async () => {
    const text = readFileSync(historyBaseline, 'utf8');
    const doc = JSON.parse(text) as { findings: Array<Record<string, unknown>> };
    expect(doc.findings).toEqual([
      { fingerprint: fingerprintOf(githubPat, FILE, known), ruleId: 'github-pat', path: FILE },
    ]);
    expect(text.includes(git(repo, ['rev-parse', 'HEAD']).slice(0, 12))).toBe(false);
    expect(text.includes(known)).toBe(false);
    expect(readFileSync(treeBaseline, 'utf8')).toBe(text);
    await expectSuppressed('as created');
  });

  it('still suppresses after a rebase onto new history', async () => {
    const before = git(repo, ['rev-parse', 'HEAD']);
    git(repo, ['checkout', '-q', '-b', 'upstream', root]);
    commit(repo, { 'CHANGELOG.md': '- upstream change\n' }, 'upstream work', { date: '2024-02-01T00:00:00Z' });
    git(repo, ['checkout', '-q', 'main']);
    git(repo, ['rebase', '-q', 'upstream'], { env: { GIT_COMMITTER_DATE: '2024-03-01T00:00:00Z' } });
    git(repo, ['branch', '-D', 'upstream']);
    expect(git(repo, ['rev-parse', 'HEAD'])).not.toBe(before);
    await expectSuppressed('after rebase');
  });

  it('still suppresses after squashing everything into one commit', async () => {
    git(repo, ['reset', '-q', '--soft', root]);
    git(repo, ['commit', '-q', '-m', 'squashed']);
    expect(git(repo, ['rev-list', '--count', 'HEAD'])).toBe('2');
    await expectSuppressed('after squash');
  });

  it('still suppresses after the line moves', async () => {
    commit(repo, { [FILE]: settings(22) }, 'reorder settings');
    await expectSuppressed('after moving the line');
  });

  it('reports a new secret on the already-baselined line', async () => {
    commit(repo, { [FILE]: settings(22, `GITHUB_TOKEN = "${known}"; BACKUP_TOKEN = "${fresh}"`) }, 'add backup token');
    const expected = fingerprintOf(githubPat, FILE, fresh);
    for (const args of [['--history', '--baseline', historyBaseline], ['--baseline', treeBaseline]]) {
      const { code, report } = await scanJson(args, repo);
      expect(code).toBe(1);
      expect(report.findings.map((f) => [f.fingerprint, f.path, f.startLine])).toEqual([[expected, FILE, 22]]);
    }
  });

  it('reports the new secret in a pull-request diff too, with the baseline applied', async () => {
    const { code, report } = await scanJson(['--diff', 'HEAD~1..HEAD', '--baseline', historyBaseline], repo);
    expect(code).toBe(1);
    expect(report.findings.map((f) => f.fingerprint)).toEqual([fingerprintOf(githubPat, FILE, fresh)]);
  });

  it('a diff that only moves the baselined line reports nothing', async () => {
    writeFileSync(path.join(repo, FILE), settings(3));
    commit(repo, {}, 'move again');
    const { code } = await scanJson(['--diff', 'HEAD~1..HEAD', '--baseline', historyBaseline], repo);
    expect(code).toBe(0);
  });
});

describe('version 1 baselines and ignore entries (unsalted hashes of the secret)', () => {
  let repo: string;
  let out: string;

  beforeAll(() => {
    repo = initRepo('baseline-v1');
    out = tempDir('baseline-v1-files');
    commit(repo, { [FILE]: settings(5), 'app/other.py': `TOKEN = "${fresh}"\n` }, 'add settings');
  });

  function v1Baseline(...secrets: Array<[string, string]>): string {
    const file = path.join(out, `v1-${secrets.length}.json`);
    const findings = secrets.map(([p, s]) => ({ fingerprint: legacyFingerprintOf('github-pat', p, s), ruleId: 'github-pat', path: p, secretHash: '0'.repeat(32) }));
    writeFileSync(file, JSON.stringify({ version: 1, tool: 'keyward', findings }));
    return file;
  }

  it('a version 1 baseline still suppresses what it knew, and the scan says to migrate it', async () => {
    const run = await runCli(['scan', '--baseline', v1Baseline([FILE, known]), '--format', 'json'], repo);
    const report = JSON.parse(run.stdout) as JsonReport;
    expect(report.findings.map((f) => f.path)).toEqual(['app/other.py']);
    expect(report.stats.suppressed.baseline).toBe(1);
    expect(run.stderr).toContain('keyward baseline migrate');
  });

  it('baseline migrate rewrites it as version 2 with current fingerprints, dropping entries that match nothing', async () => {
    const old = v1Baseline([FILE, known], ['gone.py', githubToken('long-gone')]);
    const migrated = path.join(out, 'migrated.json');
    const run = await runCli(['baseline', 'migrate', '--baseline', old, '-o', migrated], repo);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('1 finding(s) kept from a version 1 baseline of 2; 1 entry matched no finding and was dropped');
    const doc = JSON.parse(readFileSync(migrated, 'utf8'));
    expect(doc).toEqual({ version: 2, tool: 'keyward', findings: [{ fingerprint: fingerprintOf(githubPat, FILE, known), ruleId: 'github-pat', path: FILE }] });
    const after = await runCli(['scan', '--baseline', migrated, '--format', 'json'], repo);
    expect(after.stderr).toBe('');
    expect((JSON.parse(after.stdout) as JsonReport).findings.map((f) => f.path)).toEqual(['app/other.py']);
  });

  it('a version 1 fingerprint in .keywardignore still suppresses, and the scan prints its replacement', async () => {
    writeFileSync(path.join(repo, '.keywardignore'), `${legacyFingerprintOf('github-pat', 'app/other.py', fresh)}\n`);
    try {
      const run = await runCli(['scan', '--format', 'json'], repo);
      const report = JSON.parse(run.stdout) as JsonReport;
      expect(report.findings.map((f) => f.path)).toEqual([FILE]);
      expect(run.stderr).toContain(`${legacyFingerprintOf('github-pat', 'app/other.py', fresh)} -> ${fingerprintOf(githubPat, 'app/other.py', fresh)}`);
    } finally {
      writeFileSync(path.join(repo, '.keywardignore'), '');
    }
  });
});
