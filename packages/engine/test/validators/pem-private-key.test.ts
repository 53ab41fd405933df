import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../src/random.js';
import { pemPrivateKeyValidator } from '../../src/validators/pem-private-key.js';

const kinds = ['RSA', 'EC', 'DSA', 'PKCS8', 'ENCRYPTED', 'LEGACY-ENCRYPTED'];

describe('pem-private-key', () => {
  it.each(kinds)('accepts a generated %s key', (kind) => {
    const pem = pemPrivateKeyValidator.generate(new SeededRandom(kind), kind);
    expect(pem).toMatch(/^-----BEGIN [A-Z ]*PRIVATE KEY-----\n/);
    expect(pemPrivateKeyValidator.validate(pem)).toBe(true);
  });

  it('rejects random base64 in the envelope', () => {
    const rng = new SeededRandom('pem-random');
    const body = rng.string('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', 64 * 10);
    const lines = body.match(/.{64}/g)!.join('\n');
    expect(pemPrivateKeyValidator.validate(`-----BEGIN RSA PRIVATE KEY-----\n${lines}\n-----END RSA PRIVATE KEY-----`)).toBe(false);
  });

  it('rejects a placeholder body, a truncated body and a public key', () => {
    expect(pemPrivateKeyValidator.validate('-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----')).toBe(false);
    const pem = pemPrivateKeyValidator.generate(new SeededRandom('trunc'), 'RSA');
    const lines = pem.split('\n');
    const truncated = [...lines.slice(0, 3), lines[lines.length - 1]].join('\n');
    expect(pemPrivateKeyValidator.validate(truncated)).toBe(false);
    expect(pemPrivateKeyValidator.validate(pem.replaceAll('RSA PRIVATE KEY', 'PUBLIC KEY'))).toBe(false);
  });

  it('rejects an ENCRYPTED PRIVATE KEY label on unencrypted PKCS#8 content', () => {
    const pem = pemPrivateKeyValidator.generate(new SeededRandom('label'), 'PKCS8');
    expect(pemPrivateKeyValidator.validate(pem.replaceAll('PRIVATE KEY', 'ENCRYPTED PRIVATE KEY'))).toBe(false);
  });
});

describe('pem-private-key encodings', () => {
  it('accepts JSON-escaped and base64-wrapped blocks', () => {
    const json = pemPrivateKeyValidator.generate(new SeededRandom('json'), 'PKCS8-JSON');
    expect(json).toContain('\\n');
    expect(json).not.toContain('\n');
    expect(pemPrivateKeyValidator.validate(json)).toBe(true);
    const b64 = pemPrivateKeyValidator.generate(new SeededRandom('b64'), 'RSA-BASE64');
    expect(b64.startsWith('LS0tLS1CRUdJTi')).toBe(true);
    expect(pemPrivateKeyValidator.validate(b64)).toBe(true);
    expect(pemPrivateKeyValidator.validate(Buffer.from('-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----').toString('base64'))).toBe(false);
  });
});
