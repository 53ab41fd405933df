// Encoded text: credentials inside base64 (Kubernetes Secret `data:`, Docker `auth`, Basic headers),
// percent-encoding (URLs, query strings), `\uXXXX` / `\xXX` / `\/` escapes (JSON and JS strings) and
// hex (`xxd -p`, `Buffer.from(token).toString('hex')`, `0x`-prefixed byte strings in config and logs),
// YAML `!!binary` block scalars (base64 wrapped over lines, https://yaml.org/type/binary.html),
// and PEM blocks written in code as string literals: split over concatenation (`"-----BEGIN ...\n" +
// "MIIE...\n" + ...`, Python's adjacent literals, arrays of lines) or one literal with `\n` escapes.
// This module only finds runs of encoded text and decodes the ones that decode to text; the detector
// scans each decoded run in a window of its line (so `NAME: <value>` context survives decoding) and
// reports what it finds at the encoded run's place in the original file.
//
// Bounded by design: runs are found by one linear pass; a run is decoded only when it is a plausible
// length; runs that do not decode to printable text cost one decode; and a budget caps how many decoded
// characters and runs one fragment may feed back to the detector, so a 50 MB minified file cannot make
// decoding the expensive part of a scan.

import { lineEndNear, lineStartNear } from './lines.js';

export type Encoding = 'base64' | 'percent' | 'escape' | 'hex' | 'literal' | 'yaml-binary';

export interface EncodedRun {
  /** Offsets of the encoded text in the scanned text. */
  start: number;
  end: number;
  encoding: Encoding;
  decoded: string;
}

export interface DecodeBudget {
  /** Decoded characters the fragment may still hand back for scanning. */
  chars: number;
  /** Decoded runs the fragment may still hand back. */
  runs: number;
}

export const DEFAULT_DECODE_BUDGET: Readonly<DecodeBudget> = { chars: 2_000_000, runs: 20_000 };

const MIN_BASE64 = 16;
/** Hex characters in a run worth decoding: MIN_DECODED bytes. */
const MIN_HEX = 16;
const MAX_RUN = 256 * 1024;
const MIN_DECODED = 8;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Text a person or a config could hold: valid UTF-8, no control characters but tab, CR and LF. */
function printable(bytes: Uint8Array): string | undefined {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return undefined;
  }
  // eslint-disable-next-line no-control-regex
  if (text.length < MIN_DECODED || /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ufffd]/.test(text)) return undefined;
  return text;
}

/** Decode one base64 or base64url run to text, or undefined when it is not base64 of text. */
export function decodeBase64Text(run: string): string | undefined {
  const body = run.replace(/=+$/, '');
  if (body.length % 4 === 1) return undefined;
  if (/[+/]/.test(body) && /[-_]/.test(body)) return undefined;
  // Hex and decimal strings are valid base64 of nothing anyone wrote; skip the decode.
  if (/^[0-9a-fA-F]+$/.test(body)) return undefined;
  return printable(Buffer.from(body, /[-_]/.test(body) ? 'base64url' : 'base64'));
}

/** Decode a hex run (even length) to text, or undefined when it is not hex of text. */
export function decodeHexText(run: string): string | undefined {
  if (run.length % 2 !== 0 || !/^[0-9a-fA-F]+$/.test(run)) return undefined;
  return printable(Buffer.from(run, 'hex'));
}

const PEM_BEGIN = '-----BEGIN ';
const PEM_END = '-----END ';
/** Longest joined literal text one PEM block may produce (an RSA-8192 key is about 6.5 KB). */
const MAX_LITERAL_JOIN = 32 * 1024;
/** Characters that may stand between two literals of one value: space, `+` (JS, Java, C#), `.` (PHP), `&` and `_` (VB), `\` (shell), `,` (an array of lines). */
const LITERAL_GLUE = new Set([32, 9, 13, 10, 43, 46, 38, 95, 92, 44]);
const MAX_GLUE = 64;

