// An ASCII-armored OpenPGP secret key (RFC 4880 section 6, RFC 9580 section 6): the body decodes to a
// packet stream that starts with a Secret-Key packet (tag 5), and the optional "=XXXX" armor checksum is
// the CRC-24 of the decoded body.
import { decodeBase64Strict } from './pem-private-key.js';
import type { Validator } from './validator.js';

const BEGIN = '-----BEGIN PGP PRIVATE KEY BLOCK-----';
const END = '-----END PGP PRIVATE KEY BLOCK-----';
const SECRET_KEY_TAG = 5;

export function crc24(bytes: Uint8Array): number {
  let crc = 0xb704ce;
  for (const byte of bytes) {
    crc ^= byte << 16;
    for (let i = 0; i < 8; i++) {
      crc <<= 1;
      if (crc & 0x1000000) crc ^= 0x1864cfb;
    }
  }
  return crc & 0xffffff;
}

function packetTag(first: number | undefined): number | undefined {
  if (first === undefined || (first & 0x80) === 0) return undefined;
  return first & 0x40 ? first & 0x3f : (first >> 2) & 0x0f;
}

function armorChecksum(body: Uint8Array): string {
  const crc = crc24(body);
  return `=${Buffer.from([crc >> 16, (crc >> 8) & 0xff, crc & 0xff]).toString('base64')}`;
}

export function isPgpPrivateKey(text: string): boolean {
  const start = text.indexOf(BEGIN);
  const end = text.indexOf(END, start);
  if (start < 0 || end < 0) return false;
  const lines = text
    .slice(start + BEGIN.length, end)
    .split('\n')
    .map((l) => l.trim());
  // armor headers end at the first blank line
  const blank = lines.findIndex((l, i) => i > 0 && l === '');
  const bodyLines = (blank >= 0 ? lines.slice(blank + 1) : lines).filter((l) => l !== '');
  let checksum: string | undefined;
  if (bodyLines.length > 0 && /^=[A-Za-z0-9+/]{4}$/.test(bodyLines[bodyLines.length - 1]!)) checksum = bodyLines.pop();
  const body = decodeBase64Strict(bodyLines.join(''));
  if (!body || body.length < 32 || packetTag(body[0]) !== SECRET_KEY_TAG) return false;
  return checksum === undefined || checksum === armorChecksum(body);
}

export const pgpPrivateKeyValidator: Validator = {
  name: 'pgp-private-key',
  validate: isPgpPrivateKey,
  /** A new-format Secret-Key packet header followed by random bytes, with a correct armor checksum. */
  generate(rng) {
    const length = 600;
    const packet = Uint8Array.from([0xc5, 0xff, 0, 0, (length >> 8) & 0xff, length & 0xff, ...Array.from({ length }, () => rng.int(256))]);
    const lines = Buffer.from(packet).toString('base64').match(/.{1,64}/g) ?? [];
    return `${BEGIN}\n\n${lines.join('\n')}\n${armorChecksum(packet)}\n${END}`;
  },
};
