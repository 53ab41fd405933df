// GitHub and npm tokens end in a CRC32 of their random part, written as 6 base62 digits.
// Format: https://github.blog/engineering/platform-security/behind-githubs-new-authentication-token-formats/
// npm: https://github.blog/changelog/2021-09-23-npm-has-a-new-access-token-format/
import { crc32 } from 'node:zlib';
import type { Validator } from './validator.js';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export function base62(value: number, width: number): string {
  let out = '';
  let n = value >>> 0;
  while (n > 0) {
    out = BASE62[n % 62] + out;
    n = Math.floor(n / 62);
  }
  return out.padStart(width, '0');
}

function checksumOf(random: string): string {
  return base62(crc32(random), 6);
}

/** `prefix` + 30 random base62 characters + 6 checksum characters. */
export function makeBase62Crc32Validator(name: string, prefixes: string[]): Validator {
  return {
    name,
    validate(secret) {
      const prefix = prefixes.find((p) => secret.startsWith(p));
      if (!prefix) return false;
      const body = secret.slice(prefix.length);
      if (body.length !== 36) return false;
      return checksumOf(body.slice(0, 30)) === body.slice(30);
    },
    generate(rng, arg) {
      const prefix = arg && prefixes.includes(arg) ? arg : prefixes[0]!;
      const random = rng.string(BASE62, 30);
      return prefix + random + checksumOf(random);
    },
  };
}
