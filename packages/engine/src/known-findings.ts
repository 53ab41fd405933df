// Fingerprints a scan already knows (.keywardignore, a baseline). An entry may still be a version 1
// fingerprint written before fingerprints were salted and slowed (docs/fingerprints.md); those keep
// matching, and each match is counted so that the user is told to migrate.
import { legacyFingerprintOf } from './fingerprint.js';
import type { Finding } from './types.js';

export class KnownFindings {
  /** Findings matched through a version 1 fingerprint, by their current fingerprint. */
  readonly legacyMatches = new Map<string, string>();

  constructor(readonly fingerprints: ReadonlySet<string> = new Set()) {}

  get size(): number {
    return this.fingerprints.size;
  }

  has(finding: Pick<Finding, 'fingerprint' | 'ruleId' | 'path' | 'secret'>): boolean {
    if (this.fingerprints.size === 0) return false;
    if (this.fingerprints.has(finding.fingerprint)) return true;
    const legacy = legacyFingerprintOf(finding.ruleId, finding.path, finding.secret);
    if (!this.fingerprints.has(legacy)) return false;
    this.legacyMatches.set(finding.fingerprint, legacy);
    return true;
  }
}
