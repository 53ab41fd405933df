import type { AuditTrail } from './audit.js';
import { CancelledError, cancellationReason } from './cancellation.js';
import type { CredentialBackend, CredentialField, MintContext } from './backends/backend.js';
import { type ExportMode, type ExportRecord, assertExportName, exportFields } from './export.js';
import { type BackendName, RevocationLedger } from './ledger.js';
import { registerMasks } from './masking.js';
import { type Policy, PolicyDeniedError, claimsFromIdToken, describeClaims, evaluatePolicy } from './policy.js';
import { CANCEL_RETRY, type RetryPolicy, revokeAll } from './revocation.js';
import type { Clock, JobContext, ProvisionRunner } from './runner.js';
import { StateKey } from './state-keys.js';

export interface ProvisionRequest {
  backend: BackendName;
  /** What the policy judges: template roles, Vault paths, or GitHub `permission:level` pairs. */
  roles: string[];
  exportModes: ExportMode[];
  /** Export-name overrides keyed by field name or default export name. */
  rename: Record<string, string>;
}

export interface ProvisionDeps {
  runner: ProvisionRunner;
  job: JobContext;
  clock: Clock;
  audit: AuditTrail;
  backend: CredentialBackend;
  policy?: Policy;
  /** The job's OIDC token, fetched once and masked (see `oidcTokenSource`). */
  idToken?: () => Promise<string>;
  /** Aborted on SIGINT/SIGTERM. */
  signal: AbortSignal;
  retry?: RetryPolicy;
  random?: () => number;
}

export interface ProvisionResult {
  ledger: RevocationLedger;
  exported: ExportRecord;
  fields: number;
}

export { CancelledError } from './cancellation.js';

/** Fetches the OIDC token once and masks it before anyone can print it: it is a bearer credential too. */
export function oidcTokenSource(runner: ProvisionRunner, audience: string | undefined): () => Promise<string> {
  let pending: Promise<string> | undefined;
  return () => {
    pending ??= runner.getIDToken(audience).then((token) => {
      registerMasks(runner, token, 'the job OIDC token');
      return token;
    });
    return pending;
  };
}

/**
 * main: policy -> mint (ledger first) -> mask -> export -> audit. If anything fails or the job is cancelled
 * after the first credential exists, everything in the ledger is revoked before the error propagates.
 */
export async function provision(request: ProvisionRequest, deps: ProvisionDeps): Promise<ProvisionResult> {
  const { runner, audit, backend, clock } = deps;
  runner.saveState(StateKey.MainStarted, 'true');

  if (deps.policy) {
    if (!deps.idToken) throw new Error('the policy needs the job OIDC claims; grant the job `permissions: id-token: write`');
    const claims = claimsFromIdToken(await deps.idToken());
    const decision = evaluatePolicy(deps.policy, request.backend, request.roles, claims);
    if (!decision.allowed) {
      audit.append({ operation: 'deny', backend: request.backend, credentialId: request.roles.join(',') || '*', result: 'denied', detail: decision.reason });
      throw new PolicyDeniedError(decision.reason);
    }
    runner.info(`policy ${deps.policy.source} allows ${request.backend} [${request.roles.join(', ')}] for ${describeClaims(claims)}`);
  }
  // Fail on bad names before minting anything.
  for (const name of Object.values(request.rename)) assertExportName(name);

  const ledger = RevocationLedger.empty(runner);
  const masked = new Set<string>();
  const mask = (value: string, what: string, credentialId: string): void => {
    if (masked.has(value)) return;
    const forms = registerMasks(runner, value, what);
    masked.add(value);
    audit.append({ operation: 'mask', backend: request.backend, credentialId, result: 'ok', detail: `${what}: ${forms} forms` });
  };
  const context: MintContext = {
    record: (entry) => {
      const saved = ledger.add(entry, clock.now());
      audit.append({ operation: 'mint', backend: saved.backend, credentialId: saved.id, result: 'ok', detail: `${saved.kind}, expires ${saved.expiresAt}` });
    },
    // Attributed to the newest ledger entry: backends mask a credential right after recording it.
    protect: (value, what) => mask(value, what, ledger.entries.at(-1)?.id ?? '-'),
    signal: deps.signal,
    now: () => clock.now(),
  };

  try {
    const fields: CredentialField[] = await backend.mint(context);
    if (deps.signal.aborted) throw new CancelledError();
    for (const field of fields) {
      if (field.secret) mask(field.value, `${request.backend} ${field.field}`, field.credentialId ?? '-');
    }
    const exported = exportFields(fields, request.exportModes, request.rename, runner, deps.job.runnerTemp);
    // actions/create-github-app-token's name for it: with `export: output`, a github-app token is also the
    // plain `token` output workflows moving over expect. Outputs stay opt-in: they can travel to other jobs.
    const appToken = request.backend === 'github-app' && request.exportModes.includes('output') ? fields.find((f) => f.field === 'token') : undefined;
    if (appToken && !exported.outputs.includes('token')) {
      exported.outputs.push('token');
      runner.saveState(StateKey.Exports, JSON.stringify(exported));
      runner.setOutput('token', appToken.value);
    }
    audit.append({
      operation: 'export',
      backend: request.backend,
      credentialId: [...new Set(fields.map((f) => f.credentialId).filter(Boolean))].join(',') || '-',
      result: 'ok',
      detail: describeExport(exported),
    });
    runner.setOutput('credential-ids', ledger.entries.map((e) => e.id).join('\n'));
    runner.setOutput('audit-head', audit.head());
    return { ledger, exported, fields: fields.length };
  } catch (error) {
    if (ledger.entries.length > 0) {
      const cancelled = deps.signal.aborted;
      runner.warning(
        `${cancelled ? 'cancelled' : 'failed'} after minting ${ledger.entries.length} credential(s); revoking them now`,
      );
      await revokeAll(ledger, {
        runner,
        audit,
        clock,
        backendFor: () => backend,
        retry: cancelled ? CANCEL_RETRY : deps.retry,
        random: deps.random,
      });
      if (cancelled) throw new CancelledError();
    }
    // Cancelled before anything existed: say so, not whatever the interrupted call happened to fail with.
    if (deps.signal.aborted && !(error instanceof CancelledError)) {
      throw new CancelledError(`cancelled (${cancellationReason(deps.signal)}) before any credential was minted`);
    }
    throw error;
  }
}

function describeExport(record: ExportRecord): string {
  const parts: string[] = [];
  if (record.env.length) parts.push(`env: ${record.env.join(', ')}`);
  if (record.files.length) parts.push(`files: ${record.files.length}`);
  if (record.outputs.length) parts.push(`outputs: ${record.outputs.join(', ')}`);
  return parts.join('; ') || 'nothing';
}
