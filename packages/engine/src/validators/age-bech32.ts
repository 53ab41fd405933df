// age X25519 identities are Bech32 (BIP 173, not Bech32m) with HRP "AGE-SECRET-KEY-", written in upper
// case: 32 key bytes as 52 data characters plus a 6-character checksum.
// Format: https://age-encryption.org/v1 ("X25519 recipient stanza" / identity encoding).
import type { Validator } from './validator.js';

const CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
const GENERATOR = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
const HRP = 'age-secret-key-';

function polymod(values: readonly number[]): number {
  let chk = 1;
  for (const v of values) {
    const top = chk >>> 25;
    chk = ((chk & 0x1ffffff) << 5) ^ v;
    for (let i = 0; i < 5; i++) if ((top >>> i) & 1) chk ^= GENERATOR[i]!;
  }
  return chk >>> 0;
}

function hrpExpand(hrp: string): number[] {
  const codes = [...hrp].map((c) => c.charCodeAt(0));
  return [...codes.map((c) => c >> 5), 0, ...codes.map((c) => c & 31)];
}

function checksum(hrp: string, data: readonly number[]): number[] {
  const mod = polymod([...hrpExpand(hrp), ...data, 0, 0, 0, 0, 0, 0]) ^ 1;
  return Array.from({ length: 6 }, (_, i) => (mod >>> (5 * (5 - i))) & 31);
}

/** True when `text` is a Bech32 string with a valid checksum (single case, as BIP 173 requires). */
export function isValidBech32(text: string): boolean {
  if (text !== text.toUpperCase() && text !== text.toLowerCase()) return false;
  const lower = text.toLowerCase();
  const sep = lower.lastIndexOf('1');
  if (sep < 1 || lower.length - sep - 1 < 6) return false;
  const data: number[] = [];
  for (const c of lower.slice(sep + 1)) {
    const v = CHARSET.indexOf(c);
    if (v < 0) return false;
    data.push(v);
  }
  return polymod([...hrpExpand(lower.slice(0, sep)), ...data]) === 1;
}

export const ageBech32Validator: Validator = {
  name: 'age-bech32',
  validate(secret) {
    // 32 bytes -> 52 five-bit groups, plus 6 checksum characters
    return secret.toLowerCase().startsWith(`${HRP}1`) && secret.length === HRP.length + 1 + 58 && isValidBech32(secret);
  },
  generate(rng) {
    const data = Array.from({ length: 52 }, (_, i) => (i === 51 ? rng.int(2) << 4 : rng.int(32)));
    const all = [...data, ...checksum(HRP, data)];
    return `${HRP}1${all.map((v) => CHARSET[v]).join('')}`.toUpperCase();
  },
};
