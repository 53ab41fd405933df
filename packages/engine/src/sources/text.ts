// Bytes to text the way people's editors see it: UTF-8 by default with invalid bytes replaced (never
// thrown), a UTF-8 BOM dropped, UTF-16 with a BOM decoded. Shared by every source.
import { isAscii } from 'node:buffer';
import type { EncodedFragment, Fragment } from '../types.js';

const PROBE = 8000; // git's own binary heuristic looks for a NUL in the first 8000 bytes

function hasUtf16Bom(buffer: Uint8Array): 'utf-16le' | 'utf-16be' | undefined {
  if (buffer.length >= 2 && buffer[0] === 0xff && buffer[1] === 0xfe) return 'utf-16le';
  if (buffer.length >= 2 && buffer[0] === 0xfe && buffer[1] === 0xff) return 'utf-16be';
  return undefined;
}

export function looksBinary(buffer: Uint8Array): boolean {
  if (hasUtf16Bom(buffer)) return false;
  const end = Math.min(buffer.length, PROBE);
  for (let i = 0; i < end; i++) if (buffer[i] === 0) return true;
  return false;
}

const utf8 = new TextDecoder('utf-8', { fatal: false, ignoreBOM: false });

/**
 * The text of `bytes` (as decodeText), and when they are all ASCII the same bytes as a Buffer: then byte
 * and character offsets agree, and the native regex backend can search the bytes as they are.
 */
export function decodeWithAscii(bytes: Uint8Array): { text: string; ascii: Buffer | undefined } {
  if (!isAscii(bytes)) return { text: decodeText(bytes), ascii: undefined };
  const ascii = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { text: ascii.toString('latin1'), ascii };
}

/** The text of a fragment that may still be bytes. */
export function fragmentText(fragment: Fragment | EncodedFragment): string {
  return 'bytes' in fragment ? decodeText(fragment.bytes) : fragment.text;
}

export function decodeText(buffer: Uint8Array): string {
  const utf16 = hasUtf16Bom(buffer);
  if (utf16) return new TextDecoder(utf16, { fatal: false }).decode(buffer);
  // TextDecoder strips a UTF-8 BOM (ignoreBOM: false) and replaces invalid sequences with U+FFFD.
  return utf8.decode(buffer);
}
