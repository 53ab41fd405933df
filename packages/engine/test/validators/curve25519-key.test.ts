import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../src/random.js';
import { curve25519KeyValidator } from '../../src/validators/curve25519-key.js';

describe('curve25519-key', () => {
  it('accepts the base64 of 32 bytes', () => {
    const key = curve25519KeyValidator.generate(new SeededRandom('wg'));
    expect(key).toHaveLength(44);
    expect(curve25519KeyValidator.validate(key)).toBe(true);
  });

  it('rejects a 43rd character that carries bits 32 bytes do not have, and other lengths', () => {
    const key = curve25519KeyValidator.generate(new SeededRandom('wg2'));
    const bits = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.indexOf(key[42]!);
    const broken = key.slice(0, 42) + 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'[bits | 1]! + '=';
    expect(curve25519KeyValidator.validate(broken)).toBe(false);
    expect(curve25519KeyValidator.validate(key.slice(0, 43))).toBe(false);
    expect(curve25519KeyValidator.validate(`${key.slice(0, 42)}==`)).toBe(false);
  });
});
