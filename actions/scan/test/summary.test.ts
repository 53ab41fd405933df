import { SeededRandom, validators, builtinRules, Detector } from '@keyward/engine';
import { describe, expect, it } from 'vitest';
import { renderSummary, type ReportedFinding } from '../src/summary.js';

const stats = { files: 3, bytes: 2048, skipped: [], durationMs: 5, suppressed: { allowlist: 1, inline: 0, ignoreFile: 0, baseline: 0 } };

function findingsIn(text: string, file: string): ReportedFinding[] {
  const detector = new Detector(builtinRules(), { regexBackend: 're2js' });
  return detector.detect({ text, path: file }).map((finding) => ({ finding, file, known: false }));
}

describe('renderSummary', () => {
  it('is one green line when clean', () => {
    const text = renderSummary({ scope: 'the checked-out files', findings: [], stats, notes: [], failed: false });
    expect(text).toBe(':white_check_mark: **keyward**: no secrets found in the checked-out files (3 files, 2.0 KB).\n');
  });

  it('escapes table cells, so a path with a pipe cannot break the table, and never shows the secret', () => {
    const secret = validators.get('github-crc32')!.generate(new SeededRandom(7), 'ghp_');
    const rows = findingsIn(`x = "${secret}"\n`, 'odd|name.txt');
    const text = renderSummary({ scope: 'the checked-out files', findings: rows, stats, notes: ['Note one.'], failed: true });
    expect(text).toContain('| `github-pat` | `odd\\|name.txt:1` |  | `ghp_*****` |');
    expect(text).toContain('### :x: keyward found 1 secret');
    expect(text).toContain('Suppressed: 1 by allowlists.');
    expect(text).toContain('> [!NOTE]\n> Note one.');
    expect(text).not.toContain(secret);
  });
});
