import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../src/random.js';
import { pypiMacaroonValidator } from '../../src/validators/pypi-macaroon.js';

describe('pypi-macaroon', () => {
  it('accepts generated tokens for pypi.org and test.pypi.org', () => {
    const token = pypiMacaroonValidator.generate(new SeededRandom('pypi'));
    expect(token.startsWith('pypi-AgEIcHlwaS5vcmc')).toBe(true);
    expect(pypiMacaroonValidator.validate(token)).toBe(true);
    const test = pypiMacaroonValidator.generate(new SeededRandom('pypi'), 'test.pypi.org');
    expect(test.startsWith('pypi-AgENdGVzdC5weXBpLm9yZw')).toBe(true);
    expect(pypiMacaroonValidator.validate(test)).toBe(true);
  });

  it('rejects a right prefix followed by random base64url', () => {
    const rng = new SeededRandom('pypi-random');
    const body = rng.string('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_', 160);
    expect(pypiMacaroonValidator.validate(`pypi-AgEIcHlwaS5vcmc${body}`)).toBe(false);
  });

  it('rejects truncated, extended and non-base64url tokens', () => {
    const token = pypiMacaroonValidator.generate(new SeededRandom('pypi-2'));
    expect(pypiMacaroonValidator.validate(token.slice(0, -4))).toBe(false);
    expect(pypiMacaroonValidator.validate(`${token}AAAA`)).toBe(false);
    expect(pypiMacaroonValidator.validate(`${token.slice(0, 40)}+${token.slice(41)}`)).toBe(false);
    expect(pypiMacaroonValidator.validate(token.slice(5))).toBe(false);
  });
});
