import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../src/random.js';
import { elasticApiKeyValidator as v } from '../../src/validators/elastic-api-key.js';

const b64 = (text: string) => Buffer.from(text).toString('base64');

describe('elastic-api-key', () => {
  it('accepts generated keys', () => {
    for (let i = 0; i < 20; i++) expect(v.validate(v.generate(new SeededRandom(i)))).toBe(true);
  });

  it('accepts base64 of "<20-char id>:<22-char key>"', () => {
    expect(v.validate(b64(`${'a1B2c3D4e5F6g7H8i9J0'}:${'k'.repeat(11)}${'Z_-9'.repeat(2)}abc`))).toBe(true);
  });

  it('rejects other base64 payloads', () => {
    expect(v.validate(b64('user:password'))).toBe(false);
    expect(v.validate(b64(`${'a'.repeat(19)}:${'k'.repeat(22)}`))).toBe(false);
    expect(v.validate(b64(`${'a'.repeat(20)}${'k'.repeat(22)}`))).toBe(false);
    expect(v.validate(b64('{"alg":"HS256","typ":"JWT"}'))).toBe(false);
    expect(v.validate('not base64!')).toBe(false);
  });
});
