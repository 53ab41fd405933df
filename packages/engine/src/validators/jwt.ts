// A JWT that carries a signature: three base64url parts whose header and payload decode to JSON
// objects and whose header names an algorithm other than "none". RFC 7519 section 3, RFC 7515 section 7.1.
import type { Validator } from './validator.js';

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function decodeJsonObject(part: string): Record<string, unknown> | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(part)) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export const jwtValidator: Validator = {
  name: 'jwt',
  validate(secret) {
    const parts = secret.split('.');
    if (parts.length !== 3) return false;
    const [header, payload, signature] = parts as [string, string, string];
    const head = decodeJsonObject(header);
    if (!head || typeof head.alg !== 'string' || head.alg.toLowerCase() === 'none') return false;
    if (!decodeJsonObject(payload)) return false;
    return signature.length >= 16 && /^[A-Za-z0-9_-]+$/.test(signature);
  },
  generate(rng) {
    const enc = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const header = enc({ alg: 'HS256', typ: 'JWT' });
    const payload = enc({ sub: `user-${rng.string('0123456789', 6)}`, iat: 1700000000, role: 'test-fixture' });
    return `${header}.${payload}.${rng.string(B64URL, 43)}`;
  },
};
