// Mapbox access tokens are `<scope>.<base64url JSON {"u": username, "a": token id}>.<signature>`, with scope
// pk (public), sk (secret) or tk (temporary). Format: https://docs.mapbox.com/accounts/guides/tokens/
import { BASE64URL_ALPHABET as B64URL, decodeJsonObject } from './json-part.js';
import type { Validator } from './validator.js';

const SCOPES = ['pk', 'sk', 'tk'];

export const mapboxTokenValidator: Validator = {
  name: 'mapbox-token',
  validate(secret) {
    const parts = secret.split('.');
    if (parts.length !== 3) return false;
    const [scope, payload, signature] = parts as [string, string, string];
    if (!SCOPES.includes(scope) || !/^[A-Za-z0-9_-]+$/.test(payload) || !/^[A-Za-z0-9_-]{20,}$/.test(signature)) return false;
    return typeof decodeJsonObject(payload)?.u === 'string';
  },
  generate(rng, arg) {
    const scope = arg && SCOPES.includes(arg) ? arg : 'sk';
    const claims = { u: `user${rng.string('0123456789', 5)}`, a: rng.string('abcdefghijklmnopqrstuvwxyz0123456789', 25) };
    return `${scope}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${rng.string(B64URL, 22)}`;
  },
};
