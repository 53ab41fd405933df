import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../src/random.js';
import { sentryOrgTokenValidator as v } from '../../src/validators/sentry-org-token.js';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64');
const secret = 'Q'.repeat(20) + 'w'.repeat(23);

describe('sentry-org-token', () => {
  it('accepts generated tokens', () => {
    for (let i = 0; i < 20; i++) expect(v.validate(v.generate(new SeededRandom(i)))).toBe(true);
  });

  it('accepts the documented payload with a padded secret', () => {
    const payload = b64({ iat: 1700000000.5, url: 'https://sentry.io', region_url: 'https://de.sentry.io', org: 'acme' });
    expect(v.validate(`sntrys_${payload}_${secret}=`)).toBe(true);
  });

  it('rejects a payload without org or iat, a short secret, and non-JSON', () => {
    expect(v.validate(`sntrys_${b64({ iat: 1, url: 'https://sentry.io' })}_${secret}`)).toBe(false);
    expect(v.validate(`sntrys_${b64({ url: 'https://sentry.io', org: 'acme' })}_${secret}`)).toBe(false);
    expect(v.validate(`sntrys_${b64({ iat: 1, url: 'u', org: 'acme' })}_${secret.slice(0, 30)}`)).toBe(false);
    expect(v.validate(`sntrys_${Buffer.from('hello').toString('base64')}_${secret}`)).toBe(false);
    expect(v.validate(`sntryu_${'a'.repeat(64)}`)).toBe(false);
  });
});
