// Sentry organization auth tokens: "sntrys_" + standard base64 of a JSON payload {"iat": <unix time>, "url": ...,
// "region_url": ..., "org": <slug>} + "_" + a base64 secret of 32 random bytes (43 characters, padding stripped).
// Format: getsentry/sentry src/sentry/utils/security/orgauthtoken_token.py; https://docs.sentry.io/account/auth-tokens/
import type { Validator } from './validator.js';

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const SHAPE = /^sntrys_([A-Za-z0-9+/]+={0,2})_([A-Za-z0-9+/]{43,}={0,2})$/;

export const sentryOrgTokenValidator: Validator = {
  name: 'sentry-org-token',
  validate(secret) {
    const m = SHAPE.exec(secret);
    if (!m) return false;
    try {
      const value: unknown = JSON.parse(Buffer.from(m[1]!, 'base64').toString('utf8'));
      if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
      const { iat, org, url } = value as Record<string, unknown>;
      return typeof iat === 'number' && typeof org === 'string' && org.length > 0 && typeof url === 'string';
    } catch {
      return false;
    }
  },
  generate(rng) {
    const payload = {
      iat: 1700000000 + rng.int(50_000_000) + rng.int(1_000_000) / 1_000_000,
      url: 'https://sentry.io/',
      region_url: 'https://us.sentry.io',
      org: `org-${rng.string('abcdefghijklmnopqrstuvwxyz', 8)}`,
    };
    return `sntrys_${Buffer.from(JSON.stringify(payload)).toString('base64')}_${rng.string(B64, 43)}`;
  },
};
