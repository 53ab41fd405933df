// Grafana Cloud access policy tokens: "glc_" + standard base64 of a JSON object naming the org ("o"), the
// token name ("n"), the key ("k") and metadata such as the region ({"m":{"r":...}}).
// https://grafana.com/docs/grafana-cloud/account-management/authentication-and-permissions/access-policies/
import type { Validator } from './validator.js';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export const grafanaCloudTokenValidator: Validator = {
  name: 'grafana-cloud-token',
  validate(secret) {
    if (!secret.startsWith('glc_')) return false;
    const body = secret.slice(4);
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(body)) return false;
    try {
      const value: unknown = JSON.parse(Buffer.from(body, 'base64').toString('utf8'));
      if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
      const { o, n, k } = value as Record<string, unknown>;
      return typeof o === 'string' && /^\d+$/.test(o) && typeof n === 'string' && typeof k === 'string' && k.length >= 16;
    } catch {
      return false;
    }
  },
  generate(rng, arg) {
    const payload = {
      o: rng.string('123456789', 1) + rng.string('0123456789', 6),
      n: `stack-${rng.string('abcdefghijklmnopqrstuvwxyz', 6)}-writer`,
      k: rng.string(ALNUM, 24),
      m: { r: arg || 'prod-us-east-0' },
    };
    return `glc_${Buffer.from(JSON.stringify(payload)).toString('base64')}`;
  },
};
