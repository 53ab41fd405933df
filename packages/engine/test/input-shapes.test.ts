// Inputs that once hid secrets or exhausted memory: BOMs that lie, a stray NUL, a rule that matches
// everything.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeText, Detector, looksBinary, runScan, scanDirectory } from '../src/index.js';
import { githubToken, randomAlnum, rule } from './support.js';

const ghp = rule({ id: 'test-ghp', pattern: '\\b(?P<secret>ghp_[A-Za-z0-9]{36})\\b', keywords: ['ghp_'], checksum: 'github-crc32' });
const everyWord = rule({ id: 'test-every-word', pattern: '\\b(?P<secret>kw[a-z0-9]{3,})\\b', keywords: ['kw'] });

function dir(files: Record<string, Buffer | string>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'keyward-shapes-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(path.join(root, name), content);
  return root;
}

async function scanTree(root: string, detector: Detector) {
  return runScan(scanDirectory(root, { maxFileSize: 1 << 30, respectGitignore: false }), { detector });
}

describe('byte-order marks judged by the content', () => {
  const tokens = Array.from({ length: 6 }, (_, i) => githubToken(`bom-${i}`));
  const ascii = tokens.map((t, i) => `TOKEN_${i}=${t}\n`).join('');

  it('scans ASCII after a UTF-16 BOM as the text it is', async () => {
    const root = dir({
      'le.env': Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(ascii)]),
      'be.env': Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(ascii)]),
    });
    const result = await scanTree(root, new Detector([ghp]));
    for (const file of ['be.env', 'le.env']) {
      expect(result.findings.filter((f) => f.path === file).map((f) => f.secret), file).toEqual(tokens);
    }
    // Line 1 starts after the two stray bytes, each read as one replacement character.
    expect(result.findings.find((f) => f.path === 'le.env')!.startColumn).toBe(2 + 'TOKEN_0='.length + 1);
  });

  it('still decodes real UTF-16, with or without a BOM, in ASCII or another script', () => {
    const text = `пароль ${ascii}`;
    const be = Buffer.from(text, 'utf16le').swap16();
    expect(decodeText(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]))).toBe(text);
    expect(decodeText(Buffer.concat([Buffer.from([0xfe, 0xff]), be]))).toBe(text);
    expect(decodeText(Buffer.from(ascii, 'utf16le'))).toBe(ascii);
    expect(decodeText(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('日本語のテキスト', 'utf16le')]))).toBe('日本語のテキスト');
    expect(new Detector([ghp]).detect({ bytes: Buffer.from(ascii, 'utf16le'), path: 'a' }).map((f) => f.secret)).toEqual(tokens);
  });
});

describe('binary judged by the share of control bytes', () => {
  it('scans a text file with one stray NUL early on', async () => {
    const token = githubToken('nul');
    const root = dir({ 'notes.txt': Buffer.concat([Buffer.from('header\0\n'), Buffer.from(`${'line of text\n'.repeat(50)}T=${token}\n`)]) });
    const result = await scanTree(root, new Detector([ghp]));
    expect(result.stats.skipped).toEqual([]);
    expect(result.findings.map((f) => [f.secret, f.startLine])).toEqual([[token, 52]]);
  });

  it('still skips binary files', () => {
    const random = Buffer.alloc(8000);
    let x = 12345;
    for (let i = 0; i < random.length; i++) random[i] = (x = (x * 1103515245 + 12345) >>> 0) >>> 24;
    expect(looksBinary(random)).toBe(true);
    expect(looksBinary(Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52]), Buffer.alloc(64)]))).toBe(true);
    expect(looksBinary(Buffer.from('plain text, a tab\t, a form feed\f and an escape \u001b[0m\n'))).toBe(false);
  });
});

describe('findings capped per rule per file', () => {
  // Random enough to be fingerprinted with one fast hash (a guessable value costs a slow derivation).
  const words = Array.from({ length: 3000 }, (_, i) => `kw${randomAlnum(`w${i}`, 30).toLowerCase()}`).join(' ');

  it('reports at most the cap for one rule in one fragment, and names the capped rule', () => {
    const token = githubToken('beside-cap');
    const detection = new Detector([everyWord, ghp]).detectWithCaps({ text: `${words}\nT=${token}\n`, path: 'words.txt' });
    expect(detection.findings.filter((f) => f.ruleId === 'test-every-word')).toHaveLength(100);
    expect(detection.findings.filter((f) => f.ruleId === 'test-ghp').map((f) => f.secret)).toEqual([token]);
    expect(detection.capped).toEqual(['test-every-word']);
    const five = new Detector([everyWord], { maxFindingsPerRule: 5 }).detectWithCaps({ text: words, path: 'w' });
    expect(five.findings).toHaveLength(5);
    // A later chunk of a file makes only what the earlier chunks left of the cap (each finding costs a fingerprint).
    const chunk = { line: 1, column: 0, reportFrom: 0, reportTo: words.length, reportedBefore: { 'test-every-word': 97 } };
    expect(new Detector([everyWord]).detectWithCaps({ text: words, path: 'w', chunk }).findings).toHaveLength(3);
  });

  it('counts capped rules in the scan stats, per file, across the chunks of a large file', async () => {
    const root = dir({ 'a.txt': words, 'b.txt': 'kwxyz1 kwxyz2\n' });
    const result = await scanTree(root, new Detector([everyWord]));
    expect(result.findings.filter((f) => f.path === 'a.txt')).toHaveLength(100);
    expect(result.findings.filter((f) => f.path === 'b.txt')).toHaveLength(2);
    expect(result.stats.capped).toEqual([{ path: 'a.txt', ruleId: 'test-every-word', reported: 100 }]);

    const chunked = await runScan(scanDirectory(path.join(root, 'a.txt'), { maxFileSize: 1 << 30, respectGitignore: false, chunks: { chunkBytes: 4096, contextBytes: 256 } }), {
      detector: new Detector([everyWord]),
    });
    expect(chunked.findings).toHaveLength(100);
    expect(chunked.stats.capped).toEqual([{ path: 'a.txt', ruleId: 'test-every-word', reported: 100 }]);
  });
});

describe('file names that are not UTF-8', () => {
  it('are read by their bytes and reported under an escaped name', async () => {
    const token = githubToken('latin1-name');
    const root = dir({});
    const { mkdirSync, writeFileSync: write } = await import('node:fs');
    // "café.env" in Latin-1, in a folder named "Ünterlagen" in Latin-1: neither is valid UTF-8.
    const folder = Buffer.concat([Buffer.from(root), Buffer.from('/'), Buffer.from([0xdc]), Buffer.from('nterlagen')]);
    mkdirSync(folder);
    write(Buffer.concat([folder, Buffer.from('/caf'), Buffer.from([0xe9]), Buffer.from('.env')]), `T=${token}\n`);
    write(path.join(root, 'naïve.env'), `T=${token}\n`);
    const result = await scanTree(root, new Detector([ghp]));
    expect(result.stats.skipped).toEqual([]);
    expect(result.findings.map((f) => f.path)).toEqual(['\\xdcnterlagen/caf\\xe9.env', 'naïve.env']);
  });
});
