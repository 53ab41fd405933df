// Archives in a scanned tree: zip (yauzl), tar (tar-stream), gzip and tar.gz (node:zlib). Members are
// scanned like files, named `archive.zip!inner/path`; archives inside archives are opened down to a
// bounded depth, and everything one archive expands to counts against one byte budget, so a zip bomb
// costs at most that budget. An archive or member that cannot be opened (too deep, too big, encrypted,
// corrupt) is reported as skipped, never dropped silently.
import { createReadStream } from 'node:fs';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import tarStream from 'tar-stream';
import yauzl from 'yauzl';
import type { SkippedFile } from '../types.js';
import type { SourceEvent } from './directory.js';
import { displayName } from './file-names.js';
import { looksBinary } from './text.js';

export interface ArchiveLimits {
  /** 1: open archives found in the tree, but not archives inside them; 2: one level of nesting; ... */
  maxDepth: number;
  /** Bytes one archive found in the tree may expand to, nested archives included. */
  maxBytes: number;
}

export type ArchiveKind = 'zip' | 'gzip' | 'tar';

/** The archive format by its magic bytes, not its name (a .jar or .docx is a zip; a .tgz named .bin is gzip). */
export function archiveKind(head: Uint8Array): ArchiveKind | undefined {
  if (head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && ((head[2] === 3 && head[3] === 4) || (head[2] === 5 && head[3] === 6))) return 'zip';
  if (head.length >= 3 && head[0] === 0x1f && head[1] === 0x8b && head[2] === 8) return 'gzip';
  if (head.length >= 262 && Buffer.from(head.buffer, head.byteOffset + 257, 5).toString('latin1') === 'ustar') return 'tar';
  return undefined;
}

/** Where an archive's bytes are: in memory (a member of another archive, a small file) or in a file. */
export type ArchiveSource = { bytes: Buffer } | { file: string | Buffer };

interface Walk {
  limits: ArchiveLimits;
  maxFileSize: number;
  /** Bytes still allowed for the top-level archive being opened. */
  remaining: number;
  /** The top-level archive's path, named when the budget runs out. */
  topPath: string;
}

class BudgetExceeded extends Error {
  constructor() {
    super('archive budget exceeded');
  }
}

const skip = (path: string, detail: string): SourceEvent => ({ kind: 'skipped', skipped: { path, reason: 'archive', detail } });

/** Events for the members of the archive at `path` (found in the tree), within `limits`. */
export async function* scanArchive(
  source: ArchiveSource,
  kind: ArchiveKind,
  path: string,
  options: { limits: ArchiveLimits; maxFileSize: number },
): AsyncGenerator<SourceEvent> {
  const walk: Walk = { limits: options.limits, maxFileSize: options.maxFileSize, remaining: options.limits.maxBytes, topPath: path };
  try {
    yield* openArchive(source, kind, path, 1, walk);
  } catch (error) {
    if (!(error instanceof BudgetExceeded)) throw error;
    yield skip(path, `expands past ${Math.round(options.limits.maxBytes / 1048576)} MB (maxArchiveSize); the rest was not scanned`);
  }
}

async function* openArchive(source: ArchiveSource, kind: ArchiveKind, path: string, depth: number, walk: Walk): AsyncGenerator<SourceEvent> {
  try {
    if (kind === 'zip') yield* zipMembers(source, path, depth, walk);
    else if (kind === 'tar') yield* tarMembers(readable(source), path, depth, walk);
    else if (/\.(tgz|taz|tar\.gz)$/i.test(path)) yield* tarMembers(readable(source).pipe(createGunzip()), path, depth, walk);
    else yield* gzipMember(source, path, depth, walk);
  } catch (error) {
    if (error instanceof BudgetExceeded) throw error;
    // Library messages may quote bytes of the archive: say only what kind of failure it was.
    yield skip(path, `corrupt or unsupported ${kind} archive`);
  }
}

function readable(source: ArchiveSource): Readable {
  return 'bytes' in source ? Readable.from([source.bytes]) : createReadStream(source.file);
}

/** Counts decompressed bytes against the budget as they stream by. */
function metered(walk: Walk): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      walk.remaining -= chunk.length;
      if (walk.remaining < 0) done(new BudgetExceeded());
      else done(null, chunk);
    },
  });
}

