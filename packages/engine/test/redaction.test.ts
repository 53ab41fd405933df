// A redacted value shows the fixed, public start of its format (`ghp_`, `AKIA`) and never a character of the
// random part. Checked on every built-in rule's own examples: the random parts are the spans the example
// placeholders filled, so the test knows exactly which characters are random.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Detector, SeededRandom, expandExampleWithSpans, fixedStartOfSecret, loadRuleDirectory, redactSecret, validators, type GeneratedSpan } from '../src/index.js';

const rulesDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../rules');
const rules = await loadRuleDirectory(rulesDir);

/** The part of a generated value that is the same whatever the seed: a validator's fixed prefix (`ghp_`). */
function fixedLead(span: GeneratedSpan): number {
  if (span.kind === 'rand') return 0;
  const cut = span.args.indexOf(':');
  const validator = validators.get((cut < 0 ? span.args : span.args.slice(0, cut)).trim())!;
  const arg = cut < 0 ? undefined : span.args.slice(cut + 1);
  const [a, b, c] = ['lead-1', 'lead-2', 'lead-3'].map((seed) => validator.generate(new SeededRandom(seed), arg));
  let n = 0;
  while (n < a!.length && a![n] === b![n] && a![n] === c![n]) n++;
  return n;
}

function offsetOf(text: string, line: number, column: number): number {
  let offset = 0;
  for (let l = 1; l < line; l++) offset = text.indexOf('\n', offset) + 1;
  return offset + column - 1;
}

describe('redaction', () => {
  it('derives the public start from the secret group of the pattern', () => {
    expect(fixedStartOfSecret('\\b(?P<secret>ghp_[A-Za-z0-9]{36})\\b')).toEqual(['ghp_']);
    expect(fixedStartOfSecret('\\b(?P<secret>(?:AKIA|ASIA)[A-Z2-7]{16})\\b')).toEqual([['AKIA', 'ASIA']]);
    expect(fixedStartOfSecret('(?P<secret>sk_(?:live|test)_[A-Za-z0-9]{24})')).toEqual(['sk_', ['live', 'test'], '_']);
    expect(fixedStartOfSecret('(?P<secret>amzn\\.mws\\.[0-9a-f]{8})')).toEqual(['amzn.mws.']);
    expect(fixedStartOfSecret('(?i:aws_?secret)\\s*=\\s*(?P<secret>[A-Za-z0-9/+]{40})')).toEqual([]);
    expect(fixedStartOfSecret('(?P<secret>xoxb?-[0-9]{10})')).toEqual(['xox']);
    expect(fixedStartOfSecret('(?P<secret>ghp_[a-z]+|gho_[a-z]+)')).toEqual([]);
    expect(redactSecret('AKIA' + 'Q'.repeat(16), { pattern: '(?P<secret>(?:AKIA|ASIA)[A-Z2-7]{16})', caseInsensitive: false })).toBe('AKIA*****');
    const random40 = new SeededRandom('redaction').string('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 40);
    expect(redactSecret(random40, { pattern: 'secret=(?P<secret>[A-Za-z0-9/+]{40})', caseInsensitive: false })).toBe('*****');
  });

  it('shows no character of the random part, for every example of every built-in rule', () => {
    let checked = 0;
    const leaks: string[] = [];
    for (const rule of rules) {
      const detector = new Detector([rule]);
      rule.examples.match.forEach((template, i) => {
        const { text, spans } = expandExampleWithSpans(template, `${rule.id}:match:${i}`);
        const random = new Set<number>();
        for (const span of spans) for (let p = span.start + fixedLead(span); p < span.end; p++) random.add(p);
        for (const finding of detector.detect({ text, path: 'example.txt' })) {
          const shown = finding.redacted.replace(/\*{5}$/, '');
          expect(finding.redacted.endsWith('*****')).toBe(true);
          expect(finding.secret.startsWith(shown), `${rule.id}: ${finding.redacted}`).toBe(true);
          // Where the secret sits in the text: at the finding, unless it was decoded from an encoded run.
          const at = offsetOf(text, finding.startLine, finding.startColumn);
          if (text.slice(at, at + finding.secret.length) !== finding.secret) continue;
          checked++;
          for (let k = 0; k < shown.length; k++) {
            if (random.has(at + k)) {
              leaks.push(`${rule.id} match[${i}]: shows random character ${k + 1} (${finding.redacted.length - 5} shown)`);
              break;
            }
          }
        }
      });
    }
    expect(leaks).toEqual([]);
    expect(checked).toBeGreaterThan(rules.length);
  });
});
