// The conventions users bring from other CLIs: help everywhere (exit 0), gitleaks' --exit-code, JSON
// Lines and JUnit reports, and --log-level for what reaches stderr.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { githubToken, removeTempDirs, tempDir } from '../../packages/engine/test/git-fixtures.js';
import { runCli } from '../git/cli.js';

afterAll(removeTempDirs);

const token = githubToken('conventions');
function project(): string {
  const dir = tempDir('conventions');
  writeFileSync(path.join(dir, 'app.env'), `GITHUB_TOKEN=${token}\n`);
  writeFileSync(path.join(dir, 'b.env'), `OTHER_TOKEN=${githubToken('conventions-2')}\n`);
  return dir;
}

describe('help', () => {
  it.each([
    ['--help'],
    ['scan', '--help'],
    ['baseline', '--help'],
    ['baseline', 'create', '--help'],
    ['baseline', 'migrate', '--help'],
    ['baseline', 'import', '--help'],
    ['rules', '--help'],
    ['rules', 'list', '--help'],
    ['config', '--help'],
    ['config', 'import', '--help'],
    ['hook', '--help'],
    ['doctor', '--help'],
    ['janitor', '--help'],
    ['audit', '--help'],
    ['org', '--help'],
    ['run', '--help'],
    ['rotate', '--help'],
    ['verify', '--help'],
  ])('keyward %s ... prints usage and exits 0', async (...argv) => {
    const run = await runCli(argv, tempDir('help'));
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.toLowerCase()).toContain('usage');
    expect(run.stderr).toBe('');
  });
});

describe('scan conventions', () => {
  it('--exit-code N is the exit status when there are findings, 0 without', async () => {
    const dir = project();
    expect((await runCli(['scan', dir, '--exit-code', '42'], dir)).code).toBe(42);
    expect((await runCli(['scan', dir, '--exit-code', '0'], dir)).code).toBe(0);
    const clean = tempDir('conventions-clean');
    expect((await runCli(['scan', clean, '--exit-code', '42'], clean)).code).toBe(0);
    const bad = await runCli(['scan', dir, '--exit-code', '256'], dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--exit-code must be a whole number from 0 to 255');
  });

  it('--format jsonl: one redacted finding per line', async () => {
    const dir = project();
    const run = await runCli(['scan', dir, '--format', 'jsonl'], dir);
    expect(run.code).toBe(1);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines.map((l) => JSON.parse(l).path)).toEqual(['app.env', 'b.env']);
    expect(run.stdout).not.toContain(token);
  });

  it('--format junit: a failed test case per finding, redacted', async () => {
    const dir = project();
    const run = await runCli(['scan', dir, '--format', 'junit'], dir);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="keyward [^"]+" tests="2" failures="2"/);
    expect(run.stdout.match(/<failure /g)).toHaveLength(2);
    expect(run.stdout).not.toContain(token);
  });

  it('--log-level: error keeps stderr empty, debug names the engine; a bad level is a usage error', async () => {
    const dir = project();
    const out = path.join(dir, 'report.json');
    expect((await runCli(['scan', dir, '-f', 'json', '-o', out], dir)).stderr).toContain('Wrote json report');
    expect((await runCli(['scan', dir, '-f', 'json', '-o', out, '--log-level', 'error'], dir)).stderr).toBe('');
    expect((await runCli(['scan', dir, '-f', 'json', '-o', out, '--log-level', 'debug'], dir)).stderr).toMatch(/debug: regex engine re2(js)?, \d+ rules/);
    expect((await runCli(['scan', dir, '--log-level', 'loud'], dir)).code).toBe(2);
  });
});
