// Files too large to hold as one string (a 2 GB log: V8 strings stop at about 512 MB) are scanned as
// chunks in bounded memory. Each chunk's text reaches `contextBytes` past the part it reports on both
// sides, so a token across a boundary is seen whole by the chunk where it starts, reported once, at
// the line and column it has in the file.
import { readSync } from 'node:fs';
import type { SourceEvent } from './directory.js';
import { decodeAs, detectEncoding, looksBinary, type TextEncoding } from './text.js';

/** Files up to this size are read whole (the default size cap is 25 MB, so only a raised cap gets here). */
export const DEFAULT_CHUNK_BYTES = 32 * 1024 * 1024;
/** Longer than any token a rule looks for (the detector grows a window at most 64 KB), with room for its context. */
export const DEFAULT_CHUNK_CONTEXT_BYTES = 256 * 1024;

export interface ChunkSizes {
  chunkBytes: number;
  contextBytes: number;
}

function readAt(fd: number, position: number, length: number): Buffer {
  const buffer = Buffer.allocUnsafe(length);
  let filled = 0;
  while (filled < length) {
    const read = readSync(fd, buffer, filled, length - filled, position + filled);
    if (read === 0) break; // the file shrank while being read
    filled += read;
  }
  return filled < length ? buffer.subarray(0, filled) : buffer;
}

/** A cut at or just before `at` (an offset in `bytes`, which start at file offset `base`) that splits no character. */
function characterBoundary(bytes: Uint8Array, at: number, base: number, encoding: TextEncoding): number {
  if (at >= bytes.length) return bytes.length;
  if (encoding !== 'utf-8') return (base + at) % 2 === 0 ? at : at - 1;
  let cut = at;
  // UTF-8 continuation bytes are 10xxxxxx; a character is at most 4 bytes.
  while (cut > at - 3 && cut > 0 && (bytes[cut]! & 0xc0) === 0x80) cut--;
  return cut;
}

function countNewlines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = text.indexOf('\n', from); i !== -1 && i < to; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** Chunk events for the open file `fd` of `size` bytes, or one `binary` skip. */
export function readChunks(fd: number, size: number, path: string, sizes: ChunkSizes): Generator<SourceEvent> {
  return chunkEvents((position, length) => readAt(fd, position, length), size, path, sizes);
}

/**
 * Events for text already in memory (standard input): one fragment when it is small, else chunks, so a
 * gigabyte of piped log never becomes one string.
 */
export function* bytesAsEvents(bytes: Buffer, path: string, sizes: ChunkSizes = { chunkBytes: DEFAULT_CHUNK_BYTES, contextBytes: DEFAULT_CHUNK_CONTEXT_BYTES }): Generator<SourceEvent> {
  if (bytes.length <= sizes.chunkBytes) {
    yield { kind: 'fragment', fragment: { bytes, path }, bytes: bytes.length };
    return;
  }
  yield* chunkEvents((position, length) => bytes.subarray(position, position + length), bytes.length, path, sizes);
}

function* chunkEvents(read: (position: number, length: number) => Buffer, size: number, path: string, sizes: ChunkSizes): Generator<SourceEvent> {
  const { chunkBytes, contextBytes } = sizes;
  let encoding: TextEncoding | undefined;
  let position = 0; // file offset where the part this chunk reports begins
  let line = 1; // line and column in the file at `position`
  let column = 0;
  let before = ''; // text ahead of `position` that the chunk carries as context
  let beforeLine = 1;
  let beforeColumn = 0;
  while (position < size) {
    const bytes = read(position, Math.min(size - position, chunkBytes + contextBytes));
    if (bytes.length === 0) break;
    if (encoding === undefined) {
      if (looksBinary(bytes)) {
        yield { kind: 'skipped', skipped: { path, reason: 'binary' } };
        return;
      }
      encoding = detectEncoding(bytes);
    }
    // The last read holds the rest of the file (at most chunkBytes + contextBytes): one chunk reports it all.
    const final = position + bytes.length >= size;
    const ownEnd = final ? bytes.length : characterBoundary(bytes, chunkBytes, position, encoding);
    const own = decodeAs(bytes.subarray(0, ownEnd), encoding, position > 0);
    const after = ownEnd < bytes.length ? decodeAs(bytes.subarray(ownEnd), encoding, true) : '';
    yield {
      kind: 'fragment',
      fragment: {
        text: before + own + after,
        path,
        chunk: { line: beforeLine, column: beforeColumn, reportFrom: before.length, reportTo: final ? Number.MAX_SAFE_INTEGER : before.length + own.length },
      },
      bytes: ownEnd,
      ...(position > 0 ? { continued: true } : {}),
    };
    if (final) return;
    // The next chunk's context: the end of this one's own text, with its place in the file.
    const tailStart = Math.max(0, own.length - contextBytes);
    const lastNewlineBeforeTail = tailStart > 0 ? own.lastIndexOf('\n', tailStart - 1) : -1;
    beforeLine = line + (tailStart > 0 ? countNewlines(own, 0, tailStart) : 0);
    beforeColumn = lastNewlineBeforeTail >= 0 ? tailStart - lastNewlineBeforeTail - 1 : column + tailStart;
    before = own.slice(tailStart);
    const newlines = countNewlines(own, 0, own.length);
    const lastNewline = own.lastIndexOf('\n');
    line += newlines;
    column = lastNewline >= 0 ? own.length - lastNewline - 1 : column + own.length;
    position += ownEnd;
  }
}
