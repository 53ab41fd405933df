// The git history source: every blob ever committed, each read once however many commits hold it,
// and attributed to the commit, author, date and path that first introduced it.
//
// Two git processes, both streamed:
//   git log --reverse --date-order --raw -m --root   parents before children, so the first commit that
//                                                    lists a blob as new is the one that introduced it;
//                                                    -m lists what a merge's conflict resolution added
//   git cat-file --batch                             reads the new blobs, a window of requests ahead
// Memory holds the set of blob ids already read (compact, see git-object-set.ts) and one window of
// pending blobs; never the history. Deleted files are covered because their blobs were added once;
// a rename lists the same blob again, so it is not read twice. Each commit's whole message, and each
// author identity once, are scanned too (metadata events): they are printed with findings.
import { COMMIT_AUTHOR_PATH, COMMIT_MESSAGE_PATH, type CommitInfo, type SkippedFile } from '../types.js';
import type { SourceEvent } from './directory.js';
import { ObjectIdSet } from './git-object-set.js';
import { parseLogOptions, logSelectionArgs } from './git-log-options.js';
import { ByteReader, GitError, GitRunner, stopGit, type GitRunnerOptions } from './git-runner.js';
import { decodeText, looksBinary } from './text.js';

export interface GitHistoryOptions extends GitRunnerOptions {
  /** Files larger than this many bytes are skipped and reported. */
  maxFileSize: number;
  /** Extra `git log` arguments (revisions, ranges, --since, paths); default: every ref (`--all`). */
  logOpts?: string;
  /**
   * Revisions chosen by a program, not a person (e.g. `[head, '^base']`): passed as they are after
   * --end-of-options, in place of --log-opts' revisions and the default of every ref.
   */
  revisions?: readonly string[];
  /** Only commits after this date (`git log --since`). */
  since?: string;
  /** Paths the caller wants skipped without reading, e.g. allowlisted globs. */
  skipPath?: (relativePath: string) => boolean;
  /** Blob requests kept in flight to cat-file; bounds memory and keeps git busy while detection runs. */
  window?: number;
}

interface PendingBlob {
  id: string;
  path: string;
  commit: CommitInfo;
}

const HEADER = 0x01;
const COMMIT_FIELDS = 6; // sha, author, email, date, subject, whole message
const LOG_FORMAT = '%x01%H%x00%an%x00%ae%x00%aI%x00%s%x00%B';

/** A commit as the log first names it: its whole message is scanned once, then dropped. */
interface CommitHeader {
  commit: CommitInfo;
  body: string;
}

/** Arguments for the history walk; exported for the error messages and tests. Throws LogOptionError for a refused option. */
export function historyLogArgs(options: Pick<GitHistoryOptions, 'logOpts' | 'since' | 'revisions'>): string[] {
  const selection = parseLogOptions(options.logOpts ?? '');
  if (options.revisions && options.revisions.length > 0) {
    selection.revisions = [...options.revisions];
    selection.choosesRefs = true;
  }
  return [
    'log',
    '--reverse',
    '--date-order',
    '--root',
    '-m',
    '--raw',
    '--no-abbrev',
    '--no-renames',
    '--no-ext-diff',
    '--no-textconv',
    '-z',
    `--format=${LOG_FORMAT}`,
    ...(options.since ? [`--since=${options.since}`] : []),
    // Without a revision of the user's own, walk every ref.
    ...logSelectionArgs(selection, ['--all']),
  ];
}

/**
 * Parses `git log -z --raw` output into (blob, path, commit) entries: tokens are NUL-separated; a
 * token starting with \x01 opens a commit (five fields), a token starting with ':' is a raw diff
 * line whose path is the next token.
 */
async function* changedBlobs(reader: ByteReader): AsyncGenerator<PendingBlob | CommitHeader> {
  let commit: CommitInfo | undefined;
  for (;;) {
    const raw = await reader.readUntil(0);
    if (raw === undefined) return;
    let start = 0;
    while (start < raw.length && raw[start] === 0x0a) start++;
    if (start >= raw.length) continue;
    if (raw[start] === HEADER) {
      const fields = [raw.subarray(start + 1).toString('utf8')];
      for (let i = 1; i < COMMIT_FIELDS; i++) fields.push((await reader.readUntil(0))?.toString('utf8') ?? '');
      const [sha, author, email, date, message, body] = fields as [string, string, string, string, string, string];
      // -m repeats a merge once per parent: the same commit, named again.
      if (commit?.sha === sha) continue;
      commit = { sha, author, email, date, message };
      yield { commit, body };
      continue;
    }
    if (raw[start] !== 0x3a /* ':' */) continue;
    const meta = raw.subarray(start).toString('latin1');
    const pathBytes = await reader.readUntil(0);
    if (pathBytes === undefined || !commit) return;
    // ":<old mode> <new mode> <old id> <new id> <status>"
    const parts = meta.split(' ');
    const newMode = parts[1] ?? '';
    const id = parts[3] ?? '';
    if (newMode.startsWith('160') || newMode === '000000' || /^0+$/.test(id)) continue; // submodule or deleted
    yield { id, path: pathBytes.toString('utf8'), commit };
  }
}

