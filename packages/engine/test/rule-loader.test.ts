import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRuleDirectory, parseRuleFile, RuleError } from '../src/index.js';

const valid = {
  id: 'acme-api-key',
  description: 'Acme API key',
  pattern: '\\b(acme_[a-z0-9]{20})\\b',
  keywords: ['acme_'],
  severity: 'high',
  docs: 'https://docs.acme.test/keys',
  examples: { match: ['k={{gen:jwt}} acme_{{rand:lowernum:20}}'], noMatch: ['acme_short'] },
};

function fileWith(rule: Record<string, unknown>, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ provider: 'Acme', rules: [rule], ...extra }); // JSON is YAML
}

function errorOf(source: string): RuleError {
  try {
    parseRuleFile(source, 'rules/acme.yaml');
  } catch (error) {
    if (error instanceof RuleError) return error;
    throw error;
  }
  throw new Error('expected a RuleError');
}

describe('rule loader', () => {
  it('loads a valid rule with defaults', () => {
    const [rule] = parseRuleFile(fileWith(valid), 'rules/acme.yaml');
    expect(rule).toMatchObject({ id: 'acme-api-key', provider: 'Acme', precision: 'high', scope: 'line', tags: [] });
  });

  it.each([
    ['an unknown key', { ...valid, severty: 'high' }, 'severty', 'unknown key'],
    ['a bad severity', { ...valid, severity: 'urgent' }, 'severity', 'must be one of'],
    ['a pattern RE2 rejects', { ...valid, pattern: '(?=x)acme' }, 'pattern', 'invalid RE2 pattern'],
    ['no keywords', { ...valid, keywords: [] }, 'keywords', 'must not be empty'],
    ['no docs link', { ...valid, docs: undefined }, 'docs', 'is required'],
    ['a non-https docs link', { ...valid, docs: 'http://x.test' }, 'docs', 'https://'],
    ['no examples', { ...valid, examples: undefined }, 'examples', 'is required'],
    ['no noMatch examples', { ...valid, examples: { match: ['x'] } }, 'examples.noMatch', 'must be a list'],
    ['an unknown validator', { ...valid, checksum: 'luhn9' }, 'checksum', 'names no validator'],
    ['a bad id', { ...valid, id: 'AcmeKey' }, 'id', '<provider>-<kind>'],
  ])('names the file, the rule and the field for %s', (_what, rule, field, reason) => {
    const error = errorOf(fileWith(rule as Record<string, unknown>));
    expect(error.file).toBe('rules/acme.yaml');
    expect(error.ruleId).toBe(field === 'id' ? 'AcmeKey' : 'acme-api-key');
    expect(error.field).toBe(field);
    expect(error.message).toContain('rules/acme.yaml');
    expect(error.message).toContain(`field "${field}"`);
    expect(error.message).toContain(reason);
  });

  it('rejects invalid YAML and unknown file keys, naming the file', () => {
    expect(errorOf('provider: [unclosed').message).toMatch(/^rules\/acme\.yaml: not valid YAML/);
    expect(errorOf(fileWith(valid, { version: 2 })).message).toContain('field "version": unknown key');
  });

  it('rejects a duplicate id across files, naming both', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'keyward-rules-'));
    writeFileSync(path.join(dir, 'a.yaml'), fileWith(valid));
    writeFileSync(path.join(dir, 'b.yaml'), fileWith(valid));
    await expect(loadRuleDirectory(dir)).rejects.toThrow(/rules\/b\.yaml: rule "acme-api-key": field "id": duplicate id, already defined in rules\/a\.yaml/);
  });
});
