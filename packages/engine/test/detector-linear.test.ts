// Detection must stay linear in the input whatever it holds. Work is counted (characters looked at
// while placing windows, characters handed to regexes), never timed.
import { describe, expect, it } from 'vitest';
import { builtinRules, Detector } from '../src/index.js';
import { githubToken, rule } from './support.js';

/** A keyword that a run of one character matches at every position, as the Twitter bearer prefix does in a run of `A`. */
const runRule = rule({ id: 'test-run', pattern: '\\b(?P<secret>AAAAAAAA[A-Za-z0-9]{8}=[a-z]{4})\\b', keywords: ['AAAAAAAA'] });
const ghp = rule({ id: 'test-ghp', pattern: '\\b(?P<secret>ghp_[A-Za-z0-9]{36})\\b', keywords: ['ghp_'], checksum: 'github-crc32' });

function effortFor(detector: Detector, text: string): { examined: number; searched: number } {
  const before = { ...detector.effort };
  detector.detect({ text, path: 'font.css' });
  return { examined: detector.effort.charsExamined - before.charsExamined, searched: detector.effort.charsSearched - before.charsSearched };
}

describe('detection on long runs of a keyword', () => {
  it('looks at each character of a keyword run a bounded number of times', () => {
    const detector = new Detector([runRule, ghp]);
    for (const n of [20_000, 80_000]) {
      const text = `src: url(data:font/woff2;base64,${'A'.repeat(n)}) format("woff2");\n`;
      const { examined, searched } = effortFor(detector, text);
      // Linear: a few passes over the text at most, however many keyword hits the run gives.
      expect(examined, `${n} characters`).toBeLessThanOrEqual(4 * text.length);
      expect(searched, `${n} characters`).toBeLessThanOrEqual(4 * text.length);
    }
  });

  it('is linear on runs of A, x and 0 with every built-in rule', () => {
    const detector = new Detector(builtinRules());
    for (const c of ['A', 'x', '0', 'a', 'f', '=', '-']) {
      const text = `k=${c.repeat(50_000)}\n`;
      const { examined, searched } = effortFor(detector, text);
      expect(examined, `run of ${c}`).toBeLessThanOrEqual(4 * text.length);
      // Each rule whose keyword occurs searches the line about once.
      expect(searched, `run of ${c}`).toBeLessThanOrEqual(8 * text.length);
    }
  });

  it('still finds a token that sits in the middle of a long run', () => {
    const token = githubToken('in-run');
    const text = `x=${'A'.repeat(30_000)};t="${token}";${'A'.repeat(30_000)}\n`;
    const found = new Detector([runRule, ghp]).detect({ text, path: 'a.js' });
    expect(found.map((f) => [f.secret, f.startColumn])).toEqual([[token, 30_000 + 7]]);
  });
});