/** One string literal opening at `at`: its text with `\n` `\r` `\t` `\\` `\"` escapes decoded, and the offset after it. */
function readLiteral(text: string, at: number, limit: number): { content: string; end: number } | undefined {
  const quote = text.charCodeAt(at);
  let content = '';
  for (let i = at + 1; i < limit; i++) {
    const c = text.charCodeAt(i);
    if (c === quote) return { content, end: i + 1 };
    if (c === 10 && quote !== 96) return undefined; // only template literals span lines unescaped
    if (c !== 92) {
      content += text[i];
      continue;
    }
    const next = text[++i];
    if (next === 'n') content += '\n';
    else if (next === 'r') content += '\r';
    else if (next === 't') content += '\t';
    else if (next === '\r' && text[i + 1] === '\n') i++; // backslash-newline continues the literal
    else if (next !== '\n' && next !== undefined) content += next;
  }
  return undefined;
}

/**
 * A PEM block written as string literals starting at the quote at `at`: the literals joined, up to the
 * one holding `-----END `, or undefined when it is one plain literal (the rules already read it as written).
 */
export function joinPemLiterals(text: string, at: number): { decoded: string; end: number } | undefined {
  const limit = Math.min(text.length, at + MAX_LITERAL_JOIN * 2);
  let decoded = '';
  let end = at;
  let pieces = 0;
  let escaped = false;
  for (let open = at; ; ) {
    const literal = readLiteral(text, open, limit);
    if (!literal) break;
    pieces++;
    escaped ||= literal.end - open - 2 !== literal.content.length;
    decoded += literal.content;
    end = literal.end;
    if (decoded.length > MAX_LITERAL_JOIN || literal.content.includes(PEM_END)) break;
    let next = end;
    let comma = false;
    for (; next < limit && next - end <= MAX_GLUE && LITERAL_GLUE.has(text.charCodeAt(next)); next++) {
      if (text.charCodeAt(next) === 44) comma = true;
    }
    const quote = text.charCodeAt(next);
    if (quote !== 34 && quote !== 39 && quote !== 96) break;
    if (comma && !decoded.endsWith('\n')) decoded += '\n'; // an array of lines is joined with newlines
    open = next;
  }
  if (pieces === 0 || (pieces === 1 && !escaped)) return undefined;
  return { decoded, end };
}

const YAML_BINARY = '!!binary';

/**
 * The base64 of a `!!binary |` (or `>`) block scalar whose tag starts at `at`: its lines joined and
 * decoded, from the first content character to the end of the last line. An inline `!!binary <base64>`
 * needs nothing here: the base64 pass reads it where it stands.
 */
export function yamlBinaryBlock(text: string, at: number): { start: number; end: number; decoded: string } | undefined {
  let i = at + YAML_BINARY.length;
  while (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9) i++;
  const indicator = text.charCodeAt(i);
  if (indicator !== 124 && indicator !== 62) return undefined; // | or >
  const lineEnd = text.indexOf('\n', i);
  if (lineEnd < 0) return undefined;
  let body = '';
  let start = -1;
  let end = -1;
  let indent = -1;
  for (let line = lineEnd + 1; line < text.length && body.length <= MAX_RUN; ) {
    let next = text.indexOf('\n', line);
    if (next < 0) next = text.length;
    let k = line;
    while (k < next && text.charCodeAt(k) === 32) k++;
    let stop = next;
    while (stop > k && (text.charCodeAt(stop - 1) === 13 || text.charCodeAt(stop - 1) === 32)) stop--;
    if (stop === k) break; // a blank line ends the value here (a blank line inside base64 is not written)
    if (indent < 0) indent = k - line;
    if (k - line < indent || k - line === 0) break;
    for (let c = k; c < stop; c++) {
      const code = text.charCodeAt(c);
      if (code >= 128 || (B64_VALUE[code]! < 0 && code !== 61)) return undefined;
    }
    if (start < 0) start = k;
    body += text.slice(k, stop);
    end = stop;
    line = next + 1;
  }
  if (start < 0 || body.length < MIN_BASE64) return undefined;
  const decoded = decodeBase64Text(body);
  return decoded === undefined ? undefined : { start, end, decoded };
}

