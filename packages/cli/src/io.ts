import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { FetchLike } from '@keyward/engine';
// Everything the CLI touches of the outside world, injected so tests run commands in-process.
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  stdin: () => AsyncIterable<Buffer | string>;
  stdoutIsTTY: boolean;
  stderrIsTTY: boolean;
  env: Record<string, string | undefined>;
  cwd: string;
  now: () => number;
  /** The script detection workers run (the CLI's own bundle); absent in-process, e.g. in tests. */
  workerEntry?: URL;
  /** Cores to use for detection on large scans (default 1). */
  cores?: number;
  /**
   * How `--verify` reaches providers. Tests inject one that routes to local stand-ins; the shipped CLI
   * always uses the real network (with HTTPS_PROXY/NO_PROXY), and nothing in a scanned repository,
   * a config file or the environment can point it elsewhere.
   */
  verifyFetch?: FetchLike;
}

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;

/** A user mistake (bad flag, bad config, missing file): printed without a stack, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** node:util parseArgs, with its errors (unknown option, missing value) turned into usage errors. */
export function parseCommandArgs<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}