/** A member's bytes, read whole (it is at most maxFileSize), or undefined when it is over that. */
async function collect(stream: Readable, walk: Walk, declaredSize: number | undefined): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = declaredSize !== undefined && declaredSize > walk.maxFileSize;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    walk.remaining -= chunk.length;
    if (walk.remaining < 0) {
      stream.destroy();
      throw new BudgetExceeded();
    }
    size += chunk.length;
    if (size > walk.maxFileSize) tooLarge = true;
    if (!tooLarge) chunks.push(chunk);
  }
  return tooLarge ? undefined : Buffer.concat(chunks, size);
}

/** One member: an archive again (within the depth), else a file to scan. */
async function* member(bytes: Buffer, path: string, depth: number, walk: Walk): AsyncGenerator<SourceEvent> {
  const kind = archiveKind(bytes);
  if (kind) {
    if (depth >= walk.limits.maxDepth) {
      yield skip(path, `an archive nested deeper than ${walk.limits.maxDepth} (maxArchiveDepth)`);
      return;
    }
    yield* openArchive({ bytes }, kind, path, depth + 1, walk);
    return;
  }
  if (looksBinary(bytes)) {
    yield { kind: 'skipped', skipped: { path, reason: 'binary' } };
    return;
  }
  yield { kind: 'fragment', fragment: { bytes, path }, bytes: bytes.length };
}

const tooLarge = (path: string, size: number | undefined): SourceEvent => ({
  kind: 'skipped',
  skipped: { path, reason: 'too-large', ...(size !== undefined ? { detail: `${size} bytes` } : {}) } satisfies SkippedFile,
});

async function* tarMembers(input: Readable, path: string, depth: number, walk: Walk): AsyncGenerator<SourceEvent> {
  const extract = tarStream.extract();
  const piping = pipeline(input, metered(walk), extract);
  piping.catch(() => undefined); // its failure surfaces through the entry iteration below
  for await (const entry of extract) {
    const { header } = entry;
    const name = `${path}!${header.name}`;
    if (header.type !== 'file' && header.type !== 'contiguous-file') {
      entry.resume();
      continue;
    }
    const bytes = await collect(entry as unknown as Readable, walk, header.size);
    if (!bytes) {
      yield tooLarge(name, header.size);
      continue;
    }
    yield* member(bytes, name, depth, walk);
  }
  await piping;
}

async function* gzipMember(source: ArchiveSource, path: string, depth: number, walk: Walk): AsyncGenerator<SourceEvent> {
  const inner = path.replace(/\.gz$/i, '');
  const name = `${path}!${inner.slice(inner.lastIndexOf('!') + 1).split('/').pop() || 'content'}`;
  const gunzip = readable(source).pipe(createGunzip());
  const bytes = await collect(gunzip, walk, undefined);
  if (!bytes) {
    yield tooLarge(name, undefined);
    return;
  }
  yield* member(bytes, name, depth, walk);
}

async function* zipMembers(source: ArchiveSource, path: string, depth: number, walk: Walk): AsyncGenerator<SourceEvent> {
  const options = { lazyEntries: true, decodeStrings: false, validateEntrySizes: true, autoClose: false };
  const zip = 'bytes' in source ? await yauzl.fromBufferPromise(source.bytes, options) : await yauzl.openPromise(source.file as string, options);
  try {
    for (;;) {
      const entry = await new Promise<yauzl.Entry | undefined>((resolve, reject) => {
        zip.once('entry', (e: yauzl.Entry) => {
          zip.removeListener('end', onEnd);
          resolve(e);
        });
        const onEnd = (): void => resolve(undefined);
        zip.once('end', onEnd);
        zip.once('error', reject);
        zip.readEntry();
      });
      zip.removeAllListeners('error');
      if (!entry) break;
      const raw = entry.fileNameRaw;
      if (raw[raw.length - 1] === 0x2f) continue; // a folder
      const name = `${path}!${displayName(raw)}`;
      if (entry.isEncrypted()) {
        yield skip(name, 'encrypted');
        continue;
      }
      if (!entry.canDecodeFileData()) {
        yield skip(name, 'compressed in a way keyward cannot read');
        continue;
      }
      if (entry.uncompressedSize > walk.maxFileSize) {
        yield tooLarge(name, entry.uncompressedSize);
        continue;
      }
      // The declared size is checked before inflating anything; yauzl then holds the data to it.
      if (entry.uncompressedSize > walk.remaining) throw new BudgetExceeded();
      const stream = await zip.openReadStreamPromise(entry);
      const bytes = await collect(stream, walk, entry.uncompressedSize);
      if (!bytes) {
        yield tooLarge(name, entry.uncompressedSize);
        continue;
      }
      yield* member(bytes, name, depth, walk);
    }
  } finally {
    zip.close();
  }
}
