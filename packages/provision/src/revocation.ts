import type { AuditTrail } from './audit.js';
import type { CredentialBackend, RevokeOutcome } from './backends/backend.js';
import type { LedgerEntry, RevocationLedger } from './ledger.js';
import { errorMessage, withRetries } from './retry.js';
import type { Clock, ProvisionRunner } from './runner.js';

export interface RetryPolicy {
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/** Post's default: four tries over a few seconds; the server-side expiry covers anything beyond that. */
export const POST_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 500, maxDelayMs: 4_000 };
/** On SIGINT/SIGTERM the runner kills the process within seconds: try fast. */
export const CANCEL_RETRY: RetryPolicy = { attempts: 2, baseDelayMs: 100, maxDelayMs: 300 };

export interface RevokeDeps {
  runner: Pick<ProvisionRunner, 'warning' | 'info'>;
  audit: AuditTrail;
  backendFor(entry: LedgerEntry): CredentialBackend;
  clock: Clock;
  retry?: RetryPolicy;
  random?: () => number;
}

export interface RevokeReport {
  entry: LedgerEntry;
  outcome: RevokeOutcome | 'failed';
  error?: string;
}

/** What a credential that could not be revoked can still do, and what ends it. */
export function afterFailedRevoke(entry: LedgerEntry): string {
  if (entry.backend === 'postgres') {
    // VALID UNTIL is checked at login only: an open session outlives it.
    return (
      `PostgreSQL refuses new logins to it after ${entry.expiresAt}, but sessions already open keep working until ` +
      'the role is dropped: by `keyward janitor postgres` or the server-side sweeper.'
    );
  }
  return `It stays usable until it expires server-side at ${entry.expiresAt}.`;
}

/**
 * Revokes every live ledger entry, newest first (a Vault lease before the token that holds it), retrying each
 * with jittered backoff and then checking with the server that it no longer works. A credential that cannot be
 * revoked costs one warning, never an exception: the rest still get revoked, and its server-side expiry stands.
 */
export async function revokeAll(ledger: RevocationLedger, deps: RevokeDeps): Promise<RevokeReport[]> {
  const reports: RevokeReport[] = [];
  for (const entry of ledger.live()) {
    const label = `${entry.backend} ${entry.kind} ${entry.id}`;
    try {
      const backend = deps.backendFor(entry);
      const outcome = await withRetries(
        async () => {
          const result = await backend.revoke(entry);
          if (!(await backend.verifyRevoked(entry))) throw new Error('the server still accepts it after revocation');
          return result;
        },
        { ...(deps.retry ?? POST_RETRY), clock: deps.clock, random: deps.random },
      );
      ledger.mark(entry, outcome === 'already-gone' ? 'expired' : 'revoked');
      deps.audit.append({ operation: 'revoke', backend: entry.backend, credentialId: entry.id, result: outcome === 'revoked' ? 'ok' : 'already-gone' });
      deps.runner.info(`revoked ${label}${outcome === 'already-gone' ? ' (it was already gone or expired)' : ''}`);
      reports.push({ entry, outcome });
    } catch (error) {
      const message = errorMessage(error);
      ledger.mark(entry, 'failed', message);
      deps.audit.append({ operation: 'revoke', backend: entry.backend, credentialId: entry.id, result: 'failed', detail: message });
      deps.runner.warning(`could not revoke ${label}: ${message}. ${afterFailedRevoke(entry)}`);
      reports.push({ entry, outcome: 'failed', error: message });
    }
  }
  return reports;
}
