import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../src/random.js';
import { crc24, pgpPrivateKeyValidator } from '../../src/validators/pgp-private-key.js';

describe('pgp-private-key', () => {
  it('computes the RFC 4880 CRC-24 (empty input gives the initial value)', () => {
    expect(crc24(new Uint8Array())).toBe(0xb704ce);
  });

  it('accepts a generated block, and the same block without its optional checksum', () => {
    const block = pgpPrivateKeyValidator.generate(new SeededRandom('pgp'));
    expect(pgpPrivateKeyValidator.validate(block)).toBe(true);
    expect(pgpPrivateKeyValidator.validate(block.replace(/\n=[A-Za-z0-9+/]{4}\n/, '\n'))).toBe(true);
  });

  it('rejects a wrong checksum and a public key packet', () => {
    const block = pgpPrivateKeyValidator.generate(new SeededRandom('pgp-2'));
    const wrong = block.replace(/\n=([A-Za-z0-9+/]{4})\n/, (_m, c: string) => `\n=${c === 'AAAA' ? 'AAAB' : 'AAAA'}\n`);
    expect(pgpPrivateKeyValidator.validate(wrong)).toBe(false);
    // tag 6 (public key) instead of 5
    const body = Buffer.from([0xc6, 0x40, ...new Array(64).fill(7)]).toString('base64');
    expect(pgpPrivateKeyValidator.validate(`-----BEGIN PGP PRIVATE KEY BLOCK-----\n\n${body}\n-----END PGP PRIVATE KEY BLOCK-----`)).toBe(false);
  });
});
