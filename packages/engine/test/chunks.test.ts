// Large files are scanned in overlapping chunks: every chunk's text is bounded, and a token across a
// chunk boundary is still found once, at its line and column in the file.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { bytesAsEvents, Detector, runScan, scanDirectory, type Finding, type SourceEvent } from '../src/index.js';
import { githubToken, rule } from './support.js';

const ghp = rule({ id: 'test-ghp', pattern: '\\b(?P<secret>ghp_[A-Za-z0-9]{36})\\b', keywords: ['ghp_'], checksum: 'github-crc32' });
const pem = rule({
  id: 'test-pem',
  pattern: '(?P<secret>-----BEGIN TEST KEY-----\\n(?:[A-Za-z0-9+/=]+\\n)+-----END TEST KEY-----)',
  keywords: ['-----BEGIN TEST KEY'],
  scope: 'file',
});
const CHUNK = 4096;
const CONTEXT = 600;

/** A file with tokens starting just before, on and just after every chunk boundary, in lines with multi-byte text, and a long line. */
function bigFile(): { file: string; tokens: string[] } {
  const parts: Buffer[] = [];
  let size = 0;
  const tokens: string[] = [];
  const add = (s: string): void => {
    const b = Buffer.from(s, 'utf8');
    parts.push(b);
    size += b.length;
  };
  let n = 0;
  for (let boundary = CHUNK; boundary < 40 * CHUNK; boundary += CHUNK) {
    const shift = [-30, -1, 0, 1, -39, -20, 5][n % 7]!;
    while (size < boundary + shift - 60) add(n % 3 === 0 ? `naïve café 🙂 line ${size}\n` : `plain line number ${size} here\n`);
    while (size < boundary + shift - 4) add('x');
    add(' t="');
    const token = githubToken(`chunk-${n++}`);
    tokens.push(token);
    add(`${token}";\n`);
  }
  // A PEM-like block across a boundary (a file-scope rule) and a minified line longer than a chunk.
  while (size % CHUNK < CHUNK - 40) add('y');
  add('\n-----BEGIN TEST KEY-----\nQUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo=\nMDEyMzQ1Njc4OQ==\n-----END TEST KEY-----\n');
  const line: string[] = [];
  for (let i = 0; i < 12; i++) {
    const token = githubToken(`long-${i}`);
    tokens.push(token);
    line.push(`${'é'.repeat(300)}${'a,'.repeat(400)}k="${token}"`);
  }
  add(`${line.join(';')}\n`);
  const root = mkdtempSync(path.join(tmpdir(), 'keyward-chunks-'));
  const file = path.join(root, 'big.log');
  writeFileSync(file, Buffer.concat(parts));
  return { file, tokens };
}

async function scan(file: string, chunks?: { chunkBytes: number; contextBytes: number }) {
  const events: SourceEvent[] = [];
  const source = scanDirectory(file, { maxFileSize: 1 << 30, respectGitignore: false, ...(chunks ? { chunks } : {}) });
  async function* tee() {
    for await (const e of source) {
      events.push(e);
      yield e;
    }
  }
  const result = await runScan(tee(), { detector: new Detector([ghp, pem]) });
  return { result, events };
}

const where = (f: Finding) => [f.ruleId, f.secret.slice(0, 12), f.startLine, f.startColumn, f.endLine, f.endColumn];

describe('large files in chunks', () => {
  it('holds at most one chunk and its context at once, and finds what a whole-file scan finds, once each, at the same place', async () => {
    const { file, tokens } = bigFile();
    const whole = await scan(file);
    const chunked = await scan(file, { chunkBytes: CHUNK, contextBytes: CONTEXT });
    const fragments = chunked.events.flatMap((e) => (e.kind === 'fragment' ? [e.fragment] : []));
    expect(fragments.length).toBeGreaterThan(40);
    for (const f of fragments) expect('text' in f ? f.text.length : f.bytes.length).toBeLessThanOrEqual(CHUNK + 2 * CONTEXT);

    expect(whole.result.findings.filter((f) => f.ruleId === 'test-ghp').map((f) => f.secret)).toEqual(tokens);
    expect(whole.result.findings.filter((f) => f.ruleId === 'test-pem')).toHaveLength(1);
    expect(chunked.result.findings.map(where)).toEqual(whole.result.findings.map(where));
    expect(chunked.result.stats.files).toBe(1);
    expect(chunked.result.stats.bytes).toBe(whole.result.stats.bytes);
  });

  it('chunks text held in memory (standard input) the same way', async () => {
    const { file } = bigFile();
    const bytes = readFileSync(file);
    const whole = await scan(file);
    async function* events() {
      yield* bytesAsEvents(bytes, 'big.log', { chunkBytes: CHUNK, contextBytes: CONTEXT });
    }
    const result = await runScan(events(), { detector: new Detector([ghp, pem]) });
    expect(result.findings.map(where)).toEqual(whole.result.findings.map(where));
    expect(result.stats.files).toBe(1);
  });

  it('judges a large file binary from its first chunk', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'keyward-chunks-'));
    const file = path.join(root, 'blob.bin');
    writeFileSync(file, Buffer.alloc(5 * CHUNK, 0));
    const { result } = await scan(file, { chunkBytes: CHUNK, contextBytes: CONTEXT });
    expect(result.stats.skipped).toEqual([{ path: 'blob.bin', reason: 'binary' }]);
  });
});
