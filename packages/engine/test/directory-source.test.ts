import { chmodSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fragmentText, scanDirectory, type SourceEvent } from '../src/index.js';

function tree(files: Record<string, string | Buffer>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'keyward-dir-'));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    writeFileSync(path.join(root, name), content);
  }
  return root;
}

async function collect(root: string, options: Partial<Parameters<typeof scanDirectory>[1]> = {}) {
  const events: SourceEvent[] = [];
  for await (const e of scanDirectory(root, { maxFileSize: 1024 * 1024, respectGitignore: true, ...options })) events.push(e);
  const scanned = events.flatMap((e) => (e.kind === 'fragment' ? [e.fragment.path] : [])).sort();
  const skipped = Object.fromEntries(events.flatMap((e) => (e.kind === 'skipped' ? [[e.skipped.path, e.skipped.reason]] : [])));
  const texts = Object.fromEntries(events.flatMap((e) => (e.kind === 'fragment' ? [[e.fragment.path, fragmentText(e.fragment)]] : [])));
  return { scanned, skipped, texts };
}

describe('directory source', () => {
  it('honours root and nested .gitignore files, with negation, and never enters .git', async () => {
    const root = tree({
      '.gitignore': 'dist/\n*.log\n!keep.log\n',
      'src/a.ts': 'a',
      'src/.gitignore': 'generated.ts\n',
      'src/generated.ts': 'g',
      'dist/bundle.js': 'b',
      'debug.log': 'l',
      'keep.log': 'k',
      '.git/config': 'c',
    });
    const { scanned } = await collect(root);
    expect(scanned).toEqual(['.gitignore', 'keep.log', 'src/.gitignore', 'src/a.ts']);
    const all = await collect(root, { respectGitignore: false });
    expect(all.scanned).toContain('dist/bundle.js');
    expect(all.scanned).not.toContain('.git/config');
  });

  it('skips binary and oversized files and reports them', async () => {
    const root = tree({ 'img.png': Buffer.from([0x89, 0x50, 0x00, 0x01]), 'big.txt': 'x'.repeat(2048), 'ok.txt': 'fine' });
    const { scanned, skipped } = await collect(root, { maxFileSize: 1024 });
    expect(scanned).toEqual(['ok.txt']);
    expect(skipped).toEqual({ 'img.png': 'binary', 'big.txt': 'too-large' });
  });

  it('never follows a symlink out of the root, survives loops, and reports broken links', async () => {
    const outside = tree({ 'secret.txt': 'outside' });
    const root = tree({ 'in.txt': 'inside', 'sub/x.txt': 'x' });
    symlinkSync(path.join(outside, 'secret.txt'), path.join(root, 'escape.txt'));
    symlinkSync(outside, path.join(root, 'escape-dir'));
    symlinkSync(root, path.join(root, 'sub/loop'));
    symlinkSync(path.join(root, 'a'), path.join(root, 'b'));
    symlinkSync(path.join(root, 'b'), path.join(root, 'a'));
    symlinkSync(path.join(root, 'in.txt'), path.join(root, 'alias.txt'));
    symlinkSync(path.join(root, 'missing.txt'), path.join(root, 'broken.txt'));
    const { scanned, skipped } = await collect(root);
    expect(scanned).toEqual(['alias.txt', 'in.txt', 'sub/x.txt']);
    expect(skipped).toEqual({
      'escape.txt': 'symlink-outside-root',
      'escape-dir': 'symlink-outside-root',
      a: 'symlink-loop',
      b: 'symlink-loop',
      'broken.txt': 'unreadable',
    });
  });

  it.skipIf(process.getuid?.() === 0)('reports a file it may not read', async () => {
    const root = tree({ 'locked.txt': 'x' });
    chmodSync(path.join(root, 'locked.txt'), 0o000);
    expect((await collect(root)).skipped).toEqual({ 'locked.txt': 'unreadable' });
  });

  it('decodes UTF-8 with a BOM, invalid bytes, CRLF and UTF-16', async () => {
    const root = tree({
      'bom.txt': Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('a=1\r\nb=2\r\n')]),
      'bad.txt': Buffer.from([0x61, 0xff, 0xfe, 0x62]),
      'wide.txt': Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('token=1', 'utf16le')]),
    });
    const { texts, skipped } = await collect(root);
    expect(texts['bom.txt']).toBe('a=1\r\nb=2\r\n');
    expect(texts['bad.txt']).toBe('a\uFFFD\uFFFDb');
    expect(texts['wide.txt']).toBe('token=1');
    expect(skipped).toEqual({});
  });

  it('scans a single file given as the root', async () => {
    const root = tree({ 'one.env': 'A=1' });
    expect((await collect(path.join(root, 'one.env'))).scanned).toEqual(['one.env']);
  });
});
