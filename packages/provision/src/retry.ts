import type { Clock } from './runner.js';

/** An error that retrying cannot fix (bad credentials, a malformed request). */
export class PermanentError extends Error {
  override name = 'PermanentError';
}

export interface RetryOptions {
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  clock: Pick<Clock, 'sleep'>;
  random?: () => number;
  signal?: AbortSignal;
}

/**
 * Runs `operation` up to `attempts` times with full-jitter exponential backoff, so many jobs revoking against one
 * struggling server do not retry in lockstep. Throws the last error; only the caller decides how to report it.
 */
export async function withRetries<T>(operation: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const random = options.random ?? Math.random;
  let lastError: unknown;
  for (let attempt = 1; attempt <= options.attempts; attempt++) {
    try {
      return await operation(attempt);
    } catch (error) {
      lastError = error;
      if (error instanceof PermanentError || attempt === options.attempts || options.signal?.aborted) break;
      const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
      await options.clock.sleep(Math.floor(random() * ceiling), options.signal).catch(() => undefined);
    }
  }
  throw lastError;
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
