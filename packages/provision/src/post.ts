import { rmSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { AuditTrail } from './audit.js';
import type { CredentialBackend } from './backends/backend.js';
import { formatDuration } from './duration.js';
import { loadExportRecord } from './export.js';
import { type LedgerEntry, RevocationLedger } from './ledger.js';
import { type RetryPolicy, type RevokeReport, revokeAll } from './revocation.js';
import { errorMessage } from './retry.js';
import type { Clock, ProvisionRunner } from './runner.js';
import { renderSummary } from './summary.js';

export interface PostDeps {
  runner: ProvisionRunner;
  clock: Clock;
  audit: AuditTrail;
  backendFor(entry: LedgerEntry): CredentialBackend;
  /** keep-on-failure: how long a failed job's credentials may outlive it, for debugging. */
  keepOnFailureMs?: number;
  /** Whether the job failed; undefined when that cannot be told. */
  jobFailed?: () => Promise<boolean | undefined>;
  /** Aborted on SIGINT/SIGTERM: cuts a keep-on-failure wait short. */
  signal?: AbortSignal;
  retry?: RetryPolicy;
  random?: () => number;
}

export interface PostReport {
  revoked: RevokeReport[];
  keptUntil?: string;
  scrubbedVariables: string[];
  deletedFiles: string[];
}

/** post (always): [keep-on-failure wait] -> revoke newest first -> scrub env and files -> audit -> summary. */
export async function postStep(deps: PostDeps): Promise<PostReport> {
  const { runner, audit, clock } = deps;
  const ledger = RevocationLedger.load(runner);
  let keptUntil: string | undefined;

  if (deps.keepOnFailureMs && ledger.live().length > 0) {
    keptUntil = await keepForDebugging(ledger, deps, deps.keepOnFailureMs);
  }

  const revoked = await revokeAll(ledger, {
    runner,
    audit,
    clock,
    backendFor: deps.backendFor,
    retry: deps.retry,
    random: deps.random,
  });

  const exports = loadExportRecord(runner);
  // Blanking only reaches the steps after this one (later post steps), which is exactly who is left.
  for (const name of new Set(exports.env)) runner.exportVariable(name, '');
  const deletedFiles: string[] = [];
  for (const file of exports.files) {
    try {
      // Main made a private keyward-* directory per file; remove it whole.
      rmSync(basename(dirname(file)).startsWith('keyward-') ? dirname(file) : file, { recursive: true, force: true });
      deletedFiles.push(file);
    } catch (error) {
      runner.warning(`could not delete ${file}: ${errorMessage(error)}`);
    }
  }
  if (exports.env.length || exports.files.length) {
    audit.append({
      operation: 'scrub',
      backend: ledger.entries[0]?.backend ?? '-',
      credentialId: '-',
      result: 'ok',
      detail: `blanked ${exports.env.length} variable(s), deleted ${deletedFiles.length} file(s)`,
    });
  }

  const note = keptUntil ? `The job failed: credentials were kept for debugging until ${keptUntil}, then revoked.` : undefined;
  const head = audit.head();
  await runner.appendSummary(renderSummary(ledger.entries, audit.path, head, note));
  // Post cannot set outputs: the head after its own records goes to the log and the summary.
  runner.info(`audit trail head after post: ${head} (keyward audit verify FILE --head ${head})`);
  return { revoked, keptUntil, scrubbedVariables: [...new Set(exports.env)], deletedFiles };
}

async function keepForDebugging(ledger: RevocationLedger, deps: PostDeps, keepMs: number): Promise<string | undefined> {
  const { runner, audit, clock } = deps;
  let failed: boolean | undefined;
  try {
    failed = await deps.jobFailed?.();
  } catch (error) {
    failed = undefined;
    runner.warning(`could not tell whether the job failed (${errorMessage(error)}); revoking now`);
  }
  if (failed === undefined) {
    runner.warning('keep-on-failure: could not tell whether the job failed; revoking now');
    return undefined;
  }
  if (!failed) return undefined;

  const now = clock.now();
  const until = new Date(now.getTime() + keepMs);
  for (const entry of ledger.live()) {
    // Bring the server-side expiry forward too, so a lost runner cannot stretch the debugging window.
    const shortened = await deps
      .backendFor(entry)
      .shortenExpiry?.(entry, until)
      .catch(() => false);
    audit.append({
      operation: 'keep',
      backend: entry.backend,
      credentialId: entry.id,
      result: 'kept',
      detail: `job failed; kept until ${until.toISOString()}${shortened ? ' (server-side expiry moved forward)' : ''}`,
    });
  }
  runner.info(`the job failed: keeping ${ledger.live().length} credential(s) for debugging for ${formatDuration(keepMs)}, until ${until.toISOString()}`);
  await clock.sleep(keepMs, deps.signal).catch(() => runner.info('keep-on-failure wait cut short; revoking now'));
  return until.toISOString();
}
