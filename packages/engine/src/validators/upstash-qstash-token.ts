// Upstash QStash tokens are standard base64 of a JSON object {"UserID": <id>, "Password": <secret>}
// (sent as "Authorization: Bearer <QSTASH_TOKEN>"). https://upstash.com/docs/qstash/api/authentication
import { decodeJsonObject } from './json-part.js';
import type { Validator } from './validator.js';

const HEX = '0123456789abcdef';

export const upstashQstashTokenValidator: Validator = {
  name: 'upstash-qstash-token',
  validate(secret) {
    if (!secret.startsWith('eyJVc2VySUQiOi')) return false;
    const claims = decodeJsonObject(secret);
    return typeof claims?.UserID === 'string' && typeof claims.Password === 'string' && claims.Password.length > 0;
  },
  generate(rng) {
    const id = [8, 4, 4, 4, 12].map((n) => rng.string(HEX, n)).join('-');
    return Buffer.from(JSON.stringify({ UserID: id, Password: rng.string(HEX, 32) })).toString('base64');
  },
};
