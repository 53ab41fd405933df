import { createHash, createHmac, scryptSync } from 'node:crypto';
import { shannonEntropy } from './entropy.js';

// A fingerprint names a finding by content: rule id + repository-relative path + secret, never a line
// number or a commit, so a baseline or an ignore entry survives rebases, squashes and unrelated edits.
// It is printed in annotations, SARIF and summaries, so it must not let anyone test guesses of the
// secret offline. Version 2 (docs/fingerprints.md):
// - with a fingerprint key (KEYWARD_FINGERPRINT_KEY, kept as a CI secret): HMAC-SHA256 under that key;
//   without the key a fingerprint says nothing about the secret;
// - without a key, a secret that a person may have chosen (a generic or password rule, or one with less
//   than STRONG_BITS of estimated randomness) goes through scrypt (8 MiB, 10-20 ms a guess), salted
//   with rule id and path, so a word list costs an attacker that much per word per fingerprint;
// - a machine-made token of at least STRONG_BITS (a provider format) is hashed once, salted likewise:
//   no guess list reaches 128 random bits, so slowing it buys nothing and would slow large scans.
// Stable across machines (no per-machine salt): baselines and code-scanning alerts match everywhere.

export const FINGERPRINT_VERSION = 2;
const DOMAIN = 'keyward-fingerprint-v2';
const STRONG_BITS = 128;
// scrypt cost: N = 2^13, r = 8 -> 8 MiB of memory and about 10-20 ms of one core per evaluation.
const SCRYPT = { N: 1 << 13, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } as const;
const HUMAN_CHOSEN_TAGS = new Set(['generic', 'password']);

export interface FingerprintRule {
  id: string;
  tags?: readonly string[];
}

/** Estimated randomness of a secret in bits: Shannon entropy per character times length. */
function estimatedBits(secret: string): number {
  return shannonEntropy(secret) * secret.length;
}

/** True when the value may be one a person chose, so a guess list could reach it. */
export function isGuessable(rule: FingerprintRule, secret: string): boolean {
  return (rule.tags ?? []).some((t) => HUMAN_CHOSEN_TAGS.has(t)) || estimatedBits(secret) < STRONG_BITS;
}

// One evaluation per distinct (rule, path, secret) in a process: a history scan meets the same key in
// many versions of a file. Bounded, and keyed by a hash so the map holds no secret.
const MEMO_LIMIT = 20_000;
const memo = new Map<string, string>();

/**
 * The version 2 fingerprint: 32 hex characters. `key` is the fingerprint key, when one is configured.
 */
export function fingerprintOf(rule: FingerprintRule, path: string, secret: string, key?: string): string {
  const salt = `${DOMAIN}\0${rule.id}\0${path}`;
  if (key) return createHmac('sha256', key).update(`${salt}\0${secret}`).digest('hex').slice(0, 32);
  if (!isGuessable(rule, secret)) return createHash('sha256').update(`${salt}\0${secret}`).digest('hex').slice(0, 32);
  const memoKey = createHash('sha256').update(`${salt}\0${secret}`).digest('base64');
  let fingerprint = memo.get(memoKey);
  if (fingerprint === undefined) {
    fingerprint = scryptSync(secret, salt, 16, SCRYPT).toString('hex');
    if (memo.size >= MEMO_LIMIT) memo.clear();
    memo.set(memoKey, fingerprint);
  }
  return fingerprint;
}

/**
 * The version 1 fingerprint, sha256(rule, path, secret): still recognised in .keywardignore files and
 * version 1 baselines so that they keep working until migrated, never printed or written any more.
 */
export function legacyFingerprintOf(ruleId: string, path: string, secret: string): string {
  return createHash('sha256').update(`${ruleId}\0${path}\0${secret}`).digest('hex').slice(0, 32);
}