/** Decode %XX escapes; undefined when there are none or they do not form UTF-8 text. */
export function decodePercent(run: string): string | undefined {
  if (!/%[0-9A-Fa-f]{2}/.test(run)) return undefined;
  try {
    const text = decodeURIComponent(run);
    return text === run ? undefined : text;
  } catch {
    return undefined;
  }
}

/** Decode `\uXXXX`, `\xXX` and `\/` escapes; undefined when there are none. */
export function decodeEscapes(run: string): string | undefined {
  if (!/\\(?:u[0-9A-Fa-f]{4}|x[0-9A-Fa-f]{2}|\/)/.test(run)) return undefined;
  const text = run.replace(/\\u([0-9A-Fa-f]{4})|\\x([0-9A-Fa-f]{2})|\\\//g, (_m, u: string | undefined, x: string | undefined) =>
    u ? String.fromCharCode(parseInt(u, 16)) : x ? String.fromCharCode(parseInt(x, 16)) : '/',
  );
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(text) ? undefined : text;
}

// Runs are found by plain character scans (no regex), so the cost is one pass per kind however long
// a line or token is; minified bundles are one long line and must not make this quadratic.

/** base64/base64url alphabet value of a character code, or -1. */
const B64_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < 64; i++) {
  B64_VALUE['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.charCodeAt(i)] = i;
}
B64_VALUE[45] = 62; // '-' (base64url)
B64_VALUE[95] = 63; // '_' (base64url)

/**
 * Indexed by value * 4 + (position in the run mod 4): 1 when that base64 character is possible when the encoded bytes are ASCII
 * (top bit clear): each 4-character group's first character encodes bits 7..2 of a byte, the second
 * bits 7..4 of the next, the third bits 7..6 of the one after. Identifiers and random tokens fail this
 * within a few characters, so they are rejected without decoding.
 */
const ASCII_COMPATIBLE = new Uint8Array(256);
for (let value = 0; value < 64; value++) {
  ASCII_COMPATIBLE[value * 4] = value < 32 ? 1 : 0;
  ASCII_COMPATIBLE[value * 4 + 1] = (value & 8) === 0 ? 1 : 0;
  ASCII_COMPATIBLE[value * 4 + 2] = (value & 2) === 0 ? 1 : 0;
  ASCII_COMPATIBLE[value * 4 + 3] = 1;
}

const PERCENT_STOP = new Set([32, 9, 10, 13, 34, 39, 96, 60, 62, 40, 41, 92]); // whitespace " ' ` < > ( ) \
/** Characters that travel inside an escaped string run: [A-Za-z0-9+=_.~:@!$&*%-]. */
const ESCAPE_SIMPLE = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+=_.~:@!$&*%-') ESCAPE_SIMPLE[c.charCodeAt(0)] = 1;

function isEscapeSimple(code: number): boolean {
  return code < 128 && ESCAPE_SIMPLE[code] === 1;
}

function isHex(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 70) || (code >= 97 && code <= 102);
}

