// Grafana service account tokens: "glsa_" + 32 random alphanumerics + "_" + 8 hex digits, the hex being the
// CRC32 (IEEE) of "glsa_<random>" written as its four bytes little-endian.
// Format: grafana/grafana pkg/components/satokengen/tokengen.go; https://grafana.com/docs/grafana/latest/administration/service-accounts/
import { crc32 } from 'node:zlib';
import type { Validator } from './validator.js';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const SHAPE = /^(glsa_[A-Za-z0-9]{32})_([0-9a-f]{8})$/;

function checksumOf(key: string): string {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32LE(crc32(key) >>> 0);
  return bytes.toString('hex');
}

export const grafanaServiceAccountValidator: Validator = {
  name: 'grafana-sa-crc32',
  validate(secret) {
    const m = SHAPE.exec(secret);
    return m !== null && checksumOf(m[1]!) === m[2];
  },
  generate(rng) {
    const key = `glsa_${rng.string(ALNUM, 32)}`;
    return `${key}_${checksumOf(key)}`;
  },
};
