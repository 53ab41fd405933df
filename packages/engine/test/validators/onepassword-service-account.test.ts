import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../src/random.js';
import { onePasswordServiceAccountValidator as v } from '../../src/validators/onepassword-service-account.js';

const encode = (value: unknown) => 'ops_' + Buffer.from(JSON.stringify(value)).toString('base64');

describe('onepassword-service-account', () => {
  it('accepts generated tokens', () => {
    const token = v.generate(new SeededRandom('ops'));
    expect(token).toMatch(/^ops_eyJ[A-Za-z0-9+/]+$/);
    expect(v.validate(token)).toBe(true);
  });

  it('accepts padded and url-safe bodies that decode to the token object', () => {
    const body = { signInAddress: 'my.1password.com', email: 'a@1passwordserviceaccounts.com', secretKey: 'A3-X' };
    expect(v.validate(encode(body))).toBe(true);
    expect(v.validate(encode(body).replace(/\+/g, '-').replace(/\//g, '_'))).toBe(true);
  });

  it('rejects other JSON, non-JSON, a wrong prefix and a truncated body', () => {
    expect(v.validate(encode({ alg: 'HS256' }))).toBe(false);
    expect(v.validate(encode(['signInAddress', 'email', 'secretKey']))).toBe(false);
    expect(v.validate('ops_' + Buffer.from('not json at all').toString('base64'))).toBe(false);
    const token = v.generate(new SeededRandom('ops-2'));
    expect(v.validate(token.replace('ops_', 'opx_'))).toBe(false);
    expect(v.validate(token.slice(0, 60))).toBe(false);
  });
});