function isAlphanumeric(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

/**
 * True when the hex run can encode printable ASCII: every byte's high nibble is 2..7 (0x20..0x7f),
 * apart from tab, LF and CR (0x09, 0x0a, 0x0d). Digests, ids and random hex fail within a few bytes,
 * so they are rejected without decoding.
 */
function hexMayBeAscii(text: string, start: number, end: number): boolean {
  for (let k = start; k < end; k += 2) {
    const high = text.charCodeAt(k);
    if (high >= 50 && high <= 55) continue; // '2'..'7'
    if (high === 48) {
      const low = text.charCodeAt(k + 1);
      if (low === 57 || low === 97 || low === 65 || low === 100 || low === 68) continue; // 0x09 0x0a 0x0d
    }
    return false;
  }
  return true;
}

/** Length of the escape sequence at `i` (\uXXXX, \xXX, \/), or 0. */
function escapeLength(text: string, i: number): number {
  if (text.charCodeAt(i) !== 92) return 0;
  const kind = text.charCodeAt(i + 1);
  if (kind === 47) return 2;
  const digits = kind === 117 ? 4 : kind === 120 ? 2 : 0;
  if (digits === 0 || i + 2 + digits > text.length) return 0;
  for (let k = 0; k < digits; k++) if (!isHex(text.charCodeAt(i + 2 + k))) return 0;
  return 2 + digits;
}

/**
 * Every encoded run in `text` that decodes to printable text, in order, charging `budget` for each.
 * Stops early when the budget runs out.
 */
export function findEncodedRuns(text: string, budget: DecodeBudget): EncodedRun[] {
  const runs: EncodedRun[] = [];
  const take = (start: number, end: number, encoding: Encoding, decoded: string | undefined): boolean => {
    if (decoded === undefined) return true;
    if (budget.runs <= 0 || budget.chars < decoded.length) return false;
    budget.runs--;
    budget.chars -= decoded.length;
    runs.push({ start, end, encoding, decoded });
    return true;
  };
  const n = text.length;
  scan: {
    // base64: maximal runs of the alphabet of at least MIN_BASE64 characters whose every character fits
    // ASCII-encoding bytes. A run that long must cover the character MIN_BASE64 - 1 ahead, so when that
    // character is not base64 the scan jumps past it: code rarely has 16 base64 characters in a row.
    const isBase64 = (at: number): boolean => {
      const code = text.charCodeAt(at);
      return code < 128 && B64_VALUE[code]! >= 0;
    };
    let from = 0; // every run starts at or after `from`: text[from - 1] is not base64
    while (from + MIN_BASE64 <= n) {
      const probe = from + MIN_BASE64 - 1;
      if (!isBase64(probe)) {
        from = probe + 1;
        continue;
      }
      let start = probe;
      while (start > from && isBase64(start - 1)) start--;
      let stop = probe + 1;
      while (stop < n && isBase64(stop)) stop++;
      const length = stop - start;
      if (length >= MIN_BASE64 && length <= MAX_RUN) {
        let ascii = true;
        for (let k = 0; k < length && ascii; k++) {
          if (ASCII_COMPATIBLE[B64_VALUE[text.charCodeAt(start + k)]! * 4 + (k & 3)] === 0) ascii = false;
        }
        if (ascii) {
          let end = stop;
          while (end < n && end - stop < 2 && text.charCodeAt(end) === 61) end++; // '=' padding
          if (!take(start, end, 'base64', decodeBase64Text(text.slice(start, end)))) break scan;
        }
      }
      from = stop + 1;
    }
    // percent-encoding: each token (between separators) that holds a %XX escape
    for (let at = text.indexOf('%'); at >= 0 && at < n; at = text.indexOf('%', at + 1)) {
      if (!isHex(text.charCodeAt(at + 1)) || !isHex(text.charCodeAt(at + 2))) continue;
      let start = at;
      while (start > 0 && !PERCENT_STOP.has(text.charCodeAt(start - 1))) start--;
      let end = at + 3;
      while (end < n && !PERCENT_STOP.has(text.charCodeAt(end))) end++;
      if (end - start <= MAX_RUN && !take(start, end, 'percent', decodePercent(text.slice(start, end)))) break scan;
      at = end;
    }
    // \u, \x and \/ escapes: a run is a stretch of escapes and the characters that travel with them,
    // holding at least one escape. Only backslashes can start one, so the scan jumps from one to the
    // next; from a run's first escape it reaches back over the plain characters before it, then forward.
    for (let at = text.indexOf('\\'); at >= 0; at = text.indexOf('\\', at)) {
      const first = escapeLength(text, at);
      if (first === 0) {
        at++;
        continue;
      }
      let start = at;
      while (start > 0 && isEscapeSimple(text.charCodeAt(start - 1))) start--;
      let end = at + first;
      for (;;) {
        const escape = escapeLength(text, end);
        if (escape > 0) end += escape;
        else if (end < n && isEscapeSimple(text.charCodeAt(end))) end++;
        else break;
      }
      if (end - start <= MAX_RUN && !take(start, end, 'escape', decodeEscapes(text.slice(start, end)))) break scan;
      at = end;
    }
    // YAML !!binary block scalars
    for (let at = text.indexOf(YAML_BINARY); at >= 0; at = text.indexOf(YAML_BINARY, at + YAML_BINARY.length)) {
      const block = yamlBinaryBlock(text, at);
      if (block && !take(block.start, block.end, 'yaml-binary', block.decoded)) break scan;
      if (block) at = block.end;
    }
    // PEM blocks as string literals: each `-----BEGIN ` right after an opening quote (or a quote and `\n`)
    for (let at = text.indexOf(PEM_BEGIN); at >= 0; at = text.indexOf(PEM_BEGIN, at + PEM_BEGIN.length)) {
      const quoteAt = text.charCodeAt(at - 1) === 110 && text.charCodeAt(at - 2) === 92 ? at - 3 : at - 1;
      const quote = quoteAt >= 0 ? text.charCodeAt(quoteAt) : 0;
      if (quote !== 34 && quote !== 39 && quote !== 96) continue;
      const joined = joinPemLiterals(text, quoteAt);
      if (joined && !take(quoteAt, joined.end, 'literal', printable(Buffer.from(joined.decoded)))) break scan;
      if (joined) at = joined.end - PEM_BEGIN.length;
    }
    // hex: whole tokens of at least MIN_HEX hex digits (a `0x` prefix is allowed) with an even length,
    // found by the same probe-and-jump as base64; a run inside a longer word is not hex encoding.
    let hexFrom = 0;
    while (hexFrom + MIN_HEX <= n) {
      const probe = hexFrom + MIN_HEX - 1;
      if (!isHex(text.charCodeAt(probe))) {
        hexFrom = probe + 1;
        continue;
      }
      let start = probe;
      while (start > hexFrom && isHex(text.charCodeAt(start - 1))) start--;
      let stop = probe + 1;
      while (stop < n && isHex(text.charCodeAt(stop))) stop++;
      const prefixed = start >= 2 && (text.charCodeAt(start - 1) | 32) === 120 && text.charCodeAt(start - 2) === 48; // 0x / 0X
      const before = prefixed ? start - 2 : start;
      const whole = (before === 0 || !isAlphanumeric(text.charCodeAt(before - 1))) && (stop === n || !isAlphanumeric(text.charCodeAt(stop)));
      const length = stop - start;
      if (whole && length >= MIN_HEX && length % 2 === 0 && length <= MAX_RUN && hexMayBeAscii(text, start, stop)) {
        if (!take(before, stop, 'hex', decodeHexText(text.slice(start, stop)))) break scan;
      }
      hexFrom = stop + 1;
    }
  }
  return runs.sort((a, b) => a.start - b.start);
}

export interface DecodedWindow {
  /** Up to `context` characters of the run's line before it, the decoded text, and as many after. */
  text: string;
  /** Where the decoded text sits in `text`. */
  decodedStart: number;
  decodedEnd: number;
}

/** The run's line around it with the run replaced by its decoded text, bounded to `context` each side. */
export function decodedWindow(text: string, run: EncodedRun, context = 200): DecodedWindow {
  const before = text.slice(lineStartNear(text, run.start, context), run.start);
  const after = text.slice(run.end, lineEndNear(text, run.end, context));
  return { text: before + run.decoded + after, decodedStart: before.length, decodedEnd: before.length + run.decoded.length };
}
