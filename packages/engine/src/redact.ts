// Redaction shows only what every value of a format shares: the literal text the rule's pattern puts at
// the start of its secret group (`ghp_`, `AKIA`, `sk_live_`, `xoxb-`). Never a character of the random part,
// so a redacted value tells a reader the kind of credential and nothing that narrows down which one.
import type { Rule } from './types.js';

const MASK = '*****';
/** Longer literal prefixes (PEM armour) are cut: the kind is clear well before 16 characters. */
const MAX_SHOWN = 16;

/** One step of a pattern's fixed start: a literal, or a choice of literals (`(?:AKIA|ASIA)`). */
type PrefixPart = string | readonly string[];

const cache = new WeakMap<Rule, readonly PrefixPart[]>();

/** The redacted form of `secret`, found by `rule`: its public prefix, if any, then `*****`. */
export function redactSecret(secret: string, rule: Pick<Rule, 'pattern' | 'caseInsensitive'>): string {
  let parts = cache.get(rule as Rule);
  if (!parts) {
    parts = fixedStartOfSecret(rule.pattern);
    cache.set(rule as Rule, parts);
  }
  const shown = publicPrefix(secret, parts, rule.caseInsensitive || /^\(\?[a-z]*i[a-z]*\)/.test(rule.pattern));
  // A prefix that is most of the value would leave little hidden of a short one; show nothing then.
  if (shown.length === 0 || shown.length * 2 > secret.length) return MASK;
  return shown.slice(0, MAX_SHOWN) + MASK;
}

function publicPrefix(secret: string, parts: readonly PrefixPart[], caseInsensitive: boolean): string {
  const same = (a: string, b: string) => (caseInsensitive ? a.toLowerCase() === b.toLowerCase() : a === b);
  let at = 0;
  for (const part of parts) {
    const options = typeof part === 'string' ? [part] : part;
    const hit = options.filter((o) => same(secret.slice(at, at + o.length), o)).sort((a, b) => b.length - a.length)[0];
    if (hit === undefined) break;
    at += hit.length;
  }
  return secret.slice(0, at);
}

/**
 * The literal parts at the start of the secret group (the `secret` named group, else group 1, else the
 * whole pattern), up to the first character class, wildcard, optional or repeated atom, or group that is
 * not a plain choice of literals. A secret group that is itself a choice at its top level has none.
 */
export function fixedStartOfSecret(pattern: string): PrefixPart[] {
  const start = groupStart(pattern);
  if (start === undefined) return [];
  if (hasTopLevelAlternation(pattern, start)) return [];
  const parts: PrefixPart[] = [];
  let literal = '';
  const flush = () => {
    if (literal) parts.push(literal);
    literal = '';
  };
  let i = start;
  while (i < pattern.length) {
    const c = pattern[i]!;
    let atom: PrefixPart | undefined;
    let next: number;
    if (c === '\\') {
      const e = pattern[i + 1];
      if (e === 'b' || e === 'A') {
        i += 2; // zero-width: matches no character of the secret
        continue;
      }
      if (e === undefined || /[A-Za-z0-9]/.test(e)) break; // a class (\d, \w), a hex or other escape: not literal
      atom = e;
      next = i + 2;
    } else if (c === '(' && pattern.startsWith('(?:', i)) {
      const choice = literalChoice(pattern, i + 3);
      if (!choice) break;
      atom = choice.options;
      next = choice.end;
    } else if ('[().|*+?{}^$'.includes(c)) {
      break;
    } else {
      atom = c;
      next = i + 1;
    }
    const quantifier = pattern[next];
    if (quantifier === '?' || quantifier === '*' || quantifier === '{') break; // optional or counted: not fixed
    if (typeof atom === 'string') literal += atom;
    else {
      flush();
      parts.push(atom);
    }
    if (quantifier === '+') break; // one copy is fixed, the rest varies
    i = next;
  }
  flush();
  return parts;
}

/** Index just inside the secret group's opening parenthesis; 0 when the pattern has no group. */
function groupStart(pattern: string): number | undefined {
  const named = /\(\?P?<secret>/.exec(pattern);
  if (named) return named.index + named[0].length;
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i] === '\\') i++;
    else if (pattern[i] === '[') i = classEnd(pattern, i);
    else if (pattern[i] === '(' && pattern[i + 1] !== '?') return i + 1;
  }
  return /^\(\?[a-z]+\)/.exec(pattern)?.[0].length ?? 0;
}

function classEnd(pattern: string, i: number): number {
  let j = i + 1;
  if (pattern[j] === '^') j++;
  if (pattern[j] === ']') j++;
  for (; j < pattern.length && pattern[j] !== ']'; j++) if (pattern[j] === '\\') j++;
  return j;
}

/** Whether the group that starts at `start` (just inside its parenthesis) has a `|` of its own. */
function hasTopLevelAlternation(pattern: string, start: number): boolean {
  let depth = 0;
  for (let i = start; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') i++;
    else if (c === '[') i = classEnd(pattern, i);
    else if (c === '(') depth++;
    else if (c === ')') {
      if (depth === 0) return false;
      depth--;
    } else if (c === '|' && depth === 0) return true;
  }
  return false;
}

/** `(?:AKIA|ASIA)`: a group whose every alternative is plain literal text; its options and where it ends. */
function literalChoice(pattern: string, from: number): { options: string[]; end: number } | undefined {
  const options: string[] = [];
  let current = '';
  for (let i = from; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\') {
      const e = pattern[i + 1];
      if (e === undefined || /[A-Za-z0-9]/.test(e)) return undefined;
      current += e;
      i++;
    } else if (c === '|') {
      options.push(current);
      current = '';
    } else if (c === ')') {
      options.push(current);
      return options.every((o) => o.length > 0) ? { options, end: i + 1 } : undefined;
    } else if ('[(.*+?{}^$'.includes(c)) {
      return undefined;
    } else current += c;
  }
  return undefined;
}
