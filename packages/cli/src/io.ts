import { lstat, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
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
  /** This keyward by absolute paths (node and the CLI's script), for a hook that must run exactly it; absent in-process. */
  self?: { node: string; script: string };
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

/**
 * Write a report to FILE. A regular file (or a new one) is written atomically: a temp file beside it,
 * renamed over it, so a reader sees the old file or the whole new one, never half of one. Anything else
 * is written through, never replaced: a device (`/dev/null`), a FIFO, a socket, and a symlink, whatever it
 * points to (`/dev/stdout` is a symlink to `/proc/self/fd/1`; renaming over a link would replace the link,
 * and resolving it would replace a file another process holds open). The standard streams by name go
 * to the stream.
 */
export async function writeOutputFile(file: string, text: string, io: Pick<CliIo, 'stdout' | 'stderr'>): Promise<void> {
  // The standard streams by name: when one is a socket (Node's child-process pipes are), opening its
  // /proc/self/fd link fails with ENXIO, so write to the stream itself.
  const stream = standardStream(file);
  if (stream !== undefined) {
    io[stream](text);
    return;
  }
  const existing = await lstat(file).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return undefined;
    throw cannotWrite(file, error);
  });
  if (existing && !existing.isFile()) {
    if (existing.isDirectory()) throw new UsageError(`cannot write ${file}: it is a folder`);
    try {
      await writeFile(file, text);
    } catch (error) {
      throw cannotWrite(file, error);
    }
    return;
  }
  const temp = `${file}.${process.pid}.tmp`;
  try {
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(temp, text);
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => undefined); // best effort: the folder may not even exist
    throw cannotWrite(file, error);
  }
}

function standardStream(file: string): 'stdout' | 'stderr' | undefined {
  const fd = /^\/dev\/(stdout|stderr)$/.exec(file)?.[1] ?? /^\/(?:dev|proc\/self)\/fd\/([12])$/.exec(file)?.[1];
  if (fd === 'stdout' || fd === '1') return 'stdout';
  if (fd === 'stderr' || fd === '2') return 'stderr';
  return undefined;
}

function cannotWrite(file: string, error: unknown): UsageError {
  const code = (error as NodeJS.ErrnoException).code;
  // mkdir says EEXIST, open says ENOTDIR, when a file stands where a folder of the path should be
  const reason = code === 'EEXIST' || code === 'ENOTDIR' ? 'a file is in the way of its folder' : (code ?? (error as Error).message);
  return new UsageError(`cannot write ${file}: ${reason}`);
}
