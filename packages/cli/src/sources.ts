// Turns the chosen source into the engine's stream of fragments and skip reports.
import { bytesAsEvents, scanDirectory, scanGitDiff, scanGitHistory, scanGitStaged, GitError, type SourceEvent } from '@keyward/engine';
import type { CliIo } from './io.js';
import { UsageError } from './io.js';
import { spawnSync } from 'node:child_process';
import { existsSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';

export type SourceSettings =
  | { kind: 'directory'; root: string }
  | { kind: 'stdin' }
  | { kind: 'history'; root: string; logOpts?: string; since?: string }
  | { kind: 'diff'; root: string; base: string; head: string; mergeBase?: boolean }
  | { kind: 'staged'; root: string };

export interface SourceContext {
  io: CliIo;
  maxFileSize: number;
  respectGitignore: boolean;
  skipPath: (path: string) => boolean;
  /** The directory's place in the git work tree holding it (repositoryPlace), when it is in one. */
  repository?: RepositoryPlace;
  /** Look inside archives in directory scans, within these bounds; undefined: do not. */
  archives?: { maxDepth: number; maxBytes: number } | undefined;
}

async function* readStdin(io: CliIo): AsyncGenerator<SourceEvent> {
  const chunks: Buffer[] = [];
  for await (const chunk of io.stdin()) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  // Large input is scanned in chunks: one string of it could pass V8's limit on string length.
  yield* bytesAsEvents(Buffer.concat(chunks), '(stdin)');
}

export async function sourceFor(source: SourceSettings, context: SourceContext): Promise<AsyncIterable<SourceEvent>> {
  switch (source.kind) {
    case 'stdin':
      return readStdin(context.io);
    case 'directory': {
      if (!existsSync(source.root)) throw new UsageError(`no such file or directory: ${source.root}`);
      // Inside a git work tree, paths are relative to its top whichever folder was scanned, so that
      // fingerprints, allowlists, baselines and SARIF agree between `scan repo` and `scan repo/src`.
      const prefix = context.repository?.prefix ?? '';
      const events = scanDirectory(source.root, {
        maxFileSize: context.maxFileSize,
        respectGitignore: context.respectGitignore,
        skipPath: prefix ? (p) => context.skipPath(`${prefix}/${p}`) : context.skipPath,
        ...(context.archives ? { archives: context.archives } : {}),
      });
      return prefix ? withPrefix(events, prefix) : events;
    }
    case 'history':
    case 'diff':
    case 'staged':
      return gitSource(source, context);
  }
}

export interface RepositoryPlace {
  /** The work tree's top folder. */
  top: string;
  /** The scanned folder's path below it (POSIX), '' at the top. */
  prefix: string;
}

/**
 * Where the scanned folder (for a single file, the folder holding it: the engine names the file by its
 * base name) stands in the git work tree holding it; undefined outside any work tree.
 */
export function repositoryPlace(root: string): RepositoryPlace | undefined {
  const dir = statSync(root).isDirectory() ? root : path.dirname(root);
  const top = spawnSync('git', ['rev-parse', '--show-toplevel'], { cwd: dir, encoding: 'utf8' });
  if (top.status !== 0 || !top.stdout.trim()) return undefined;
  const topDir = realpathSync(top.stdout.trim());
  const relative = path.relative(topDir, realpathSync(dir));
  if (relative.startsWith('..') || path.isAbsolute(relative)) return undefined;
  return { top: topDir, prefix: relative.split(path.sep).join('/') };
}

/** Every path an event names, prefixed with the folder's place in the repository. */
async function* withPrefix(events: AsyncIterable<SourceEvent>, prefix: string): AsyncGenerator<SourceEvent> {
  for await (const event of events) {
    if (event.kind === 'fragment') yield { ...event, fragment: { ...event.fragment, path: `${prefix}/${event.fragment.path}` } };
    else if (event.kind === 'skipped') {
      yield { ...event, skipped: { ...event.skipped, path: `${prefix}/${event.skipped.path}` }, ...(event.path ? { path: `${prefix}/${event.path}` } : {}) };
    } else yield event;
  }
}

/** A directory that exists, for git to run in. */
function gitCwd(root: string): string {
  if (!existsSync(root)) throw new UsageError(`no such directory: ${root}`);
  if (!statSync(root).isDirectory()) throw new UsageError(`not a directory: ${root} (git sources take the repository's folder)`);
  return root;
}

/** Git failures the user can act on (not a repository, a missing commit, a bad --log-opts) become usage errors. */
async function* asUsageErrors(events: AsyncIterable<SourceEvent>): AsyncGenerator<SourceEvent> {
  try {
    yield* events;
  } catch (error) {
    if (error instanceof GitError) throw new UsageError(error.message);
    throw error;
  }
}

function gitSource(source: Extract<SourceSettings, { kind: 'history' | 'diff' | 'staged' }>, context: SourceContext): AsyncIterable<SourceEvent> {
  const common = { cwd: gitCwd(source.root), env: context.io.env, maxFileSize: context.maxFileSize, skipPath: context.skipPath };
  switch (source.kind) {
    case 'history':
      return asUsageErrors(
        scanGitHistory({ ...common, ...(source.logOpts ? { logOpts: source.logOpts } : {}), ...(source.since ? { since: source.since } : {}) }),
      );
    case 'diff':
      return asUsageErrors(scanGitDiff({ ...common, base: source.base, head: source.head, ...(source.mergeBase ? { mergeBase: true } : {}) }));
    case 'staged':
      return asUsageErrors(scanGitStaged(common));
  }
}
