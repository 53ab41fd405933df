// Error messages quote what the user wrote (a misspelt key, a rule id, a bad pattern, a bad line), and a
// config file or a baseline may hold a credential pasted in the wrong place. A message is printed, and in
// the action becomes an `::error::` annotation, so whatever it quotes is made safe here first.
import { builtinRules } from './builtin.js';
import { Detector } from './detector.js';

let detector: Detector | undefined;

/**
 * Runs of token characters that look random (letters and digits mixed, 8 or more; or any run of 24 or
 * more) are never quoted: a password or an unknown-format token has no rule to recognise it. Identifiers
 * people misspell (config keys, rule ids such as `aws-access-key`) are words without digits, so they show.
 */
const RANDOM_LOOKING = /[A-Za-z0-9_+/=]{8,}/g;

function looksRandom(run: string): boolean {
  return run.length >= 24 || (/[A-Za-z]/.test(run) && /[0-9]/.test(run));
}

/**
 * `text` safe to print: credentials the built-in rules recognise become their redacted form (`ghp_*****`),
 * and any other random-looking run becomes its length only (`[12 characters hidden]`).
 */
export function quoteUserText(text: string): string {
  detector ??= new Detector(builtinRules());
  const spans = detector
    .detect({ text, path: '(message)' })
    .map((f) => ({ start: offsetOf(text, f.startLine, f.startColumn), end: offsetOf(text, f.endLine, f.endColumn), redacted: f.redacted }))
    .sort((a, b) => a.start - b.start);
  let out = '';
  let at = 0;
  for (const span of spans) {
    if (span.start < at) continue; // overlapping findings: the first one already covers it
    out += hideRandomRuns(text.slice(at, span.start)) + span.redacted;
    at = span.end;
  }
  return out + hideRandomRuns(text.slice(at));
}

function hideRandomRuns(text: string): string {
  return text.replace(RANDOM_LOOKING, (run) => (looksRandom(run) ? `[${run.length} characters hidden]` : run));
}

/** The string offset of a 1-based line and column, as findings report them. */
function offsetOf(text: string, line: number, column: number): number {
  let offset = 0;
  for (let l = 1; l < line; l++) {
    const next = text.indexOf('\n', offset);
    if (next < 0) break;
    offset = next + 1;
  }
  return offset + column - 1;
}
