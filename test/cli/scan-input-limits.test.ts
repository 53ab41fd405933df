// `keyward scan` on inputs past its limits, through the real bundle: files over the size cap, rules
// that match too much, file names that are not UTF-8.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { SeededRandom, validators } from '../../packages/engine/src/index.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cli = path.join(root, 'packages/cli/dist/index.js');
const token = (seed: string) => validators.get('github-crc32')!.generate(new SeededRandom(seed), 'ghp_');

function tree(files: Record<string, string | Buffer>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'keyward-limits-'));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

function keyward(args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, all: r.stdout + r.stderr };
}

describe('files over the size cap', () => {
  const secret = token('too-large');
  const dir = tree({ 'big.log': `${'x'.repeat(3 * 1024 * 1024)}\nT=${secret}\n`, 'small.txt': 'nothing\n' });

  it('are skipped with a hint how to scan them, exit 0, and exit 3 with --fail-on-skipped', () => {
    const plain = keyward(['scan', dir, '--max-file-size', '1MB']);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toMatch(/1 file skipped \(1 too-large\)/);
    expect(plain.stderr).toContain('pass --max-file-size 4MB');
    expect(plain.stderr).toContain('--fail-on-skipped');
    const strict = keyward(['scan', dir, '--max-file-size', '1MB', '--fail-on-skipped']);
    expect(strict.code).toBe(3);
    const raised = keyward(['scan', dir, '--max-file-size', '4MB', '--fail-on-skipped', '-f', 'json']);
    expect(raised.code).toBe(1);
    expect(JSON.parse(raised.stdout).findings.map((f: { path: string; startLine: number }) => `${f.path}:${f.startLine}`)).toEqual(['big.log:2']);
    expect(raised.all).not.toContain(secret);
  });
});

describe('findings capped per rule per file', () => {
  // Random enough to be fingerprinted with one fast hash (a guessable value costs a slow derivation each).
  const words = Array.from({ length: 500 }, (_, i) => `acme${new SeededRandom(`w${i}`).string('abcdefghijklmnopqrstuvwxyz0123456789', 28)}`).join(' ');
  const config = [
    'rules:',
    '  - id: acme-every-word',
    '    description: every acme word',
    "    pattern: '\\b(?P<secret>acme[a-z0-9]{28})\\b'",
    '    keywords: [acme]',
    '    severity: low',
    '',
  ].join('\n');

  it('reports at most 100 by default, says so in the summary and the JSON and SARIF stats, and takes --max-findings-per-file', () => {
    const dir = tree({ '.keyward.yaml': config, 'words.txt': words });
    const text = keyward(['scan', dir]);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/100 findings .*findings capped at 100 per rule in 1 rule and file pair/);
    const json = JSON.parse(keyward(['scan', dir, '-f', 'json']).stdout);
    expect(json.findings).toHaveLength(100);
    expect(json.stats.capped).toEqual([{ path: 'words.txt', ruleId: 'acme-every-word', reported: 100 }]);
    const sarif = JSON.parse(keyward(['scan', dir, '-f', 'sarif']).stdout);
    expect(sarif.runs[0].properties.cappedFindings).toEqual([{ path: 'words.txt', ruleId: 'acme-every-word', reported: 100 }]);
    const more = JSON.parse(keyward(['scan', dir, '-f', 'json', '--max-findings-per-file', '1000']).stdout);
    expect(more.findings).toHaveLength(500);
    expect(more.stats.capped).toBeUndefined();
    writeFileSync(path.join(dir, '.keyward.yaml'), `${config}maxFindingsPerRulePerFile: 7\n`);
    expect(JSON.parse(keyward(['scan', dir, '-f', 'json']).stdout).findings).toHaveLength(7);
    expect(keyward(['scan', dir, '--max-findings-per-file', '0']).code).toBe(2);
  });
});

describe('file names that are not UTF-8', () => {
  it('are scanned in directory mode, not skipped as unreadable', () => {
    const secret = token('latin1');
    const dir = tree({});
    writeFileSync(Buffer.concat([Buffer.from(`${dir}/caf`), Buffer.from([0xe9]), Buffer.from('.env')]), `T=${secret}\n`);
    const r = keyward(['scan', dir, '-f', 'json']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.stats.skipped).toEqual([]);
    expect(report.findings.map((f: { path: string }) => f.path)).toEqual(['caf\\xe9.env']);
  });
});

describe('archives', () => {
  it('are scanned inside by default, named archive!member, and left closed with --no-archives or scanArchives: false', () => {
    const secret = token('cli-archive');
    const dir = tree({});
    // A .gz made by node:zlib, as gzip(1) would make it.
    writeFileSync(path.join(dir, 'app.env.gz'), gzipSync(`A=1\nT=${secret}\n`));
    const on = keyward(['scan', dir, '-f', 'json']);
    expect(on.code).toBe(1);
    expect(JSON.parse(on.stdout).findings.map((f: { path: string; startLine: number }) => `${f.path}:${f.startLine}`)).toEqual(['app.env.gz!app.env:2']);
    expect(on.all).not.toContain(secret);
    const off = keyward(['scan', dir, '-f', 'json', '--no-archives']);
    expect(off.code).toBe(0);
    expect(JSON.parse(off.stdout).stats.skipped).toEqual([{ path: 'app.env.gz', reason: 'binary' }]);
    writeFileSync(path.join(dir, '.keyward.yaml'), 'scanArchives: false\n');
    expect(keyward(['scan', dir]).code).toBe(0);
  });
});
