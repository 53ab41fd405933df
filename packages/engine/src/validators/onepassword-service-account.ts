// 1Password service account tokens are `ops_` + the base64 of a JSON object carrying the account's
// sign-in address, the service account's e-mail and its key material (srpX, muk, secretKey).
// Format: https://developer.1password.com/docs/service-accounts/security/ (token contents)
import { BASE64URL_ALPHABET, decodeJsonObject } from './json-part.js';
import type { Validator } from './validator.js';

const PREFIX = 'ops_';
const B64 = BASE64URL_ALPHABET;

export const onePasswordServiceAccountValidator: Validator = {
  name: 'onepassword-service-account',
  validate(secret) {
    if (!secret.startsWith(PREFIX)) return false;
    const token = decodeJsonObject(secret.slice(PREFIX.length));
    if (!token) return false;
    return typeof token.signInAddress === 'string' && typeof token.email === 'string' && 'secretKey' in token;
  },
  generate(rng) {
    const body = {
      signInAddress: 'my.1password.com',
      userAuth: { method: 'SRPg-4096', alg: 'PBES2g-HS256', iterations: 650000, salt: rng.string(B64, 22) },
      email: `${rng.string('abcdefghijklmnopqrstuvwxyz234567', 13)}@1passwordserviceaccounts.com`,
      srpX: rng.string('0123456789abcdef', 64),
      muk: { alg: 'A256GCM', ext: true, k: rng.string(B64, 43), key_ops: ['encrypt', 'decrypt'], kty: 'oct', kid: 'mp' },
      secretKey: `A3-${rng.string('ABCDEFGHJKLMNPQRSTVWXYZ23456789', 6)}-${rng.string('ABCDEFGHJKLMNPQRSTVWXYZ23456789', 6)}`,
      deviceUuid: rng.string('abcdefghijklmnopqrstuvwxyz234567', 26),
    };
    return PREFIX + Buffer.from(JSON.stringify(body)).toString('base64').replace(/=+$/, '');
  },
};
