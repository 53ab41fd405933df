import type { ProvisionRunner } from './runner.js';

/**
 * Shorter values are refused: masking them would replace ordinary words all over the log (garbling it),
 * and the runner's own masker ignores very short values anyway.
 */
export const MIN_MASKABLE_LENGTH = 8;

export class MaskingRefusedError extends Error {
  constructor(what: string, length: number) {
    super(
      `${what} is ${length} characters long; values shorter than ${MIN_MASKABLE_LENGTH} cannot be masked ` +
        'without garbling the log, so keyward refuses to hand it out',
    );
    this.name = 'MaskingRefusedError';
  }
}

/**
 * The base64 characters fully determined by `bytes` alone. The final 1-2 characters of an unpadded group also
 * depend on whatever byte follows, so they are left off: what remains appears verbatim inside any longer
 * base64 text that contains these bytes at this alignment.
 */
function stableBase64(bytes: Buffer): string {
  const full = Math.floor(bytes.length / 3) * 4;
  const rest = bytes.length % 3; // 1 byte pins 1 char, 2 bytes pin 2 chars
  return bytes.toString('base64').slice(0, full + rest);
}

const toBase64Url = (b64: string): string => b64.replace(/\+/g, '-').replace(/\//g, '_');

/** Line widths of wrapped base64 output: GNU `base64` and MIME (76), `openssl base64` and PEM bodies (64). */
const WRAPPED_BASE64_WIDTHS = [76, 64] as const;
/** Line width of `xxd -p` (plain hex dump): 30 bytes per line. */
const WRAPPED_HEX_WIDTH = 60;

const chunk = (text: string, width: number): string[] => {
  const lines: string[] = [];
  for (let at = 0; at < text.length; at += width) lines.push(text.slice(at, at + width));
  return lines;
};

/**
 * The lines a wrapping encoder prints for a text that begins with `bytes`: the runner masks line by line, so
 * each line is a form of its own. What follows the value changes only its last line, so that line is given
 * for nothing after it (`printf %s "$X" | base64`), a newline after it (`echo "$X" | base64`), and anything
 * else after it (only its stable characters, which appear verbatim whatever follows).
 */
function wrappedForms(bytes: Buffer): string[] {
  const forms: string[] = [];
  for (const whole of [bytes, Buffer.concat([bytes, Buffer.from('\n')])]) {
    for (const width of WRAPPED_BASE64_WIDTHS) forms.push(...chunk(whole.toString('base64'), width));
    const hex = whole.toString('hex');
    forms.push(...chunk(hex, WRAPPED_HEX_WIDTH), ...chunk(hex.toUpperCase(), WRAPPED_HEX_WIDTH));
  }
  for (const width of WRAPPED_BASE64_WIDTHS) forms.push(...chunk(stableBase64(bytes), width));
  return forms;
}

/**
 * Every form of `value` the runner should mask: the value, each line, and the encodings a later step might
 * print that the runner's own masker does not derive (base64 at each of the three alignments a value can sit at
 * inside a longer base64 text, with and without padding, base64url, hex, URL-encoding, JSON escaping), and the
 * lines of the wrapped base64 (76 and 64 columns) and `xxd -p` hex (60 columns) of the value and, for a
 * single-line value, of its URL-, form- and JSON-escaped forms. Forms shorter than MIN_MASKABLE_LENGTH are
 * dropped: each is a fragment of a form that is masked whole, or a last wrapped line too short to mask without
 * garbling the log.
 */
export function maskingForms(value: string): string[] {
  const forms = new Set<string>([value]);
  for (const line of value.split(/\r?\n/)) forms.add(line.trim());

  const bytes = Buffer.from(value, 'utf8');
  const padded = bytes.toString('base64');
  forms.add(padded);
  forms.add(padded.replace(/=+$/, ''));
  forms.add(toBase64Url(padded.replace(/=+$/, '')));
  // A value starting at offset 3k+1 or 3k+2 of an encoded text aligns after dropping 2 or 1 leading bytes.
  for (const drop of [0, 1, 2]) {
    const stable = stableBase64(bytes.subarray(drop));
    forms.add(stable);
    forms.add(toBase64Url(stable));
  }
  forms.add(bytes.toString('hex'));
  forms.add(bytes.toString('hex').toUpperCase());
  const urlEncoded = encodeURIComponent(value);
  const formEncoded = urlEncoded.replace(/%20/g, '+');
  const jsonEscaped = JSON.stringify(value).slice(1, -1);
  forms.add(urlEncoded);
  forms.add(formEncoded);
  forms.add(jsonEscaped);

  // Texts a later step might pipe through `base64` or `xxd -p` whole; a wrapped encoder then splits them. For a
  // multi-line value (a PEM key) only the value itself: its escaped forms and single lines are rarely encoded,
  // and their wrapped lines would add hundreds of masks.
  const wrappable = new Set(value.includes('\n') ? [value] : [value, urlEncoded, formEncoded, jsonEscaped]);
  for (const text of wrappable) for (const form of wrappedForms(Buffer.from(text, 'utf8'))) forms.add(form);

  return [...forms].filter((form) => form.length >= MIN_MASKABLE_LENGTH);
}

/**
 * Registers `value` and its derived forms with the runner. Must run before the value reaches any output.
 * Returns how many forms were registered (recorded in the audit trail; the forms themselves never are).
 */
export function registerMasks(runner: Pick<ProvisionRunner, 'setSecret'>, value: string, what: string): number {
  if (value.length < MIN_MASKABLE_LENGTH) throw new MaskingRefusedError(what, value.length);
  const forms = maskingForms(value);
  for (const form of forms) runner.setSecret(form);
  return forms.length;
}
