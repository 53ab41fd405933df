// Elasticsearch API keys as sent in "Authorization: ApiKey <encoded>": the encoded value is base64 of
// "<id>:<api_key>", where the id is 20 url-safe characters and the key 22 or more.
// https://www.elastic.co/guide/en/elasticsearch/reference/current/security-api-create-api-key.html
import type { Validator } from './validator.js';

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

export const elasticApiKeyValidator: Validator = {
  name: 'elastic-api-key',
  validate(secret) {
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(secret)) return false;
    const decoded = Buffer.from(secret, 'base64').toString('latin1');
    return /^[A-Za-z0-9_-]{20}:[A-Za-z0-9_-]{22,64}$/.test(decoded);
  },
  generate(rng) {
    return Buffer.from(`${rng.string(B64URL, 20)}:${rng.string(B64URL, 22)}`).toString('base64');
  },
};
