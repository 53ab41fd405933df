import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../src/random.js';
import { upstashQstashTokenValidator as v } from '../../src/validators/upstash-qstash-token.js';

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64');

describe('upstash-qstash-token', () => {
  it('accepts generated tokens', () => {
    for (const seed of ['a', 'b', 'c']) {
      const token = v.generate(new SeededRandom(`qstash-${seed}`));
      expect(token.startsWith('eyJVc2VySUQiOi')).toBe(true);
      expect(v.validate(token)).toBe(true);
    }
  });

  it('rejects other JSON, a missing password, non-base64 and plain text', () => {
    expect(v.validate(encode({ UserID: 'u1' }))).toBe(false);
    expect(v.validate(encode({ UserID: 'u1', Password: '' }))).toBe(false);
    expect(v.validate(encode({ Password: 'p', UserID: 'u1' }))).toBe(false); // other key order: not a QStash token
    expect(v.validate(encode({ user: 'u1', Password: 'p' }))).toBe(false);
    expect(v.validate('eyJVc2VySUQiOi!!!not-base64')).toBe(false);
    expect(v.validate(Buffer.from('plain text').toString('base64'))).toBe(false);
  });
});
