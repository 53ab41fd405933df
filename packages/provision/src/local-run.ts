import { spawn } from 'node:child_process';
import { constants as osConstants } from 'node:os';
import type { Writable } from 'node:stream';
import type { AuditTrail } from './audit.js';
import type { CredentialBackend } from './backends/backend.js';
import { CancelledError } from './cancellation.js';
import type { BackendName } from './ledger.js';
import { provision } from './provision.js';
import { errorMessage } from './retry.js';
import { POST_RETRY, revokeAll } from './revocation.js';
import type { Clock, JobContext, ProvisionRunner } from './runner.js';
import { StreamRedactor } from './stream-redactor.js';

export interface LocalRunRequest {
  backendName: BackendName;
  backend: CredentialBackend;
  /** What the credential is scoped to (the template role), for the audit trail. */
  roles: string[];
  command: string[];
  /** The child's environment before the credential is added (keyward's own, minus admin secrets). */
  baseEnv: Record<string, string | undefined>;
  cwd?: string;
}

export interface LocalRunDeps {
  job: JobContext;
  clock: Clock;
  audit: AuditTrail;
  /** Where the child's redacted output goes (process.stdout / process.stderr). */
  stdout: Writable;
  stderr: Writable;
  /** keyward's own messages (never a value). */
  log(line: string): void;
  /** The process whose SIGINT/SIGTERM/SIGHUP are forwarded to the child; tests pass an EventEmitter. */
  signals: Pick<NodeJS.Process, 'on' | 'off'>;
}

const FORWARDED_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
type ForwardedSignal = (typeof FORWARDED_SIGNALS)[number];

const signalExitCode = (signal: NodeJS.Signals): number => 128 + (osConstants.signals[signal] ?? 0);

/** What the child is told instead of a TTY it cannot have (its output goes through the redactor's pipe). */
function colourHints(env: Record<string, string | undefined>, stdout: Writable): Record<string, string> {
  if (!(stdout as { isTTY?: boolean }).isTTY || env.NO_COLOR !== undefined || env.FORCE_COLOR !== undefined) return {};
  return { FORCE_COLOR: '1', CLICOLOR_FORCE: '1' };
}

/**
 * `keyward run`: mint through the same provision path the action uses (ledger first, every derived form
 * masked, audited), hand the fields to the child's environment only, redact the child's output in every masked
 * form, then revoke whatever way the child ends. Returns the child's exit code (128+N when a signal killed it).
 * If this process is SIGKILLed, the credential's server-side expiry and `keyward janitor` are the backstop.
 */
export async function runLocal(request: LocalRunRequest, deps: LocalRunDeps): Promise<number> {
  const forms = new Set<string>();
  const childEnv: Record<string, string | undefined> = { ...request.baseEnv };
  const state = new Map<string, string>();
  const runner: ProvisionRunner = {
    setSecret: (value) => void forms.add(value),
    exportVariable: (name, value) => void (childEnv[name] = value),
    setOutput: () => undefined,
    saveState: (name, value) => void state.set(name, value),
    getState: (name) => state.get(name) ?? '',
    appendSummary: async () => undefined,
    warning: (message) => deps.log(`warning: ${message}`),
    info: (message) => deps.log(message),
    getIDToken: () => Promise.reject(new Error('keyward run has no OIDC token')),
  };

  const abort = new AbortController();
  let received: ForwardedSignal | undefined;
  let child: ReturnType<typeof spawn> | undefined;
  // Installed before minting: a Ctrl-C during the mint aborts it, and provision revokes what already exists.
  const onSignal = (signal: ForwardedSignal): void => {
    received ??= signal;
    if (child && child.exitCode === null && child.signalCode === null) child.kill(signal);
    else if (!child) abort.abort(new CancelledError(`${signal} received`));
    else deps.log(`${signal} received; revoking the credential, please wait`);
  };
  const handlers = FORWARDED_SIGNALS.map((signal) => [signal, () => onSignal(signal)] as const);
  for (const [signal, handler] of handlers) deps.signals.on(signal, handler);

  try {
    let result;
    try {
      result = await provision(
        { backend: request.backendName, roles: request.roles, exportModes: ['env'], rename: {} },
        { runner, job: deps.job, clock: deps.clock, audit: deps.audit, backend: request.backend, signal: abort.signal },
      );
    } catch (error) {
      if (received) {
        deps.log(`${received} received while minting; nothing is left behind`);
        return signalExitCode(received);
      }
      throw error;
    }
    deps.log(`${request.backendName} credential ${result.ledger.entries.map((e) => e.id).join(', ')} minted; ` +
      `exported to the command only: ${result.exported.env.join(', ')}`);

    const exit = await runChild(request, { ...childEnv, ...colourHints(request.baseEnv, deps.stdout) }, forms, deps, (spawned) => {
      child = spawned;
      // A signal that landed between the mint and the spawn is delivered now.
      if (received) spawned.kill(received);
    });

    const reports = await revokeAll(result.ledger, { runner, audit: deps.audit, clock: deps.clock, backendFor: () => request.backend, retry: POST_RETRY });
    const failed = reports.filter((r) => r.outcome === 'failed');
    if (failed.length) deps.log(`${failed.length} credential(s) could not be revoked; see the warnings above`);
    return exit;
  } finally {
    for (const [signal, handler] of handlers) deps.signals.off(signal, handler);
  }
}

/** Spawns the child with stdin inherited and stdout/stderr piped through one redactor each. */
function runChild(
  request: LocalRunRequest,
  env: Record<string, string | undefined>,
  forms: Set<string>,
  deps: LocalRunDeps,
  onSpawn: (child: ReturnType<typeof spawn>) => void,
): Promise<number> {
  const [file, ...args] = request.command as [string, ...string[]];
  return new Promise((resolve) => {
    const child = spawn(file, args, { env, cwd: request.cwd, stdio: ['inherit', 'pipe', 'pipe'] });
    onSpawn(child);
    const pipes = [
      [child.stdout!, deps.stdout],
      [child.stderr!, deps.stderr],
    ] as const;
    let open = pipes.length;
    let status: number | undefined;
    let spawnError: Error | undefined;
    const finish = (): void => {
      if (open > 0 || status === undefined) return;
      if (spawnError) deps.log(`cannot start ${file}: ${errorMessage(spawnError)}`);
      resolve(status);
    };
    for (const [from, to] of pipes) {
      const redactor = new StreamRedactor(forms);
      from.on('data', (chunk: Buffer) => {
        const out = redactor.write(chunk);
        // Back-pressure: a slow terminal or pipe slows the child instead of filling keyward's memory.
        if (out.length && !to.write(out)) {
          from.pause();
          to.once('drain', () => from.resume());
        }
      });
      from.on('end', () => {
        const out = redactor.end();
        if (out.length) to.write(out);
        open--;
        finish();
      });
    }
    child.on('error', (error) => {
      spawnError = error;
      status = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 127 : 126;
      finish();
    });
    child.on('exit', (code, signal) => {
      status = signal ? signalExitCode(signal) : (code ?? 1);
      finish();
    });
  });
}
