// The directory source: walks a tree and yields one fragment per text file. It honours .gitignore
// files (nested ones too), never leaves the scanned root through a symlink, and reports every file it
// skips (binary, too large, unreadable, symlink) instead of dropping it silently.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { lstat, readdir, readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import type { CommitInfo, EncodedFragment, FindingPlace, Fragment, SkippedFile } from '../types.js';
import { DEFAULT_CHUNK_BYTES, DEFAULT_CHUNK_CONTEXT_BYTES, readChunks, type ChunkSizes } from './chunks.js';
import { archiveKind, scanArchive, type ArchiveKind, type ArchiveLimits, type ArchiveSource } from './archives.js';
import { displayName } from './file-names.js';
import { looksBinary } from './text.js';

export { displayName };

export interface DirectorySourceOptions {
  /** Files larger than this many bytes are skipped and reported. */
  maxFileSize: number;
  respectGitignore: boolean;
  /** Paths (repo-relative, POSIX) the caller wants skipped without reading, e.g. allowlisted globs. */
  skipPath?: (relativePath: string) => boolean;
  /** Look inside zip, tar, tar.gz and .gz files, within these bounds (sources/archives.ts); absent: do not. */
  archives?: ArchiveLimits;
  /** Files larger than `chunkBytes` are scanned in chunks that overlap by `contextBytes` (defaults in chunks.ts). */
  chunks?: Partial<ChunkSizes>;
}

export type SourceEvent =
  /**
   * `nameIsOld`: the file's name was there before what is scanned (a diff that only edits the file): a secret
   * in it is redacted from the report but not reported again.
   */
  /** `continued`: a later chunk of the file the previous event began (counted as one file). */
  | { kind: 'fragment'; fragment: Fragment | EncodedFragment; bytes: number; nameIsOld?: boolean; continued?: boolean }
  /** `path` and `commit`: the file's own path and commit, when `skipped.path` says more (`path @ commit`). */
  | { kind: 'skipped'; skipped: SkippedFile; path?: string; commit?: CommitInfo; nameIsOld?: boolean }
  /** Text a source prints but that is no file (a commit message, an author): scanned, not counted as a file. */
  | { kind: 'metadata'; place: Exclude<FindingPlace, 'path-name'>; fragment: Fragment };

interface IgnoreScope {
  /** Directory (relative to root, POSIX, '' for root) whose .gitignore this is. */
  base: string;
  matcher: Ignore;
}

const ALWAYS_SKIPPED_DIRS = new Set(['.git', '.hg', '.svn']);

function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}

function isInside(root: string, candidate: string): boolean {
  const rel = path.relative(root, candidate);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

async function readIgnoreFile(dir: Buffer): Promise<Ignore | undefined> {
  try {
    const text = await readFile(Buffer.concat([dir, SEP, Buffer.from('.gitignore')]), 'utf8');
    return ignore().add(text);
  } catch {
    return undefined;
  }
}

function ignoredBy(scopes: IgnoreScope[], relative: string, isDir: boolean): boolean {
  let ignored = false;
  for (const scope of scopes) {
    const local = scope.base ? relative.slice(scope.base.length + 1) : relative;
    const probe = isDir ? `${local}/` : local;
    const result = scope.matcher.test(probe);
    if (result.ignored) ignored = true;
    else if (result.unignored) ignored = false;
  }
  return ignored;
}

const SEP = Buffer.from(path.sep);

/** List the files to scan, depth first in name order so output is stable. Paths on disk stay bytes. */
async function* walk(
  root: string,
  realRoot: string,
  options: DirectorySourceOptions,
): AsyncGenerator<{ absolute: Buffer; relative: string } | { skipped: SkippedFile }> {
  const stack: Array<{ dir: Buffer; relative: string; scopes: IgnoreScope[] }> = [
    { dir: Buffer.from(root), relative: '', scopes: [] },
  ];
  // Compared byte for byte: latin1 maps each byte to one character, so no name is lost in the comparison.
  const realRootBytes = Buffer.from(realRoot).toString('latin1');
  while (stack.length > 0) {
    const { dir, relative, scopes: parentScopes } = stack.pop()!;
    let scopes = parentScopes;
    if (options.respectGitignore) {
      const own = await readIgnoreFile(dir);
      if (own) scopes = [...parentScopes, { base: relative, matcher: own }];
    }
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true, encoding: 'buffer' });
    } catch (error) {
      yield { skipped: { path: relative || '.', reason: 'unreadable', detail: (error as NodeJS.ErrnoException).code ?? 'error' } };
      continue;
    }
    entries.sort((a, b) => Buffer.compare(a.name, b.name));
    const subdirs: Array<{ dir: Buffer; relative: string; scopes: IgnoreScope[] }> = [];
    for (const entry of entries) {
      const absolute = Buffer.concat([dir, SEP, entry.name]);
      const name = displayName(entry.name);
      const rel = relative ? `${relative}/${name}` : name;
      if (entry.isDirectory()) {
        if (ALWAYS_SKIPPED_DIRS.has(name)) continue;
        if (scopes.length > 0 && ignoredBy(scopes, rel, true)) continue;
        subdirs.push({ dir: absolute, relative: rel, scopes });
        continue;
      }
      if (scopes.length > 0 && ignoredBy(scopes, rel, false)) continue;
      if (options.skipPath?.(rel)) continue;
      if (entry.isSymbolicLink()) {
        // Follow a link only to a regular file inside the root; a linked directory's contents are
        // scanned at their real path, so following it would only duplicate them or loop.
        let target: Buffer;
        try {
          target = await realpath(absolute, { encoding: 'buffer' });
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code;
          yield { skipped: { path: rel, reason: code === 'ELOOP' ? 'symlink-loop' : 'unreadable', detail: code ?? 'broken link' } };
          continue;
        }
        if (!isInside(realRootBytes, target.toString('latin1'))) {
          yield { skipped: { path: rel, reason: 'symlink-outside-root' } };
          continue;
        }
        const info = await stat(target).catch(() => undefined);
        if (info?.isFile()) yield { absolute, relative: rel };
        continue;
      }
      if (entry.isFile()) yield { absolute, relative: rel };
    }
    for (let i = subdirs.length - 1; i >= 0; i--) stack.push(subdirs[i]!);
  }
}

