// The small pieces under the git sources: argument splitting, the byte reader, the blob id set.
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ByteReader, historyLogArgs, ObjectIdSet, SeededRandom, splitArguments } from '../src/index.js';

describe('splitArguments', () => {
  it('splits on whitespace and groups quotes', () => {
    expect(splitArguments(` main~5..main  --author="Jane Doe" 'a b' `)).toEqual(['main~5..main', '--author=Jane Doe', 'a b']);
    expect(splitArguments('')).toEqual([]);
    expect(() => splitArguments('"open')).toThrow(/unbalanced/);
  });
});

describe('historyLogArgs', () => {
  it('walks every ref unless the user names revisions', () => {
    expect(historyLogArgs({})).toContain('--all');
    expect(historyLogArgs({ since: '2024-01-01' })).toContain('--all');
    expect(historyLogArgs({ logOpts: '--author=x -- src' })).toContain('--all');
    expect(historyLogArgs({ logOpts: 'main~3..main' })).not.toContain('--all');
    // Revisions after --end-of-options, paths after --: neither can be read as an option.
    expect(historyLogArgs({ logOpts: 'main~3..main' }).slice(-3)).toEqual(['--end-of-options', 'main~3..main', '--']);
    expect(historyLogArgs({ logOpts: '--author=x -- src' }).slice(-5)).toEqual(['--author=x', '--all', '--end-of-options', '--', 'src']);
  });
});

describe('ByteReader', () => {
  it('reads lines and exact byte counts across chunk boundaries', async () => {
    const chunks = ['ab', 'c\nde', 'fgh', 'ij\n', 'klm'].map((s) => Buffer.from(s));
    const reader = new ByteReader(Readable.from(chunks));
    expect((await reader.readUntil(0x0a))?.toString()).toBe('abc');
    expect((await reader.read(4)).toString()).toBe('defg');
    expect((await reader.read(2, false)).length).toBe(0);
    expect((await reader.readUntil(0x0a))?.toString()).toBe('j');
    expect((await reader.readUntil(0x0a))?.toString()).toBe('klm');
    expect(await reader.readUntil(0x0a)).toBeUndefined();
  });

  it('fails clearly when the stream ends early', async () => {
    const reader = new ByteReader(Readable.from([Buffer.from('abc')]));
    await expect(reader.read(10)).rejects.toThrow(/ended 7 bytes early/);
  });
});

describe('ObjectIdSet', () => {
  it('adds, finds and grows without losing ids', () => {
    const rng = new SeededRandom('ids');
    const ids = Array.from({ length: 5000 }, () => rng.string('0123456789abcdef', 40));
    ids.push(`00000000${'1'.repeat(32)}`); // first word zero: must not look like an empty slot
    const set = new ObjectIdSet();
    for (const id of ids) expect(set.add(id)).toBe(true);
    for (const id of ids) expect(set.add(id)).toBe(false);
    expect(set.size).toBe(ids.length);
    expect(ids.every((id) => set.has(id))).toBe(true);
    expect(set.has('f'.repeat(40))).toBe(false);
    expect(set.has('0'.repeat(40))).toBe(false);
  });

  it('takes SHA-256 ids too', () => {
    const set = new ObjectIdSet();
    expect(set.add('a'.repeat(64))).toBe(true);
    expect(set.has('a'.repeat(64))).toBe(true);
    expect(() => set.add('a'.repeat(40))).toThrow(/wrong length/);
  });
});
