import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../src/random.js';
import { base64UserPassValidator, decodeUserPass } from '../../src/validators/base64-userpass.js';

describe('base64-userpass', () => {
  it('accepts base64 of user:password', () => {
    const value = base64UserPassValidator.generate(new SeededRandom('auth'), 'deploy');
    expect(decodeUserPass(value)?.user).toBe('deploy');
    expect(base64UserPassValidator.validate(value)).toBe(true);
  });

  it('rejects values without a user, without a password, or that are not text', () => {
    const enc = (s: string) => Buffer.from(s).toString('base64');
    expect(base64UserPassValidator.validate(enc(':password123'))).toBe(false);
    expect(base64UserPassValidator.validate(enc('user-only-no-colon'))).toBe(false);
    expect(base64UserPassValidator.validate(enc('user:'))).toBe(false);
    expect(base64UserPassValidator.validate(Buffer.from([0, 1, 2, 0x3a, 200, 201, 202, 203]).toString('base64'))).toBe(false);
    expect(base64UserPassValidator.validate('not base64!')).toBe(false);
  });
});
