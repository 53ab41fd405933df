// Runs git plumbing in a child process with plain spawn: no shell, output streamed as bytes. The
// environment is a parameter (the engine never reads process.env), so a hook's GIT_DIR/GIT_INDEX_FILE
// reach git when the caller passes them on.
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';

export interface GitRunnerOptions {
  /** Directory git runs in: the repository or any folder inside it. */
  cwd: string;
  /** Environment for git; absent: the parent's. */
  env?: Record<string, string | undefined>;
  /** The git executable; default `git` on PATH. */
  gitBinary?: string;
}

export class GitError extends Error {
  override name = 'GitError';
  constructor(
    message: string,
    readonly args: readonly string[] = [],
    readonly stderr = '',
  ) {
    super(message);
  }
}

/** A commit the scan needs is not in the clone; `fetchCommand` says what to run to get it. */
export class GitMissingCommitError extends GitError {
  override name = 'GitMissingCommitError';
  constructor(
    message: string,
    readonly revision: string,
    readonly fetchCommand: string,
  ) {
    super(message);
  }
}

// Settings that would change plumbing output in ways the parsers do not expect.
const FIXED_CONFIG = ['-c', 'core.quotePath=false', '-c', 'diff.noprefix=false', '-c', 'diff.mnemonicPrefix=false', '-c', 'color.ui=false'];

export type GitProcess = ChildProcessByStdio<Writable, Readable, Readable>;

export class GitRunner {
  readonly cwd: string;
  private readonly env: Record<string, string | undefined> | undefined;
  private readonly binary: string;

  constructor(options: GitRunnerOptions) {
    this.cwd = options.cwd;
    this.env = options.env;
    this.binary = options.gitBinary ?? 'git';
  }

  /** Start git with piped stdio; the caller reads stdout and must call `finished`. */
  spawn(args: readonly string[]): GitProcess {
    const child = spawn(this.binary, [...FIXED_CONFIG, ...args], {
      cwd: this.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
      windowsHide: true,
      ...(this.env ? { env: this.env as NodeJS.ProcessEnv } : {}),
    });
    // EPIPE when git exits without reading all its input: the exit status tells the real story.
    child.stdin.on('error', () => undefined);
    return child;
  }

  /** Collects stderr (capped) and resolves when the process exits; rejects with GitError on failure. */
  finished(child: GitProcess, args: readonly string[]): Promise<void> {
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      if (stderr.length < 16_384) stderr += chunk;
    });
    return new Promise((resolve, reject) => {
      child.once('error', (error: NodeJS.ErrnoException) => {
        reject(new GitError(error.code === 'ENOENT' ? `git is not installed or not on PATH (${this.binary})` : `cannot run git: ${error.message}`, args));
      });
      child.once('close', (code, signal) => {
        if (code === 0) resolve();
        else reject(new GitError(`git ${args.join(' ')} failed${signal ? ` (${signal})` : ''}: ${stderr.trim() || `exit ${code}`}`, args, stderr));
      });
    });
  }

  /** Run to completion and return stdout as text. */
  async run(args: readonly string[], input?: string): Promise<string> {
    const child = this.spawn(args);
    const done = this.finished(child, args);
    const chunks: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    if (input === undefined) child.stdin.end();
    else child.stdin.end(input);
    await done;
    return Buffer.concat(chunks).toString('utf8');
  }

  /** Like run, but a failing exit yields undefined instead of throwing (for probes such as rev-parse --verify). */
  async probe(args: readonly string[]): Promise<string | undefined> {
    try {
      return await this.run(args);
    } catch (error) {
      if (error instanceof GitError && /failed/.test(error.message) && !/not installed/.test(error.message)) return undefined;
      throw error;
    }
  }
}

/** Stop a child we no longer need and wait for it, so no git process outlives a scan. */
export async function stopGit(child: GitProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  child.stdin.destroy();
  child.stdout.destroy();
  child.kill('SIGTERM');
  await closed;
}

/**
 * Reader over a byte stream: whole lines and exact byte counts, without concatenating more than one
 * object's bytes. It drains the stream into its own queue (up to `maxBuffered` bytes, then pauses
 * it), so git can run ahead of detection by megabytes instead of by one 64 KB pipe.
 */
