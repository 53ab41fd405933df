import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../src/random.js';
import { grafanaCloudTokenValidator as v } from '../../src/validators/grafana-cloud-token.js';

const enc = (value: unknown) => 'glc_' + Buffer.from(JSON.stringify(value)).toString('base64');

describe('grafana-cloud-token', () => {
  it('accepts generated tokens', () => {
    for (let i = 0; i < 20; i++) expect(v.validate(v.generate(new SeededRandom(i)))).toBe(true);
  });

  it('rejects bodies that are not the documented JSON payload', () => {
    expect(v.validate(enc({ o: 'acme', n: 'x', k: 'k'.repeat(24) }))).toBe(false); // org id not numeric
    expect(v.validate(enc({ o: '123', n: 'x' }))).toBe(false); // no key
    expect(v.validate(enc(['o', 'n', 'k']))).toBe(false);
    expect(v.validate('glc_' + Buffer.from('not json at all').toString('base64'))).toBe(false);
    expect(v.validate('glc_!!!')).toBe(false);
    expect(v.validate('glsa_abc')).toBe(false);
  });
});
