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

/**
 * Every form of `value` the runner should mask: the value, each line, and the encodings a later step might
 * print that the runner's own masker does not derive (base64 at each of the three alignments a value can sit at
 * inside a longer base64 text, with and without padding, base64url, hex, URL-encoding, JSON escaping).
 * Forms shorter than MIN_MASKABLE_LENGTH are dropped: each is a fragment of a form that is masked whole.
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
  forms.add(encodeURIComponent(value));
  forms.add(encodeURIComponent(value).replace(/%20/g, '+')); // form encoding
  forms.add(JSON.stringify(value).slice(1, -1));

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