export class ByteReader {
  private readonly queue: Buffer[] = [];
  private queued = 0;
  private streamEnded = false;
  private failure: Error | undefined;
  private wake: (() => void) | undefined;
  private chunk: Buffer = Buffer.alloc(0);
  private offset = 0;
  private ended = false;

  constructor(
    private readonly stream: Readable,
    private readonly maxBuffered = 8 * 1024 * 1024,
  ) {
    stream.on('data', (data: Buffer) => {
      this.queue.push(data);
      this.queued += data.length;
      if (this.queued > this.maxBuffered) stream.pause();
      this.notify();
    });
    stream.once('end', () => {
      this.streamEnded = true;
      this.notify();
    });
    stream.once('close', () => {
      this.streamEnded = true;
      this.notify();
    });
    stream.once('error', (error: Error) => {
      this.failure = error;
      this.notify();
    });
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  private readonly iterator = {
    next: async (): Promise<{ done: true; value?: undefined } | { done: false; value: Buffer }> => {
      for (;;) {
        const value = this.queue.shift();
        if (value) {
          this.queued -= value.length;
          if (this.stream.isPaused() && this.queued <= this.maxBuffered / 2) this.stream.resume();
          return { done: false, value };
        }
        if (this.failure) throw this.failure;
        if (this.streamEnded) return { done: true };
        await new Promise<void>((resolve) => {
          this.wake = resolve;
        });
      }
    },
  };

  /** The bytes up to (not including) `delimiter`, or undefined at the end of the stream. */
  async readUntil(delimiter: number): Promise<Buffer | undefined> {
    const at = this.chunk.indexOf(delimiter, this.offset);
    if (at >= 0) {
      const out = this.chunk.subarray(this.offset, at);
      this.offset = at + 1;
      return out;
    }
    // A long line spans chunks: collect the parts and join once.
    const parts: Buffer[] = [];
    if (this.offset < this.chunk.length) parts.push(this.chunk.subarray(this.offset));
    for (;;) {
      const next = this.ended ? undefined : await this.iterator.next();
      if (!next || next.done) {
        this.ended = true;
        this.chunk = Buffer.alloc(0);
        this.offset = 0;
        return parts.length > 0 ? Buffer.concat(parts) : undefined;
      }
      const value = next.value;
      const end = value.indexOf(delimiter);
      if (end >= 0) {
        parts.push(value.subarray(0, end));
        this.chunk = value;
        this.offset = end + 1;
        return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
      }
      parts.push(value);
    }
  }

  /** Exactly `length` bytes; `keep: false` skips them without copying. */
  async read(length: number, keep = true): Promise<Buffer> {
    const available = this.chunk.length - this.offset;
    if (available >= length) {
      const out = this.chunk.subarray(this.offset, this.offset + length);
      this.offset += length;
      return out;
    }
    const parts: Buffer[] = [];
    let missing = length;
    if (available > 0) {
      if (keep) parts.push(this.chunk.subarray(this.offset));
      missing -= available;
    }
    this.chunk = Buffer.alloc(0);
    this.offset = 0;
    while (missing > 0) {
      const next = await this.iterator.next();
      if (next.done) {
        this.ended = true;
        throw new GitError(`git output ended ${missing} bytes early`);
      }
      const value = next.value;
      if (value.length <= missing) {
        if (keep) parts.push(value);
        missing -= value.length;
      } else {
        if (keep) parts.push(value.subarray(0, missing));
        this.chunk = value;
        this.offset = missing;
        missing = 0;
      }
    }
    return keep ? Buffer.concat(parts, length) : Buffer.alloc(0);
  }
}

/** Split a --log-opts string into arguments: whitespace separates, single or double quotes group. */
export function splitArguments(text: string): string[] {
  const out: string[] = [];
  let current = '';
  let quote: string | undefined;
  let started = false;
  for (const ch of text) {
    if (quote) {
      if (ch === quote) quote = undefined;
      else current += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      started = true;
    } else if (/\s/.test(ch)) {
      if (started) out.push(current);
      current = '';
      started = false;
    } else {
      current += ch;
      started = true;
    }
  }
  // The text itself is not quoted back: it may hold anything the user typed.
  if (quote) throw new GitError(`--log-opts: unbalanced ${quote} quote`);
  if (started) out.push(current);
  return out;
}
