import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../src/random.js';
import { ageBech32Validator, isValidBech32 } from '../../src/validators/age-bech32.js';

describe('age-bech32', () => {
  it('accepts the BIP 173 valid test vectors', () => {
    expect(isValidBech32('A12UEL5L')).toBe(true);
    expect(isValidBech32('abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw')).toBe(true);
  });

  it('rejects mixed case and a broken checksum', () => {
    expect(isValidBech32('A12uEL5L')).toBe(false);
    expect(isValidBech32('A12UEL5M')).toBe(false);
  });

  it('accepts generated identities and rejects any single changed character', () => {
    const key = ageBech32Validator.generate(new SeededRandom('age'));
    expect(key).toMatch(/^AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}$/);
    expect(ageBech32Validator.validate(key)).toBe(true);
    const i = key.length - 10;
    const swapped = key.slice(0, i) + (key[i] === 'Q' ? 'P' : 'Q') + key.slice(i + 1);
    expect(ageBech32Validator.validate(swapped)).toBe(false);
  });

  it('rejects the wrong length and the wrong prefix', () => {
    const key = ageBech32Validator.generate(new SeededRandom('age-2'));
    expect(ageBech32Validator.validate(key.slice(0, -1))).toBe(false);
    expect(ageBech32Validator.validate(key.replace('AGE-SECRET-KEY-1', 'AGE-PLUGIN-KEY-1'))).toBe(false);
  });
});
