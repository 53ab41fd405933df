import { StateKey } from './state-keys.js';
import type { ProvisionRunner } from './runner.js';

export type BackendName = 'postgres' | 'github-app' | 'vault';

export type EntryStatus = 'live' | 'revoked' | 'expired' | 'failed';

/** One minted credential, as remembered between main and post. Holds identifiers, never exported values. */
export interface LedgerEntry {
  /** Mint order; post revokes highest first. */
  seq: number;
  backend: BackendName;
  /** What the id names: `role`, `installation-token`, `vault-token`, `lease`. */
  kind: string;
  /** Non-secret identifier shown in the audit trail and the job summary (role name, token hash, lease id). */
  id: string;
  mintedAt: string;
  /** Server-side expiry: the backstop when post never runs. */
  expiresAt: string;
  /**
   * What revoke needs beyond the id. Some backends can only be revoked with the credential itself (GitHub's
   * DELETE /installation/token, Vault's revoke-self), so this may hold a masked secret; action state lives in
   * a runner-private file and is never printed.
   */
  revocation: Record<string, string>;
  status: EntryStatus;
  /** Why the last revoke attempt failed, when it did. */
  error?: string;
}

export type NewLedgerEntry = Omit<LedgerEntry, 'seq' | 'status' | 'mintedAt'> & { mintedAt?: string };

/**
 * The revocation ledger: every credential is written here (to action state) before it is used or exported,
 * so that post, or main's own failure and signal handlers, can revoke everything that came to exist.
 */
export class RevocationLedger {
  private readonly items: LedgerEntry[];

  private constructor(
    private readonly runner: Pick<ProvisionRunner, 'saveState'>,
    entries: LedgerEntry[],
  ) {
    this.items = entries;
  }

  static empty(runner: Pick<ProvisionRunner, 'saveState'>): RevocationLedger {
    return new RevocationLedger(runner, []);
  }

  static load(runner: Pick<ProvisionRunner, 'saveState' | 'getState'>): RevocationLedger {
    const raw = runner.getState(StateKey.Ledger);
    if (!raw) return new RevocationLedger(runner, []);
    const parsed: unknown = JSON.parse(raw);
    if (!Array.isArray(parsed)) throw new Error('the saved revocation ledger is not a list');
    return new RevocationLedger(runner, parsed as LedgerEntry[]);
  }

  get entries(): readonly LedgerEntry[] {
    return this.items;
  }

  /** Entries still to revoke, newest first. */
  live(): LedgerEntry[] {
    return this.items.filter((e) => e.status === 'live' || e.status === 'failed').sort((a, b) => b.seq - a.seq);
  }

  add(entry: NewLedgerEntry, now: Date): LedgerEntry {
    const full: LedgerEntry = {
      ...entry,
      mintedAt: entry.mintedAt ?? now.toISOString(),
      seq: this.items.length + 1,
      status: 'live',
    };
    this.items.push(full);
    this.save();
    return full;
  }

  mark(entry: LedgerEntry, status: EntryStatus, error?: string): void {
    entry.status = status;
    if (error) entry.error = error;
    else delete entry.error;
    this.save();
  }

  private save(): void {
    this.runner.saveState(StateKey.Ledger, JSON.stringify(this.items));
  }
}
