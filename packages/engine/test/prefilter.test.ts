import { describe, expect, it } from 'vitest';
import { KeywordPrefilter, SeededRandom } from '../src/index.js';

function naive(keywords: string[], text: string): string[] {
  const lower = text.toLowerCase();
  const hits: string[] = [];
  keywords.forEach((k, i) => {
    for (let at = lower.indexOf(k); at >= 0; at = lower.indexOf(k, at + 1)) hits.push(`${i}@${at + k.length}`);
  });
  return hits.sort();
}

describe('keyword prefilter', () => {
  it('finds overlapping and nested keywords case-insensitively, with end offsets', () => {
    const pf = new KeywordPrefilter(['key', 'api_key', 'apikey', 'ghp_']);
    const hits = pf.scan('API_KEY=1 ApiKey GHP_x').map((h) => `${pf.keywords[h.keyword]}@${h.end}`);
    expect(hits).toEqual(['api_key@7', 'key@7', 'apikey@16', 'key@16', 'ghp_@21']);
  });

  it('ignores non-ASCII text without losing positions', () => {
    const pf = new KeywordPrefilter(['token']);
    expect(pf.scan('ünïcödé 🙂 token').map((h) => h.end)).toEqual([16]);
  });

  it('agrees with a naive search on random text', () => {
    const rng = new SeededRandom('prefilter');
    const keywords = ['ab', 'abc', 'bca', 'cab', 'aaa', 'b_c', 'zz'];
    for (let round = 0; round < 200; round++) {
      const text = rng.string('abcABC_z ', 200);
      const pf = new KeywordPrefilter(keywords);
      const got = pf.scan(text).map((h) => `${h.keyword}@${h.end}`).sort();
      expect(got).toEqual(naive(keywords, text));
    }
  });
});
