// Bytes to text the way people's editors see it: UTF-8 by default with invalid bytes replaced (never
// thrown), a UTF-8 BOM dropped, UTF-16 decoded when the content is UTF-16. Shared by every source.
// The encoding and binary-ness are judged from the content, never from two bytes alone: a BOM that is
// followed by plain ASCII lies, and one stray NUL does not make a text file binary.
import { isAscii } from 'node:buffer';
import type { EncodedFragment, Fragment } from '../types.js';

/** Bytes judged: git's own binary heuristic looks at the first 8000. */
const PROBE = 8000;
/**
 * More than this share of control bytes (NUL and C0 controls other than whitespace and escape) in the
 * probe means binary: random or compressed bytes have about 11%, text has next to none. Broken UTF-8 does
 * not count: a Latin-1 text file is still text, and scanning a binary file as text costs nothing but time.
 */
const BINARY_SHARE = 0.05;

export type TextEncoding = 'utf-8' | 'utf-16le' | 'utf-16be';

/** Share of the code units in the probe whose high byte (at `highAt` 0 or 1) is NUL: ASCII text in UTF-16 has nearly all. */
function nulHighShare(buffer: Uint8Array, from: number, highAt: 0 | 1): number {
  const end = Math.min(buffer.length, from + PROBE);
  let units = 0;
  let nul = 0;
  for (let i = from; i + 1 < end; i += 2) {
    units++;
    if (buffer[i + highAt] === 0 && buffer[i + 1 - highAt] !== 0) nul++;
  }
  return units === 0 ? 0 : nul / units;
}

/** Shares of the probe that are not text: C0 controls other than tab, newlines, form feed and escape, and DEL; and bytes of broken UTF-8. */
function nonTextShares(buffer: Uint8Array, from: number): { controls: number; brokenUtf8: number } {
  const end = Math.min(buffer.length, from + PROBE);
  let controls = 0;
  let broken = 0;
  for (let i = from; i < end; i++) {
    const b = buffer[i]!;
    if (b < 0x80) {
      if ((b < 0x20 && b !== 9 && b !== 10 && b !== 11 && b !== 12 && b !== 13 && b !== 27) || b === 0x7f) controls++;
      continue;
    }
    // A UTF-8 sequence: a lead byte and the continuation bytes it announces.
    const need = b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
    let ok = need > 0;
    for (let k = 1; ok && k <= need; k++) {
      if (i + k >= buffer.length) break; // cut by the end of the buffer: give it the benefit of the doubt
      const c = buffer[i + k]!;
      if (c < 0x80 || c > 0xbf) ok = false;
    }
    if (ok) i += need;
    else broken++;
  }
  const judged = Math.max(1, end - from);
  return { controls: controls / judged, brokenUtf8: broken / judged };
}

/**
 * The encoding the content is in. A UTF-16 BOM counts only when what follows reads as UTF-16 (ASCII
 * text in UTF-16 has a NUL in every other byte; other scripts have none but are not all printable ASCII);
 * without a BOM, NULs in alternate bytes of ASCII-heavy text mean UTF-16 too.
 */
export function detectEncoding(buffer: Uint8Array): TextEncoding {
  const le = buffer.length >= 2 && buffer[0] === 0xff && buffer[1] === 0xfe;
  const be = buffer.length >= 2 && buffer[0] === 0xfe && buffer[1] === 0xff;
  if (le || be) {
    const highAt = le ? 1 : 0;
    if (nulHighShare(buffer, 2, highAt) >= 0.3) return le ? 'utf-16le' : 'utf-16be';
    // No NUL high bytes: UTF-16 in another script, unless the rest is plain text in UTF-8 (the BOM lies).
    const rest = nonTextShares(buffer, 2);
    if (rest.controls + rest.brokenUtf8 < 0.02) return 'utf-8';
    return le ? 'utf-16le' : 'utf-16be';
  }
  if (buffer.length >= 4 && buffer.subarray(0, PROBE).includes(0)) {
    if (nulHighShare(buffer, 0, 1) >= 0.9) return 'utf-16le';
    if (nulHighShare(buffer, 0, 0) >= 0.9) return 'utf-16be';
  }
  return 'utf-8';
}

/** Binary when more than BINARY_SHARE of the first 8000 bytes are control bytes; text in UTF-16 is never binary. */
export function looksBinary(buffer: Uint8Array): boolean {
  if (buffer.length === 0 || detectEncoding(buffer) !== 'utf-8') return false;
  return nonTextShares(buffer, 0).controls > BINARY_SHARE;
}

const utf8 = new TextDecoder('utf-8', { fatal: false, ignoreBOM: false });

/**
 * The text of `bytes` (as decodeText), and when they are all ASCII the same bytes as a Buffer: then byte
 * and character offsets agree, and the native regex backend can search the bytes as they are.
 */
export function decodeWithAscii(bytes: Uint8Array): { text: string; ascii: Buffer | undefined } {
  // ASCII with NULs may be UTF-16 without a BOM (NUL high bytes are ASCII too).
  if (!isAscii(bytes) || (bytes.includes(0) && detectEncoding(bytes) !== 'utf-8')) return { text: decodeText(bytes), ascii: undefined };
  const ascii = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { text: ascii.toString('latin1'), ascii };
}

/** The text of a fragment that may still be bytes. */
export function fragmentText(fragment: Fragment | EncodedFragment): string {
  return 'bytes' in fragment ? decodeText(fragment.bytes) : fragment.text;
}

export function decodeText(buffer: Uint8Array): string {
  return decodeAs(buffer, detectEncoding(buffer));
}

const utf8KeepingBom = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/**
 * Decode in a known encoding (a later chunk of a large file, as its first chunk was judged). A leading
 * BOM is dropped, unless `midFile`: then the bytes are not the file's start and U+FEFF is a character.
 */
export function decodeAs(buffer: Uint8Array, encoding: TextEncoding, midFile = false): string {
  // TextDecoder replaces invalid sequences with U+FFFD and never throws.
  if (encoding !== 'utf-8') return new TextDecoder(encoding, { fatal: false, ignoreBOM: midFile }).decode(buffer);
  return (midFile ? utf8KeepingBom : utf8).decode(buffer);
}
