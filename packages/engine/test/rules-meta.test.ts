// The rule file, its examples (its tests) and its line in docs/rules.md go together: this fails when
// one is missing or stale, the way typescript-eslint's meta-tests do.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { builtinRules, loadRuleDirectory } from '../src/index.js';
import { builtinRuleFiles } from '../src/generated/builtin-rules.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const rules = await loadRuleDirectory(path.join(root, 'rules'));

describe('rules meta', () => {
  it('the generated built-in module holds exactly the files in rules/ (else run pnpm generate)', () => {
    const onDisk = readdirSync(path.join(root, 'rules'))
      .filter((n) => n.endsWith('.yaml'))
      .sort()
      .map((name) => ({ name, document: parseYaml(readFileSync(path.join(root, 'rules', name), 'utf8')) as unknown }));
    expect(builtinRuleFiles.map((f) => f.name)).toEqual(onDisk.map((f) => f.name));
    for (const [i, f] of onDisk.entries()) expect(builtinRuleFiles[i]!.document, `${f.name} is stale in the generated module`).toEqual(f.document);
    expect(builtinRules().map((r) => r.id)).toEqual(rules.map((r) => r.id));
  });

  it('every rule has examples both ways and an https link to the format documentation', () => {
    for (const rule of rules) {
      expect(rule.examples.match.length, rule.id).toBeGreaterThan(0);
      expect(rule.examples.noMatch.length, rule.id).toBeGreaterThan(0);
      expect(rule.docs, rule.id).toMatch(/^https:\/\//);
    }
  });

  it('every rule is in docs/rules.md (else run pnpm generate)', () => {
    const doc = readFileSync(path.join(root, 'docs/rules.md'), 'utf8');
    const missing = rules.filter((r) => !doc.includes(`\`${r.id}\``)).map((r) => r.id);
    expect(missing).toEqual([]);
  });

  it('every rule file cites its documentation in a comment at the top', () => {
    for (const name of readdirSync(path.join(root, 'rules')).filter((n) => n.endsWith('.yaml'))) {
      const head = readFileSync(path.join(root, 'rules', name), 'utf8').split('\n').slice(0, 12).join('\n');
      expect(head, name).toMatch(/#.*https:\/\//);
    }
  });
});