// Reads are synchronous on purpose: files come from the page cache in microseconds, and on a
// small machine the promise round trips of async fs (open, two fstats, read, close per file) cost the
// detection threads a good share of a core. Only regular files get here, never a FIFO that could block.
/** An archive found while reading: opened by scanDirectory, which can wait for its members. */
interface ArchiveFound {
  kind: 'archive';
  format: ArchiveKind;
  source: ArchiveSource;
  path: string;
}

function* readCandidate(absolute: string | Buffer, relative: string, options: DirectorySourceOptions): Generator<SourceEvent | ArchiveFound> {
  let fd: number | undefined;
  try {
    fd = openSync(absolute, 'r');
    const size = fstatSync(fd).size;
    if (size > options.maxFileSize) {
      yield { kind: 'skipped', skipped: { path: relative, reason: 'too-large', detail: `${size} bytes` } };
      return;
    }
    const sizes = { chunkBytes: options.chunks?.chunkBytes ?? DEFAULT_CHUNK_BYTES, contextBytes: options.chunks?.contextBytes ?? DEFAULT_CHUNK_CONTEXT_BYTES };
    if (size > sizes.chunkBytes) {
      const format = options.archives ? archiveKind(readHead(fd)) : undefined;
      if (format) yield { kind: 'archive', format, source: { file: absolute }, path: relative };
      else yield* readChunks(fd, size, relative, sizes);
      return;
    }
    // A buffer of its own (not a slice of Node's shared pool), so it can move to a detection thread.
    const buffer = Buffer.allocUnsafeSlow(size);
    let filled = 0;
    while (filled < size) {
      const read = readSync(fd, buffer, filled, size - filled, filled);
      if (read === 0) break; // the file shrank since fstat
      filled += read;
    }
    const bytes = filled < size ? buffer.subarray(0, filled) : buffer;
    const format = options.archives ? archiveKind(bytes) : undefined;
    if (format) yield { kind: 'archive', format, source: { bytes }, path: relative };
    else if (looksBinary(bytes)) yield { kind: 'skipped', skipped: { path: relative, reason: 'binary' } };
    else yield { kind: 'fragment', fragment: { bytes, path: relative }, bytes: bytes.length };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    yield { kind: 'skipped', skipped: { path: relative, reason: 'unreadable', detail: code } };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** The first bytes of a file, enough to tell an archive by its magic bytes (tar's is at offset 257). */
function readHead(fd: number): Buffer {
  const head = Buffer.alloc(512);
  return head.subarray(0, readSync(fd, head, 0, head.length, 0));
}

async function* withArchivesOpened(events: Iterable<SourceEvent | ArchiveFound>, options: DirectorySourceOptions): AsyncGenerator<SourceEvent> {
  for (const event of events) {
    if (event.kind !== 'archive') yield event;
    else yield* scanArchive(event.source, event.format, event.path, { limits: options.archives!, maxFileSize: options.maxFileSize });
  }
}

/** Fragments and skip reports for every file under `root`, reading several files at once. */
export async function* scanDirectory(root: string, options: DirectorySourceOptions): AsyncGenerator<SourceEvent> {
  const absoluteRoot = path.resolve(root);
  const info = await lstat(absoluteRoot);
  const realRoot = await realpath(absoluteRoot);
  if (!info.isDirectory() && !(await stat(absoluteRoot)).isDirectory()) {
    // A single file: scan just it, named by its base name.
    yield* withArchivesOpened(readCandidate(absoluteRoot, toPosix(path.basename(absoluteRoot)), options), options);
    return;
  }
  for await (const item of walk(absoluteRoot, realRoot, options)) {
    if ('skipped' in item) yield { kind: 'skipped', skipped: item.skipped };
    else yield* withArchivesOpened(readCandidate(item.absolute, item.relative, options), options);
  }
}
