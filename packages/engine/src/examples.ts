// Rule examples are committed as templates and expanded at test time, so the repository never holds
// a realistic credential:  {{rand:<alphabet>:<length>}}  and  {{gen:<validator>[:<arg>]}}.
import { SeededRandom } from './random.js';
import { validators } from './validators/index.js';

const NAMED_ALPHABETS: Record<string, string> = {
  alnum: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789',
  base62: '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz',
  hex: '0123456789abcdef',
  HEX: '0123456789ABCDEF',
  lower: 'abcdefghijklmnopqrstuvwxyz',
  upper: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
  digits: '0123456789',
  base64: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/',
  base64url: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_',
  base32: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567',
  lowernum: 'abcdefghijklmnopqrstuvwxyz0123456789',
  uppernum: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789',
};

/** A named alphabet, or a character-class body such as `A-Za-z0-9_-` (a trailing `-` is literal). */
export function alphabetOf(spec: string): string {
  const named = NAMED_ALPHABETS[spec];
  if (named) return named;
  let out = '';
  for (let i = 0; i < spec.length; i++) {
    const from = spec[i]!;
    if (spec[i + 1] === '-' && i + 2 < spec.length) {
      const to = spec[i + 2]!;
      for (let c = from.charCodeAt(0); c <= to.charCodeAt(0); c++) out += String.fromCharCode(c);
      i += 2;
    } else {
      out += from;
    }
  }
  if (!out) throw new Error(`empty alphabet "${spec}"`);
  return out;
}

const TEMPLATE = /\{\{\s*(rand|gen)\s*:([^}]*)\}\}/g;

export class ExampleTemplateError extends Error {}

export function expandExample(template: string, seed: string): string {
  return expandExampleWithSpans(template, seed).text;
}

/** Where a placeholder's value landed in the expanded text, and which placeholder it was. */
export interface GeneratedSpan {
  start: number;
  end: number;
  kind: 'rand' | 'gen';
  args: string;
}

/** The expansion, and the span each placeholder filled: the random parts, for tests of what may be shown. */
export function expandExampleWithSpans(template: string, seed: string): { text: string; spans: GeneratedSpan[] } {
  const rng = new SeededRandom(seed);
  const spans: GeneratedSpan[] = [];
  let text = '';
  let last = 0;
  for (const m of template.matchAll(TEMPLATE)) {
    text += template.slice(last, m.index);
    const value = expandPlaceholder(m[1] as 'rand' | 'gen', m[2]!, rng);
    spans.push({ start: text.length, end: text.length + value.length, kind: m[1] as 'rand' | 'gen', args: m[2]! });
    text += value;
    last = m.index + m[0].length;
  }
  return { text: text + template.slice(last), spans };
}

function expandPlaceholder(kind: 'rand' | 'gen', args: string, rng: SeededRandom): string {
  if (kind === 'rand') {
    const cut = args.lastIndexOf(':');
    const length = Number(args.slice(cut + 1));
    if (cut < 0 || !Number.isInteger(length) || length <= 0) {
      throw new ExampleTemplateError(`{{rand:${args}}} needs {{rand:<alphabet>:<length>}}`);
    }
    return rng.string(alphabetOf(args.slice(0, cut)), length);
  }
  const cut = args.indexOf(':');
  const name = cut < 0 ? args : args.slice(0, cut);
  const validator = validators.get(name.trim());
  if (!validator) throw new ExampleTemplateError(`{{gen:${args}}} names no validator "${name}"`);
  return validator.generate(rng, cut < 0 ? undefined : args.slice(cut + 1));
}

export function isTemplate(text: string): boolean {
  TEMPLATE.lastIndex = 0;
  const found = TEMPLATE.test(text);
  TEMPLATE.lastIndex = 0;
  return found;
}
