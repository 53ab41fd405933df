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
  // One leftover: recorded, then removed unless this is a dry run; a failure is recorded and the sweep goes on.
  const sweep = async (id: string, why: string, [verb, done]: [string, string], remove: () => Promise<unknown>): Promise<void> => {
    result.found.push(id);
    if (options.dryRun) {
      log(`would ${verb} ${id} (${why})`);
      return;
    }
    try {
      await remove();
      result.removed.push(id);
      log(`${done} ${id}`);
    } catch (error) {
      result.failed.push({ id, error: errorMessage(error) });
      log(`could not ${verb} ${id}: ${errorMessage(error)}`);
    }
  };

  if (options.backend === 'postgres') {
    const backend = new PostgresBackend({ adminUrl: options.adminUrl });
    for (const { role, validUntil } of await backend.listExpiredCiRoles(now)) {
      await sweep(role, `expired ${validUntil?.toISOString() ?? 'never'}`, ['drop', 'dropped'], () =>
        backend.revoke({ seq: 0, backend: 'postgres', kind: 'role', id: role, mintedAt: '', expiresAt: '', revocation: {}, status: 'live' }),
      );
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
    await sweep(leaseId, `issued ${issued.toISOString()}`, ['revoke', 'revoked'], () => backend.revokeLease(leaseId));
  }
  return result;
}
