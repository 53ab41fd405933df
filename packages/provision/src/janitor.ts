import { PostgresBackend } from './backends/postgres.js';
import { VaultBackend } from './backends/vault.js';
import type { FetchLike } from './http.js';
import { errorMessage } from './retry.js';

export type JanitorOptions =
  | { backend: 'postgres'; adminUrl: string; dryRun?: boolean }
  | {
      backend: 'vault';
      addr: string;
      token: string;
      namespace?: string;
      /** Lease path prefix, e.g. `database/creds/ci-readonly/`. */
      prefix: string;
      /** Leases issued longer ago than this are leftovers (default: 6 h, GitHub's job time limit). */
      minAgeMs?: number;
      dryRun?: boolean;
    };

export interface JanitorDeps {
  now?: () => Date;
  fetch?: FetchLike;
  log?: (line: string) => void;
}

export interface JanitorResult {
  /** Leftovers found (role names or lease ids). */
  found: string[];
  removed: string[];
  failed: Array<{ id: string; error: string }>;
}

export const DEFAULT_LEASE_MIN_AGE_MS = 6 * 3_600_000;

/**
 * Removes what lost runners left behind: expired `ci_` roles, or leases under a prefix older than any job can
 * run. For a scheduled workflow; the server-side expiry already stopped these from logging in or being used,
 * this removes the objects themselves.
 */
export async function runJanitor(options: JanitorOptions, deps: JanitorDeps = {}): Promise<JanitorResult> {
  const now = deps.now?.() ?? new Date();
  const log = deps.log ?? (() => undefined);
  const result: JanitorResult = { found: [], removed: [], failed: [] };

  if (options.backend === 'postgres') {
    const backend = new PostgresBackend({ adminUrl: options.adminUrl });
    for (const { role, validUntil } of await backend.listExpiredCiRoles(now)) {
      result.found.push(role);
      if (options.dryRun) {
        log(`would drop ${role} (expired ${validUntil?.toISOString() ?? 'never'})`);
        continue;
      }
      try {
        await backend.revoke({ seq: 0, backend: 'postgres', kind: 'role', id: role, mintedAt: '', expiresAt: '', revocation: {}, status: 'live' });
        result.removed.push(role);
        log(`dropped ${role}`);
      } catch (error) {
        result.failed.push({ id: role, error: errorMessage(error) });
        log(`could not drop ${role}: ${errorMessage(error)}`);
      }
    }
    return result;
  }

  const backend = new VaultBackend({
    addr: options.addr,
    token: options.token,
    namespace: options.namespace,
    method: 'token',
    fetch: deps.fetch,
  });
  const cutoff = now.getTime() - (options.minAgeMs ?? DEFAULT_LEASE_MIN_AGE_MS);
  for (const leaseId of await backend.listLeases(options.prefix)) {
    const issued = await backend.leaseIssueTime(leaseId);
    if (!issued || issued.getTime() > cutoff) continue;
    result.found.push(leaseId);
    if (options.dryRun) {
      log(`would revoke ${leaseId} (issued ${issued.toISOString()})`);
      continue;
    }
    try {
      await backend.revokeLease(leaseId);
      result.removed.push(leaseId);
      log(`revoked ${leaseId}`);
    } catch (error) {
      result.failed.push({ id: leaseId, error: errorMessage(error) });
      log(`could not revoke ${leaseId}: ${errorMessage(error)}`);
    }
  }
  return result;
}
