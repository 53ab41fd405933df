// A JWT that carries a signature: three base64url parts whose header and payload decode to JSON
// objects and whose header names an algorithm other than "none". RFC 7519 section 3, RFC 7515 section 7.1.
import { BASE64URL_ALPHABET as B64URL, decodeJsonObject } from './json-part.js';
import type { Validator } from './validator.js';

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
