// Moving a repository from gitleaks or detect-secrets: their records of known findings become a keyward
// baseline, and a .gitleaks.toml becomes a .keyward.yaml; checked end to end by scanning again.
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nameSecretGroup } from '../../packages/engine/src/index.js';
import { commit, git, githubToken, initRepo, removeTempDirs, tempDir } from '../../packages/engine/test/git-fixtures.js';
import { runCli } from './cli.js';

afterAll(removeTempDirs);

interface Report {
  findings: Array<{ path: string; startLine: number; ruleId: string }>;
}

const secrets = { a: githubToken('peer-a'), b: githubToken('peer-b'), c: githubToken('peer-c'), d: githubToken('peer-d') };

describe('keyward baseline import', () => {
  let repo: string;
  let out: string;
  let head: string;

  beforeAll(() => {
    repo = initRepo('peer-import');
    out = tempDir('peer-import-out');
    head = commit(
      repo,
      {
        'config/a.env': `# a\nGITHUB_TOKEN=${secrets.a}\n`,
        'config/b.env': `GITHUB_TOKEN=${secrets.b}\n`,
        'src/c.py': `\n\nTOKEN = "${secrets.c}"\n`,
        'src/d.py': `TOKEN = "${secrets.d}"\n`,
      },
      'add config',
    );
  });

  async function importAndRescan(file: string, args: string[] = [], importArgs: string[] = []): Promise<{ stderr: string; remaining: string[] }> {
    const baseline = path.join(out, `${path.basename(file)}.keyward.json`);
    const run = await runCli(['baseline', 'import', file, ...importArgs, ...args, '-o', baseline], repo);
    expect(run.code, run.stderr).toBe(0);
    const text = readFileSync(baseline, 'utf8');
    for (const s of Object.values(secrets)) expect(text).not.toContain(s);
    const scan = await runCli(['scan', ...args, '--baseline', baseline, '--format', 'json'], repo);
    return { stderr: run.stderr, remaining: (JSON.parse(scan.stdout) as Report).findings.map((f) => f.path).sort() };
  }

  it('from a gitleaks JSON report (redacted): by file and line; an entry for a vanished file is listed', async () => {
    const report = [
      { RuleID: 'github-pat', File: 'config/a.env', StartLine: 2, EndLine: 2, Commit: head, Secret: 'REDACTED', Fingerprint: `${head}:config/a.env:github-pat:2` },
      { RuleID: 'github-pat', File: 'src/c.py', StartLine: 3, EndLine: 3, Commit: head, Secret: 'REDACTED', Fingerprint: `${head}:src/c.py:github-pat:3` },
      { RuleID: 'generic-api-key', File: 'old/gone.txt', StartLine: 9, EndLine: 9, Commit: head, Secret: 'REDACTED', Fingerprint: `${head}:old/gone.txt:generic-api-key:9` },
    ];
    const file = path.join(out, 'gitleaks-report.json');
    writeFileSync(file, JSON.stringify(report, null, 2));
    const { stderr, remaining } = await importAndRescan(file, ['--history']);
    expect(stderr).toContain('3 entries in');
    expect(stderr).toContain('2 keyward finding(s) recorded as known; 1 entry matched no keyward finding');
    expect(stderr).toContain('not matched: old/gone.txt:9 (generic-api-key)');
    expect(remaining).toEqual(['config/b.env', 'src/d.py']);
  });

  it('from an unredacted gitleaks report: by the secret, whatever line it moved to', async () => {
    const file = path.join(out, 'gitleaks-unredacted.json');
    writeFileSync(file, JSON.stringify([{ RuleID: 'github-pat', File: 'src/d.py', StartLine: 40, EndLine: 40, Secret: secrets.d }]));
    expect((await importAndRescan(file)).remaining).toEqual(['config/a.env', 'config/b.env', 'src/c.py']);
  });

  it('from a .gitleaksignore (commit:file:rule:line and file:rule:line)', async () => {
    const file = path.join(out, '.gitleaksignore');
    writeFileSync(file, `# known\n${head}:config/b.env:github-pat:1\nsrc/d.py:github-pat:1\n`);
    expect((await importAndRescan(file, [], ['--from', 'gitleaksignore'])).remaining).toEqual(['config/a.env', 'src/c.py']);
  });

  it('from a detect-secrets .secrets.baseline: by SHA-1 of the secret, else by line', async () => {
    const sha1 = (s: string) => createHash('sha1').update(s).digest('hex');
    const doc = {
      version: '1.5.0',
      plugins_used: [{ name: 'GitHubTokenDetector' }],
      results: {
        'config/a.env': [{ type: 'GitHub Token', filename: 'config/a.env', hashed_secret: sha1(secrets.a), is_verified: false, line_number: 7 }],
        'src/c.py': [{ type: 'Secret Keyword', filename: 'src/c.py', hashed_secret: sha1('"something else"'), is_verified: false, line_number: 3 }],
      },
      generated_at: '2024-01-01T00:00:00Z',
    };
    const file = path.join(out, '.secrets.baseline');
    writeFileSync(file, JSON.stringify(doc, null, 2));
    expect((await importAndRescan(file)).remaining).toEqual(['config/b.env', 'src/d.py']);
  });

  it('a file in none of the formats is a usage error naming it', async () => {
    const file = path.join(out, 'bogus.json');
    writeFileSync(file, '{"results": 3}');
    const run = await runCli(['baseline', 'import', file], repo);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('bogus.json: not a detect-secrets baseline');
  });
});

