/**
 * The few runner effects provisioning needs. The action passes an adapter over `@actions/core`; tests pass a
 * recorder. Keeping this interface small is what lets this package stay free of `@actions/*`.
 */
export interface ProvisionRunner {
  /** Registers a value with the runner's log masker (`::add-mask::`). */
  setSecret(value: string): void;
  /** Hands a variable to later steps (GITHUB_ENV). */
  exportVariable(name: string, value: string): void;
  /** Sets a step output (GITHUB_OUTPUT). */
  setOutput(name: string, value: string): void;
  /** Saves action state for the post step (GITHUB_STATE); the last value saved under a name wins. */
  saveState(name: string, value: string): void;
  /** Reads state saved by main (STATE_<name>); '' when absent. */
  getState(name: string): string;
  /** Appends Markdown to the job summary. */
  appendSummary(markdown: string): Promise<void>;
  warning(message: string): void;
  info(message: string): void;
  /** Requests the job's OIDC token from the runner (needs `permissions: id-token: write`). */
  getIDToken(audience?: string): Promise<string>;
}

/** Who and where: the identifying facts an audit record carries. Read from GITHUB_* by the action. */
export interface JobContext {
  repository: string;
  runId: string;
  runAttempt: string;
  job: string;
  actor: string;
  /** RUNNER_TEMP: where credential files and the default audit trail go. */
  runnerTemp: string;
  /** RUNNER_NAME: used to find this job among the run's jobs when asking whether it failed. */
  runnerName: string;
}

/** Time and randomness, injected so retries and expiries are testable without waiting. */
export interface Clock {
  now(): Date;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => new Date(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason ?? new Error('aborted'));
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(signal?.reason ?? new Error('aborted'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};
