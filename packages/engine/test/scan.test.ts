import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compareFindings, Detector, DetectorPool, KnownFindings, runScan, type Finding, type SourceEvent } from '../src/index.js';
import { githubToken, rule } from './support.js';

const ghp = rule({ id: 'test-ghp', pattern: '\\b(ghp_[A-Za-z0-9]{36})\\b', keywords: ['ghp_'], checksum: 'github-crc32' });

async function* events(files: Record<string, string>): AsyncGenerator<SourceEvent> {
  for (const [path, text] of Object.entries(files)) yield { kind: 'fragment', fragment: { text, path }, bytes: text.length };
}

describe('runScan', () => {
  it('sorts findings by path and place, and counts what the ignore list and the baseline drop', async () => {
    const detector = new Detector([ghp]);
    const [a, b, c] = [githubToken('s1'), githubToken('s2'), githubToken('s3')];
    const first = await runScan(events({ 'z.env': `T=${a}`, 'a.env': `\n\nT=${b}\nU=${c}` }), { detector, now: () => 0 });
    expect(first.findings.map((f) => `${f.path}:${f.startLine}`)).toEqual(['a.env:3', 'a.env:4', 'z.env:1']);
    const [fb, fc] = first.findings;
    const second = await runScan(events({ 'z.env': `T=${a}`, 'a.env': `\n\nT=${b}\nU=${c}` }), {
      detector,
      ignoredFingerprints: new KnownFindings(new Set([fb!.fingerprint])),
      baseline: new KnownFindings(new Set([fc!.fingerprint])),
      now: () => 0,
    });
    expect(second.findings.map((f) => f.path)).toEqual(['z.env']);
    expect(second.stats.suppressed).toMatchObject({ ignoreFile: 1, baseline: 1 });
  });

  it('orders findings that differ only by commit date the same way whichever comes first', () => {
    const base = { ruleId: 'r', path: 'p', startLine: 1, startColumn: 1 } as Finding;
    const older = { ...base, commit: { sha: 'a', date: '2020-01-01' } };
    const newer = { ...base, commit: { sha: 'b', date: '2021-01-01' } };
    expect(compareFindings(older, newer)).toBeLessThan(0);
    expect(compareFindings(newer, older)).toBeGreaterThan(0);
  });

  it('a detector pool answers each fragment of a batch, text or bytes, even two sharing one buffer', async () => {
    // The CLI bundle serves detection when started as a worker thread.
    const entry = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../cli/dist/index.js');
    const token = githubToken('pool');
    // A buffer of its own, as the directory source reads files into, so it is moved, not copied.
    const shared = Buffer.allocUnsafeSlow(token.length + 3);
    shared.write(`T=${token}\n`);
    const pool = new DetectorPool({ rules: [ghp], options: {} }, entry, 2);
    try {
      const found = await pool.detect([
        { text: `x\nT=${token}`, path: 'a.env' },
        { bytes: shared, path: 'b.env' },
        { bytes: shared, path: 'c.env' },
        { bytes: Buffer.alloc(0), path: 'empty.env' },
      ]);
      expect(found.map((d) => d.findings.map((f) => `${f.path}:${f.startLine}`))).toEqual([['a.env:2'], ['b.env:1'], ['c.env:1'], []]);
    } finally {
      await pool.close();
    }
  });
});
