// Archives in a directory scan: members are scanned like files, named `archive!member`; nesting,
// size, encryption and corruption are bounded and reported. Archives are built at test time with yazl
// (zip), tar-stream (tar) and node:zlib (gzip).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import tarStream from 'tar-stream';
import { describe, expect, it } from 'vitest';
import yazl from 'yazl';
import { Detector, runScan, scanDirectory, type DirectorySourceOptions } from '../src/index.js';
import { githubToken, rule } from './support.js';

const ghp = rule({ id: 'test-ghp', pattern: '\\b(?P<secret>ghp_[A-Za-z0-9]{36})\\b', keywords: ['ghp_'], checksum: 'github-crc32' });

async function zip(members: Record<string, Buffer | string>, options: { compress?: boolean } = {}): Promise<Buffer> {
  const file = new yazl.ZipFile();
  for (const [name, content] of Object.entries(members)) file.addBuffer(Buffer.from(content), name, { compress: options.compress ?? true });
  file.end();
  const chunks: Buffer[] = [];
  for await (const chunk of file.outputStream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

async function tar(members: Record<string, Buffer | string>): Promise<Buffer> {
  const pack = tarStream.pack();
  for (const [name, content] of Object.entries(members)) pack.entry({ name }, Buffer.from(content));
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of pack as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

function dir(files: Record<string, Buffer | string>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'keyward-archives-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(path.join(root, name), content);
  return root;
}

const on = { maxDepth: 2, maxBytes: 64 * 1024 * 1024 };

async function scan(root: string, options: Partial<DirectorySourceOptions> = {}) {
  return runScan(scanDirectory(root, { maxFileSize: 1024 * 1024, respectGitignore: false, archives: on, ...options }), { detector: new Detector([ghp]) });
}

const found = (result: Awaited<ReturnType<typeof scan>>) => result.findings.map((f) => `${f.path}:${f.startLine}:${f.startColumn}`);

describe('archives in a directory scan', () => {
  it('scans members of zip, tar, tar.gz and .gz files, and one level of archives inside archives', async () => {
    const t = (n: string) => githubToken(`archive-${n}`);
    const inner = await zip({ 'deep/c.env': `\nT=${t('nested')}\n` });
    const root = dir({
      'bundle.zip': await zip({ 'config/app.env': `# app\nT=${t('zip')}\n`, 'readme.txt': 'nothing' }),
      'stored.zip': await zip({ 'a.env': `T=${t('stored')}` }, { compress: false }),
      'plain.tar': await tar({ 'etc/b.env': `T=${t('tar')}\n` }),
      'release.tgz': gzipSync(await tar({ 'pkg/inner.zip': inner, 'pkg/x.env': `T=${t('tgz')}` })),
      'notes.txt.gz': gzipSync(`line\nline\nT=${t('gz')}\n`),
    });
    const result = await scan(root);
    expect(found(result)).toEqual([
      'bundle.zip!config/app.env:2:3',
      'notes.txt.gz!notes.txt:3:3',
      'plain.tar!etc/b.env:1:3',
      'release.tgz!pkg/inner.zip!deep/c.env:2:3',
      'release.tgz!pkg/x.env:1:3',
      'stored.zip!a.env:1:3',
    ]);
    expect(result.findings.map((f) => f.secret).sort()).toEqual(['gz', 'nested', 'stored', 'tar', 'tgz', 'zip'].map(t).sort());
    expect(result.stats.skipped).toEqual([]);
    expect(result.stats.files).toBe(7);
  });

  it('reports archives nested too deep, members over the size cap, encrypted and corrupt archives, and a bomb past the budget', async () => {
    const token = githubToken('archive-limits');
    const three = await zip({ 'one.zip': await zip({ 'two.zip': await zip({ 'three.env': `T=${token}` }) }) });
    const encrypted = await zip({ 'secret.env': `T=${token}` });
    // Set "encrypted" (general purpose bit 0) in the local and the central header, as a password-protected zip has it.
    for (const signature of [0x04034b50, 0x02014b50]) {
      const at = encrypted.indexOf(Buffer.from(new Uint32Array([signature]).buffer));
      encrypted[at + (signature === 0x04034b50 ? 6 : 8)]! |= 1;
    }
    const root = dir({
      'deep.zip': three,
      'big-member.zip': await zip({ 'huge.log': 'x'.repeat(2 * 1024 * 1024), 'ok.env': `T=${token}` }),
      'locked.zip': encrypted,
      'broken.zip': Buffer.concat([Buffer.from('PK\u0003\u0004'), Buffer.alloc(200, 7)]),
      'bomb.tgz': gzipSync(await tar(Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`zeros-${i}.txt`, Buffer.alloc(900 * 1024, 0x41)])))),
    });
    const result = await scan(root, { archives: { maxDepth: 2, maxBytes: 4 * 1024 * 1024 } });
    expect(found(result)).toEqual(['big-member.zip!ok.env:1:3']);
    const skipped = Object.fromEntries(result.stats.skipped.map((s) => [s.path, `${s.reason}: ${s.detail ?? ''}`]));
    expect(skipped).toEqual({
      'big-member.zip!huge.log': `too-large: ${2 * 1024 * 1024} bytes`,
      'bomb.tgz': 'archive: expands past 4 MB (maxArchiveSize); the rest was not scanned',
      'broken.zip': 'archive: corrupt or unsupported zip archive',
      'deep.zip!one.zip!two.zip': 'archive: an archive nested deeper than 2 (maxArchiveDepth)',
      'locked.zip!secret.env': 'archive: encrypted',
    });
    // Bomb members before the budget ran out were scanned (they hold no secret).
    expect(result.stats.files).toBeGreaterThanOrEqual(1);
  });

  it('leaves archives closed when turned off: they are binary files then', async () => {
    const root = dir({ 'bundle.zip': await zip({ 'a.env': `T=${githubToken('off')}` }) });
    const result = await scan(root, { archives: undefined });
    expect(result.findings).toEqual([]);
    expect(result.stats.skipped).toEqual([{ path: 'bundle.zip', reason: 'binary' }]);
  });
});
