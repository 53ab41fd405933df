// Every built-in rule carries its own examples; this runs them all through the real detector (prefilter,
// regex, entropy, checksum, filters), so a rule whose keywords miss its own pattern fails here too.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Detector, expandExample, loadRuleDirectory, type Rule } from '../src/index.js';

const rulesDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../rules');
const rules = await loadRuleDirectory(rulesDir);

describe('built-in rules', () => {
  it('load, with unique ids, and at least one rule', () => {
    expect(rules.length).toBeGreaterThan(0);
    expect(new Set(rules.map((r) => r.id)).size).toBe(rules.length);
  });

  it.each(rules.map((r) => [r.id, r] as const))('%s: examples', (_id, rule: Rule) => {
    const detector = new Detector([rule]);
    rule.examples.match.forEach((template, i) => {
      const text = expandExample(template, `${rule.id}:match:${i}`);
      const found = detector.detect({ text, path: 'example.txt' });
      expect(found.map((f) => f.ruleId), `match[${i}] should be found: ${template}`).toContain(rule.id);
    });
    rule.examples.noMatch.forEach((template, i) => {
      const text = expandExample(template, `${rule.id}:noMatch:${i}`);
      const found = detector.detect({ text, path: 'example.txt' });
      expect(found.length, `noMatch[${i}] should not be found: ${template}`).toBe(0);
    });
  });
});
