// `keyward scan` end to end through the real bundle (node packages/cli/dist/index.js), on temp dirs.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, symlinkSync, writeFileSync, existsSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SeededRandom, validators } from '../../packages/engine/src/index.js';
import { validateSarif } from '../support/sarif-schema.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cli = path.join(root, 'packages/cli/dist/index.js');

const token = (seed: string) => validators.get('github-crc32')!.generate(new SeededRandom(seed), 'ghp_');

function tree(files: Record<string, string | Buffer>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'keyward-cli-'));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

function keyward(args: string[], cwd = root, input?: string) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', input, maxBuffer: 256 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, all: r.stdout + r.stderr };
}

describe('keyward scan (bundle)', () => {
  const secret = token('cli-1');
  const dir = tree({ 'config/app.env': `# app\nNAME=demo\nGITHUB_TOKEN=${secret}\n`, 'README.md': 'nothing here\n' });

  it('text: exit 1, grouped by file, redacted, with a summary', () => {
    const r = keyward(['scan', dir]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('config/app.env\n  3:14  critical  github-pat');
    expect(r.stdout).toMatch(/Scanned 2 files \(\d+ B\) in [\d.]+s: 1 finding \(1 critical\)/);
    expect(r.all).not.toContain(secret);
    expect(r.all).not.toContain(secret.slice(4, 14));
  });

  it('json: machine-readable, redacted unless --no-redact', () => {
    const r = keyward(['scan', dir, '--format', 'json']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.findings).toHaveLength(1);
    expect(report.findings[0]).toMatchObject({ ruleId: 'github-pat', path: 'config/app.env', startLine: 3, redacted: 'ghp_*****' });
    expect(r.all).not.toContain(secret);
    const shown = keyward(['scan', dir, '--format', 'json', '--no-redact']);
    expect(JSON.parse(shown.stdout).findings[0].secret).toBe(secret);
  });

  it('sarif to a file: no secret text, relative URIs, summary on stderr', () => {
    const out = path.join(dir, '..', `${path.basename(dir)}.sarif`);
    const r = keyward(['scan', dir, '-f', 'sarif', '-o', out]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('Wrote sarif report to');
    const text = readFileSync(out, 'utf8');
    expect(text).not.toContain(secret);
    const log = JSON.parse(text);
    expect(validateSarif(log)).toEqual([]);
    expect(log.version).toBe('2.1.0');
    expect(log.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toBe('config/app.env');
  });

  it('exit 0 on a clean tree, and with --exit-zero', () => {
    const clean = tree({ 'a.txt': 'hello\n' });
    expect(keyward(['scan', clean]).code).toBe(0);
    expect(keyward(['scan', dir, '--exit-zero']).code).toBe(0);
  });

  it('exit 2 with a clear message for usage errors', () => {
    expect(keyward(['scan', dir, '--format', 'xml'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--format must be one of text, json, jsonl, sarif, junit, not "xml"') });
    expect(keyward(['scan', dir, '--bogus'])).toMatchObject({ code: 2, stderr: expect.stringContaining("Unknown option '--bogus'") });
    expect(keyward(['scan', path.join(dir, 'nope')])).toMatchObject({ code: 2, stderr: expect.stringContaining('no such file or directory') });
    expect(keyward(['frobnicate']).code).toBe(2);
  });

  it('exit 2 for a bad config, naming the file and the key', () => {
    const bad = tree({ '.keyward.yaml': 'allowlist:\n  pathz: [x]\n', 'a.txt': 'x' });
    const r = keyward(['scan', bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('.keyward.yaml: "allowlist.pathz": unknown key');
    const missing = keyward(['scan', dir, '--config', path.join(dir, 'missing.yaml')]);
    expect(missing).toMatchObject({ code: 2, stderr: expect.stringContaining('cannot read config file') });
  });

  it('config allowlists, .keywardignore and inline keyward:allow suppress, and are counted', () => {
    const s1 = token('cli-2');
    const s2 = token('cli-3');
    const s3 = token('cli-4');
    const d = tree({
      'fixtures/a.env': `T=${s1}\n`,
      'b.env': `T=${s2} # keyward:allow\n`,
      'c.env': `T=${s3}\n`,
      '.keyward.yaml': "allowlist:\n  paths: ['fixtures/**']\n",
    });
    const first = JSON.parse(keyward(['scan', d, '-f', 'json']).stdout);
    expect(first.findings.map((f: { path: string }) => f.path)).toEqual(['c.env']);
    writeFileSync(path.join(d, '.keywardignore'), `# reviewed: test fixture\n${first.findings[0].fingerprint}\n`);
    const second = keyward(['scan', d, '-f', 'json']);
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout).stats.suppressed).toMatchObject({ inline: 1, ignoreFile: 1 });
  });

  it('skips and reports binary files, oversized files and symlink loops; scans big files when allowed', () => {
    const s = token('cli-5');
    const d = tree({ 'bin.dat': Buffer.concat([Buffer.from([0, 1, 2]), Buffer.from(`x=${s}`)]), 'ok.txt': 'fine' });
    // 50 MB of ordinary text with a token at the very end
    const big = Buffer.alloc(50 * 1024 * 1024, 'const value = compute(4200000);\n'); // 32 bytes a line
    writeFileSync(path.join(d, 'big.js'), Buffer.concat([big, Buffer.from(`\nconst t = "${s}";\n`)]));
    symlinkSync(path.join(d, 'loop-b'), path.join(d, 'loop-a'));
    symlinkSync(path.join(d, 'loop-a'), path.join(d, 'loop-b'));
    const r = keyward(['scan', d, '-f', 'json']);
    expect(r.code).toBe(0);
    const skipped = JSON.parse(r.stdout).stats.skipped.map((x: { path: string; reason: string }) => `${x.path}:${x.reason}`).sort();
    expect(skipped).toEqual(['big.js:too-large', 'bin.dat:binary', 'loop-a:symlink-loop', 'loop-b:symlink-loop']);
    expect(keyward(['scan', d]).stdout).toMatch(/4 files skipped \(1 binary, 2 symlink-loop, 1 too-large\)/);
    const allowed = JSON.parse(keyward(['scan', d, '-f', 'json', '--max-file-size', '100MB']).stdout);
    expect(allowed.findings).toHaveLength(1);
    expect(allowed.findings[0]).toMatchObject({ path: 'big.js', startLine: (50 * 1024 * 1024) / 32 + 2 });
  });

  it('a scan large enough for worker threads finds, orders and counts exactly what one thread does', () => {
    // 35 MB over 383 files: past the point where the pool starts, so batches go to the workers; the
    // last file holds a secret and fills only part of a batch, so the last batch counts too.
    const filler = 'export const compute = (value) => value * 42; // nothing secret here\n'.repeat(900);
    const files: Record<string, string> = {};
    for (let i = 0; i < 383; i++) {
      const planted = i % 16 === 14 ? `TOKEN_${i}=${token(`pool-${i}`)}${i % 32 === 30 ? ' # keyward:allow' : ''}\n` : '';
      files[`src/m${String(i).padStart(3, '0')}.js`] = filler.slice(0, 30_000) + planted + filler;
    }
    const d = tree(files);
    const one = JSON.parse(keyward(['scan', d, '-f', 'json', '--threads', '1']).stdout);
    const two = JSON.parse(keyward(['scan', d, '-f', 'json', '--threads', '2']).stdout);
    expect(one.stats.bytes).toBeGreaterThan(20 * 1024 * 1024);
    expect(one.findings).toHaveLength(12);
    expect(one.stats.suppressed.inline).toBe(12);
    expect(two.findings).toEqual(one.findings);
    expect(two.stats.suppressed).toEqual(one.stats.suppressed);
  });

  it('reports an unreadable file and goes on', () => {
    const d = tree({ 'locked.env': `T=${token('cli-6')}`, 'b.env': `T=${token('cli-7')}` });
    chmodSync(path.join(d, 'locked.env'), 0);
    // Root reads any file, so as root the scan runs as nobody (the tree is made readable to it).
    const asRoot = process.getuid?.() === 0;
    if (asRoot) chmodSync(d, 0o755);
    const r = spawnSync(process.execPath, [cli, 'scan', d, '-f', 'json'], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
      ...(asRoot ? { uid: 65534, gid: 65534 } : {}),
    });
    const report = JSON.parse(r.stdout);
    expect(report.findings.map((f: { path: string }) => f.path)).toEqual(['b.env']);
    expect(report.stats.skipped).toEqual([{ path: 'locked.env', reason: 'unreadable', detail: 'EACCES' }]);
  });

  it('reports a broken symlink as unreadable and goes on (as root too)', () => {
    const d = tree({ 'b.env': `T=${token('cli-8')}` });
    symlinkSync(path.join(d, 'gone.env'), path.join(d, 'dangling.env'));
    const r = keyward(['scan', d, '-f', 'json']);
    const report = JSON.parse(r.stdout);
    expect(report.findings).toHaveLength(1);
    expect(report.stats.skipped).toEqual([{ path: 'dangling.env', reason: 'unreadable', detail: 'ENOENT' }]);
  });

  it('writes --output atomically and leaves no partial file on a usage error', () => {
    const out = path.join(dir, '..', `${path.basename(dir)}-bad.json`);
    keyward(['scan', dir, '-o', out, '--config', '/nonexistent.yaml']);
    expect(existsSync(out)).toBe(false);
  });

  it('a report that cannot be written is a clear exit 2 and leaves no temp file behind', () => {
    const blocked = tree({ 'out': 'a file where the report wants a folder' });
    const r = keyward(['scan', dir, '-f', 'json', '-o', path.join(blocked, 'out', 'report.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^keyward scan: cannot write .*report\.json: a file is in the way of its folder\n$/);
    expect(readdirSync(blocked)).toEqual(['out']);
  });

  it('reads stdin with -', () => {
    const s = token('cli-9');
    const r = keyward(['scan', '-', '-f', 'json'], root, `log line\nauth ${s}\n`);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).findings[0]).toMatchObject({ path: '(stdin)', startLine: 2 });
  });

  it('lists the rules', () => {
    const r = keyward(['rules', 'list']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('github-pat');
    expect(keyward(['rules', 'list', '--format', 'markdown']).stdout).toContain('| Provider | Rule id |');
  });
});
