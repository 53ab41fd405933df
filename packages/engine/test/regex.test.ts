import { describe, expect, it } from 'vitest';
import { availableBackends, compileRegex, RegexSyntaxError, type RegexBackendName } from '../src/index.js';

const backends = availableBackends();

describe('regex adapter', () => {
  it('has the portable backend everywhere, and native re2 where it installed', () => {
    expect(backends).toContain('re2js');
  });

  describe.each(backends.map((b) => [b] as [RegexBackendName]))('%s', (backend) => {
    it('reports every match with group spans, named groups mapped to indexes', () => {
      const re = compileRegex('key=(?P<secret>[a-z]+)(;)?', {}, backend);
      expect(re.backend).toBe(backend);
      expect(re.groupIndex('secret')).toBe(1);
      const matches = re.matchAll('a key=abc; key=de');
      expect(matches.map((m) => [m.start, m.end])).toEqual([[2, 10], [11, 17]]);
      expect(matches[0]!.groups[1]).toEqual({ start: 6, end: 9, text: 'abc' });
      expect(matches[1]!.groups[2]).toBeUndefined();
      const visited: typeof matches = [];
      re.forEachMatch('a key=abc; key=de', (m) => visited.push(m));
      expect(visited).toEqual(matches);
    });

    it('finds empty matches without looping, and starts afresh on each call', () => {
      const re = compileRegex('x*', {}, backend);
      expect(re.matchAll('axxb').map((m) => [m.start, m.end])).toEqual([[0, 0], [1, 3], [3, 3], [4, 4]]);
      expect(re.matchAll('axxb')).toEqual(re.matchAll('axxb'));
    });

    it('accepts (?<name>…) as well as (?P<name>…)', () => {
      expect(compileRegex('x(?<secret>\\d+)', {}, backend).groupIndex('secret')).toBe(1);
    });

    it('matches case-insensitively when asked', () => {
      expect(compileRegex('token', { caseInsensitive: true }, backend).test('TOKEN')).toBe(true);
      expect(compileRegex('token', {}, backend).test('TOKEN')).toBe(false);
    });

    it('rejects what RE2 cannot do, instead of falling back to a backtracking engine', () => {
      for (const pattern of ['(?=a)b', '(a)\\1', '(?<!x)y', 'a(']) {
        expect(() => compileRegex(pattern, {}, backend)).toThrow(RegexSyntaxError);
      }
    });

    it('runs a pattern that is catastrophic for backtracking engines in linear time', () => {
      const re = compileRegex('(a+)+$', {}, backend);
      // 50,000 a's then "b": a backtracking engine would not finish; RE2 returns at once.
      expect(re.test(`${'a'.repeat(50_000)}b`)).toBe(false);
    });

    it('gives the same matches for an ASCII subject passed already encoded', () => {
      const re = compileRegex('(?i)key=(?P<secret>[a-z0-9]+)', {}, backend);
      const text = 'a key=abc1 b KEY=Zz9 c key=';
      expect(re.matchAll(text, Buffer.from(text, 'latin1'))).toEqual(re.matchAll(text));
      expect(re.matchAll(text).map((m) => m.groups[1]!.text)).toEqual(['abc1', 'Zz9']);
    });

    it('reports offsets in UTF-16 code units around non-ASCII text', () => {
      const [m] = compileRegex('k=(\\w+)', {}, backend).matchAll('é😀 k=abc');
      expect(m!.groups[1]).toEqual({ start: 6, end: 9, text: 'abc' });
    });
  });
});
