import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../src/random.js';
import { grafanaServiceAccountValidator as v } from '../../src/validators/grafana-sa-crc32.js';

describe('grafana-sa-crc32', () => {
  it('accepts generated tokens', () => {
    for (let i = 0; i < 20; i++) expect(v.validate(v.generate(new SeededRandom(i)))).toBe(true);
  });

  it('rejects a wrong checksum, a big-endian checksum and a wrong shape', () => {
    const token = v.generate(new SeededRandom('grafana'));
    const sum = token.slice(-8);
    const swapped = sum.match(/../g)!.reverse().join('');
    expect(v.validate(token.slice(0, -8) + (sum === '00000000' ? '00000001' : '00000000'))).toBe(false);
    if (swapped !== sum) expect(v.validate(token.slice(0, -8) + swapped)).toBe(false);
    expect(v.validate(token.replace('glsa_', 'glsb_'))).toBe(false);
    expect(v.validate(token.slice(0, 20))).toBe(false);
    expect(v.validate('glsa_' + 'a'.repeat(32) + '_zzzzzzzz')).toBe(false);
  });
});