describe('keyward config import', () => {
  it('converts allowlists and custom rules, refuses what keyward cannot run, and the result scans', async () => {
    const repo = initRepo('config-import');
    const acme = `acme_${randomBytes(16).toString('hex')}`;
    commit(repo, { 'src/app.ts': `const k = "key=${acme}";\n`, 'fixtures/tokens.txt': `token ${githubToken('config-import')}\n`, 'README.md': '# x\n' }, 'init');
    const toml = String.raw`
title = "acme gitleaks config"
[extend]
useDefault = true

[[rules]]
id = "acme_internal"
description = "Acme internal key"
regex = '''(key)=(acme_[a-f0-9]{32})'''
secretGroup = 2
keywords = ["acme_"]

[[rules]]
id = "no-keywords"
regex = '''[a-z]{40}'''

[[rules]]
id = "lookahead"
regex = '''secret(?=[0-9]+)'''
keywords = ["secret"]

[allowlist]
description = "fixtures"
paths = ['''^fixtures/''']
commits = ["0123456789abcdef0123456789abcdef01234567"]
stopwords = ["example"]
`;
    writeFileSync(path.join(repo, '.gitleaks.toml'), toml);
    const run = await runCli(['config', 'import', '.gitleaks.toml', '-o', '.keyward.yaml'], repo);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('1 rule(s) converted');
    expect(run.stderr).toContain('rule no-keywords: keyward runs a rule only where one of its keywords occurs');
    expect(run.stderr).toContain('rule lookahead: its regex is not RE2 syntax');
    expect(run.stderr).toContain('[allowlist].commits');
    const yaml = readFileSync(path.join(repo, '.keyward.yaml'), 'utf8');
    expect(yaml).toContain('id: acme-internal');
    expect(yaml).toContain('pathRegexes:');
    const scan = await runCli(['scan', '--format', 'json'], repo);
    const findings = (JSON.parse(scan.stdout) as Report).findings;
    expect(findings.map((f) => [f.ruleId, f.path])).toEqual([['acme-internal', 'src/app.ts']]);
    expect(scan.stdout).not.toContain(acme);
    git(repo, ['status', '--short']);
  });

  it('names the secret group gitleaks reads', () => {
    expect(nameSecretGroup('(a)(?:b)(?P<x>c)(d)', 3)).toBe('(a)(?:b)(?P<x>c)(?P<secret>d)');
    expect(nameSecretGroup('[(](a)\\((b)', 2)).toBe('[(](a)\\((?P<secret>b)');
    expect(nameSecretGroup('(a)', 2)).toBeUndefined();
  });
});
