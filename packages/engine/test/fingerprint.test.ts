// Fingerprints are printed in annotations, SARIF and summaries: they must not let anyone test guesses
// of the secret offline, and they must stay the same on every machine (baselines, code-scanning alerts).
import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fingerprintOf, isGuessable, legacyFingerprintOf } from '../src/index.js';
import { githubToken } from './support.js';

const password = { id: 'generic-password', tags: ['generic', 'password'] };
const pat = { id: 'github-pat', tags: ['github'] };
const WORDS = ['letmein', 'password1', 'dragon', 'sunshine2024', 'correct-horse-battery', 'Tr0ub4dor&3'];

/** Every fast construction an attacker would try over rule id, path and secret, in any order. */
function fastCandidates(ruleId: string, path: string, word: string): string[] {
  const orders = [`${ruleId}\0${path}\0${word}`, `keyward-fingerprint-v2\0${ruleId}\0${path}\0${word}`, word, `${ruleId}${path}${word}`];
  return orders.flatMap((m) => ['sha256', 'sha1', 'md5', 'sha512'].map((alg) => createHash(alg).update(m).digest('hex').slice(0, 32)));
}

describe('fingerprints', () => {
  it('a dictionary password cannot be recovered from its fingerprint with fast hashes of a word list', () => {
    const secret = WORDS[3]!;
    const printed = fingerprintOf(password, 'config/app.env', secret);
    // Version 1 fell to exactly this attack.
    expect(WORDS.find((w) => legacyFingerprintOf(password.id, 'config/app.env', w) === legacyFingerprintOf(password.id, 'config/app.env', secret))).toBe(secret);
    for (const w of WORDS) expect(fastCandidates(password.id, 'config/app.env', w)).not.toContain(printed);
  });

  it('is the same on every machine and every run: a fixed value for a fixed input', () => {
    // Golden values: changing them breaks every baseline and code-scanning alert, so it needs a new version.
    expect(fingerprintOf(password, 'config/app.env', 'hunter2')).toBe(GOLDEN_GUESSABLE);
    expect(fingerprintOf(pat, 'src/app.ts', 'ghp_' + 'x'.repeat(36))).toBe(GOLDEN_LOW_ENTROPY_TOKEN);
  });

  it('depends on rule, path and secret, never on where or when it is computed', () => {
    const token = githubToken('fp-1');
    const a = fingerprintOf(pat, 'a.env', token);
    expect(fingerprintOf(pat, 'a.env', token)).toBe(a);
    expect(fingerprintOf(pat, 'b.env', token)).not.toBe(a);
    expect(fingerprintOf({ id: 'github-oauth', tags: ['github'] }, 'a.env', token)).not.toBe(a);
    expect(fingerprintOf(pat, 'a.env', githubToken('fp-2'))).not.toBe(a);
    expect(a).toMatch(/^[0-9a-f]{32}$/);
  });

  it('treats generic and password rules, and values with little randomness, as guessable', () => {
    expect(isGuessable(password, 'Zx9!kQ2#mW7$pL4@vN8%rT6^yB3&')).toBe(true);
    expect(isGuessable(pat, githubToken('fp-3'))).toBe(false);
    expect(isGuessable(pat, 'ghp_' + 'a'.repeat(36))).toBe(true);
  });

  it('with a fingerprint key: an HMAC under that key, and useless without it', () => {
    const keyed = fingerprintOf(password, 'config/app.env', 'hunter2', 'org-secret-key');
    expect(keyed).toBe(createHmac('sha256', 'org-secret-key').update('keyward-fingerprint-v2\0generic-password\0config/app.env\0hunter2').digest('hex').slice(0, 32));
    expect(fingerprintOf(password, 'config/app.env', 'hunter2', 'another-key')).not.toBe(keyed);
    expect(fingerprintOf(password, 'config/app.env', 'hunter2')).not.toBe(keyed);
  });
});

const GOLDEN_GUESSABLE = 'fdf9ed3e5cceb3ec1bd87cacfaa38c12'; // scrypt(N=2^13, r=8, p=1), salt = domain, rule, path
const GOLDEN_LOW_ENTROPY_TOKEN = ['800934eee2cf7789', '2f2f2504cabead9c'].join('');
