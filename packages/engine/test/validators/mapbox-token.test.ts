import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../src/random.js';
import { mapboxTokenValidator as v } from '../../src/validators/mapbox-token.js';

describe('mapbox-token', () => {
  it('accepts generated secret, temporary and public tokens', () => {
    for (const scope of ['sk', 'tk', 'pk']) {
      const token = v.generate(new SeededRandom(`mapbox-${scope}`), scope);
      expect(token.startsWith(`${scope}.eyJ`)).toBe(true);
      expect(v.validate(token)).toBe(true);
    }
  });

  it('rejects a payload without a user claim, a bad scope, a short signature and non-JSON', () => {
    const claims = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const sig = 'A'.repeat(10) + 'b'.repeat(12);
    expect(v.validate(`sk.${claims({ a: 'x' })}.${sig}`)).toBe(false);
    expect(v.validate(`xk.${claims({ u: 'x' })}.${sig}`)).toBe(false);
    expect(v.validate(`sk.${claims({ u: 'x' })}.short`)).toBe(false);
    expect(v.validate(`sk.${Buffer.from('plain').toString('base64url')}.${sig}`)).toBe(false);
    expect(v.validate(`sk.${claims({ u: 'x' })}`)).toBe(false);
  });
});
