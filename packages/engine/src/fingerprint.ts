import { createHash } from 'node:crypto';

/**
 * Content-based: rule id + path + secret, never a line number or a commit, so a baseline or an ignore
 * entry survives rebases, squashes and unrelated edits. 32 hex characters (128 bits).
 */
export function fingerprintOf(ruleId: string, path: string, secret: string): string {
  return createHash('sha256').update(`${ruleId}\0${path}\0${secret}`).digest('hex').slice(0, 32);
}

/** A hash of the secret alone, for baselines that must not hold the secret itself. */
export function secretHash(secret: string): string {
  return createHash('sha256').update(secret).digest('hex').slice(0, 32);
}
