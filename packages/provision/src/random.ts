import { randomInt } from 'node:crypto';

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const LOWER_ALPHANUMERIC = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** Uniform over the alphabet (crypto.randomInt has no modulo bias). */
function randomString(alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

/** 40 alphanumerics is about 238 bits; letters and digits only, so no quoting surprises in URLs or shells. */
export const generatePassword = (length = 40): string => randomString(ALPHANUMERIC, length);

export const randomSuffix = (length = 8): string => randomString(LOWER_ALPHANUMERIC, length);