/** Every unique blob reachable from the selected history, as fragments attributed to their first commit. */
export async function* scanGitHistory(options: GitHistoryOptions): AsyncGenerator<SourceEvent> {
  const git = new GitRunner(options);
  // Checked before git runs: a refused option fails alone, naming itself.
  const logArgs = historyLogArgs(options);
  // --git-dir, not --show-toplevel: a bare repository (a mirror, a server's copy) has history but no work tree.
  const gitDir = await git.probe(['rev-parse', '--git-dir']);
  if (gitDir === undefined) throw new GitError(`not a git repository (or inside one): ${options.cwd}`);
  const log = git.spawn(logArgs);
  const logDone = git.finished(log, logArgs);
  log.stdin.end();
  const catArgs = ['cat-file', '--batch'];
  const cat = git.spawn(catArgs);
  const catDone = git.finished(cat, catArgs);
  // A failure surfaces where it is awaited below; until then, keep Node from reporting it as unhandled.
  logDone.catch(() => undefined);
  catDone.catch(() => undefined);
  const window = Math.max(1, options.window ?? 256);
  const seen = new ObjectIdSet();
  // Authors repeat across commits: each identity is scanned once.
  const authors = new Set<string>();
  const pending: PendingBlob[] = [];
  let unsent: string[] = [];
  const output = new ByteReader(cat.stdout);
  const flush = () => {
    if (unsent.length === 0) return;
    cat.stdin.write(`${unsent.join('\n')}\n`);
    unsent = [];
  };
  const readOne = async (blob: PendingBlob): Promise<SourceEvent> => {
    const header = (await output.readUntil(0x0a))?.toString('latin1');
    if (header === undefined) throw new GitError('git cat-file --batch stopped early');
    // "<id> blob <size>" or "<id> missing" (a shallow or partial clone)
    const [, type, sizeText] = header.split(' ');
    if (type === 'missing' || type === undefined) {
      return skippedAt(blob, 'unreadable', 'blob missing from this clone');
    }
    const size = Number(sizeText);
    if (size > options.maxFileSize) {
      await output.read(size + 1, false);
      return skippedAt(blob, 'too-large', `${size} bytes`);
    }
    const bytes = await output.read(size + 1);
    const body = bytes.subarray(0, size);
    if (type !== 'blob') return skippedAt(blob, 'unreadable', `a ${type}, not a blob`);
    if (looksBinary(body)) return skippedAt(blob, 'binary');
    return {
      kind: 'fragment',
      fragment: { text: decodeText(body), path: blob.path, commit: blob.commit, blobId: blob.id },
      bytes: size,
    };
  };
  // Detection is synchronous, and Node reads pipes only between tasks: a macrotask turn after every
  // ~64 KB consumed lets the reader drain cat-file's output, so git keeps working on the next blobs
  // (on another core) instead of blocking on a full pipe.
  let sinceTurn = 0;
  const next = async (blob: PendingBlob): Promise<SourceEvent> => {
    const event = await readOne(blob);
    sinceTurn += event.kind === 'fragment' ? event.bytes : 4096;
    if (sinceTurn >= 65_536) {
      sinceTurn = 0;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return event;
  };
  let completed = false;
  try {
    for await (const item of changedBlobs(new ByteReader(log.stdout))) {
      if ('body' in item) {
        yield* commitMetadata(item, authors);
        continue;
      }
      const blob = item;
      if (seen.has(blob.id)) continue;
      // An allowlisted path is not read, and not marked seen: the same blob may appear elsewhere.
      if (options.skipPath?.(blob.path)) continue;
      seen.add(blob.id);
      unsent.push(blob.id);
      pending.push(blob);
      if (unsent.length >= 64) flush();
      if (pending.length >= window) {
        flush();
        yield await next(pending.shift()!);
      }
    }
    await logDone;
    flush();
    cat.stdin.end();
    while (pending.length > 0) yield await next(pending.shift()!);
    await catDone;
    completed = true;
  } finally {
    if (!completed) {
      await Promise.all([stopGit(log), stopGit(cat)]);
    }
  }
}

/** The commit's message, and its author when not seen before, as metadata events. */
function* commitMetadata({ commit, body }: CommitHeader, authors: Set<string>): Generator<SourceEvent> {
  if (body.trim() !== '') yield { kind: 'metadata', place: 'commit-message', fragment: { text: body, path: COMMIT_MESSAGE_PATH, commit } };
  const identity = `${commit.author ?? ''} <${commit.email ?? ''}>`;
  if (!authors.has(identity)) {
    authors.add(identity);
    yield { kind: 'metadata', place: 'commit-author', fragment: { text: identity, path: COMMIT_AUTHOR_PATH, commit } };
  }
}

function skippedAt(blob: PendingBlob, reason: SkippedFile['reason'], detail?: string): SourceEvent {
  const where = `${blob.path} @ ${blob.commit.sha.slice(0, 12)}`;
  const skipped: SkippedFile = detail === undefined ? { path: where, reason } : { path: where, reason, detail };
  return { kind: 'skipped', skipped, path: blob.path, commit: blob.commit };
}
