import type { BackendName, LedgerEntry, NewLedgerEntry } from '../ledger.js';

/**
 * One value a backend hands out. `secret` values are masked (with their derived forms) before any export;
 * non-secret ones (a role name) are not, so ids stay readable in the summary and the audit trail.
 */
export interface CredentialField {
  /** Field name as the backend knows it: `username`, `password`, `token`, or a Vault data key. */
  field: string;
  /** Variable / output name it is exported under, unless the user renames it. */
  exportName: string;
  value: string;
  secret: boolean;
  /** Ledger id of the credential this value belongs to (for audit records). */
  credentialId?: string;
}

export interface MintContext {
  /**
   * Writes a ledger entry to action state. A backend calls this as soon as a revocable thing exists (or, when it
   * chooses the id itself, just before creating it), and before returning any value.
   */
  record(entry: NewLedgerEntry): void;
  /** Masks a secret the backend holds (a login token) that is not itself exported. */
  protect(value: string, what: string): void;
  /** Aborted on SIGINT/SIGTERM: stop waiting and let the caller revoke what the ledger holds. */
  signal: AbortSignal;
  now(): Date;
}

export type RevokeOutcome = 'revoked' | 'already-gone';

/**
 * A credential source. To add one (AWS STS, Azure, GCP):
 * - `mint` creates a credential that expires server-side on its own (the backstop for lost runners), calls
 *   `ctx.record` with a non-secret id and whatever `revoke` will need, and returns the fields to export.
 * - `revoke` must be idempotent: revoking something already gone or already expired returns 'already-gone',
 *   not an error. Throw `PermanentError` for failures retrying cannot fix; anything else is retried.
 * - `verifyRevoked` asks the server whether the credential is really unusable now; false means it still works.
 * `revoke` and `verifyRevoked` get only the ledger entry (plus the backend's own configuration), because post
 * runs in a new process that has nothing else.
 */
export interface CredentialBackend {
  readonly name: BackendName;
  mint(ctx: MintContext): Promise<CredentialField[]>;
  revoke(entry: LedgerEntry): Promise<RevokeOutcome>;
  verifyRevoked(entry: LedgerEntry): Promise<boolean>;
  /**
   * Optional: bring the server-side expiry forward to `until` (used by keep-on-failure so a credential left for
   * debugging dies on time even if the runner is lost). Returns false when the backend cannot shorten it.
   */
  shortenExpiry?(entry: LedgerEntry, until: Date): Promise<boolean>;
}
