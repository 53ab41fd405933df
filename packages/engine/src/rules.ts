// Rules are data: one YAML file per provider. Loading is strict, and every error names the file,
// the rule id and the field at fault, because a typo in a rule must never silently disable it.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { parseVerifySpec, VerifySpecError } from './verify/spec.js';
import { compileRegex, RegexSyntaxError } from './regex.js';
import type { Allowlist, Precision, Rule, Severity } from './types.js';
import { validators } from './validators/index.js';

export class RuleError extends Error {
  constructor(
    readonly file: string,
    readonly ruleId: string | undefined,
    readonly field: string | undefined,
    readonly reason: string,
  ) {
    const where = [file, ruleId ? `rule "${ruleId}"` : undefined, field ? `field "${field}"` : undefined]
      .filter(Boolean)
      .join(': ');
    super(`${where}: ${reason}`);
    this.name = 'RuleError';
  }
}

const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low'];
const PRECISIONS: readonly Precision[] = ['very-high', 'high', 'medium', 'low'];
const RULE_KEYS = new Set([
  'verify',
  'revoke',
  'id',
  'provider',
  'description',
  'pattern',
  'keywords',
  'entropy',
  'checksum',
  'severity',
  'precision',
  'docs',
  'tags',
  'scope',
  'caseInsensitive',
  'skipFilters',
  'allowlist',
  'examples',
]);
const FILE_KEYS = new Set(['provider', 'docs', 'rules']);
const ALLOWLIST_KEYS = new Set(['paths', 'pathRegexes', 'regexes', 'regexTarget', 'stopwords']);
const ID_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)+$/;

type Raw = Record<string, unknown>;

function isObject(value: unknown): value is Raw {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringList(value: unknown, fail: (reason: string) => never, allowEmpty = true): string[] {
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) fail('must be a list of strings');
  if (!allowEmpty && value.length === 0) fail('must not be empty');
  return value as string[];
}

export function parseAllowlist(value: unknown, fail: (field: string, reason: string) => never, field: string): Allowlist {
  if (!isObject(value)) fail(field, 'must be a mapping');
  for (const key of Object.keys(value)) {
    if (!ALLOWLIST_KEYS.has(key)) fail(`${field}.${key}`, `unknown key (allowed: ${[...ALLOWLIST_KEYS].join(', ')})`);
  }
  const out: Allowlist = {};
  const sub = (name: string) => (reason: string) => fail(`${field}.${name}`, reason);
  if (value.paths !== undefined) out.paths = stringList(value.paths, sub('paths'));
  for (const key of ['regexes', 'pathRegexes'] as const) {
    if (value[key] === undefined) continue;
    const patterns = (out[key] = stringList(value[key], sub(key)));
    for (const [i, pattern] of patterns.entries()) {
      try {
        compileRegex(pattern, {}, 're2js');
      } catch (error) {
        fail(`${field}.${key}[${i}]`, (error as Error).message);
      }
    }
  }
  if (value.stopwords !== undefined) out.stopwords = stringList(value.stopwords, sub('stopwords'));
  if (value.regexTarget !== undefined) {
    if (value.regexTarget !== 'secret' && value.regexTarget !== 'match' && value.regexTarget !== 'line') {
      fail(`${field}.regexTarget`, 'must be one of secret, match, line');
    }
    out.regexTarget = value.regexTarget;
  }
  return out;
}

export interface LoadOptions {
  /**
   * Compile each pattern with RE2 to check it (default). Only the built-in rules turn this off: the tests
   * load rules/ with the check on, and `pnpm generate --check` keeps the embedded copy equal to rules/.
   */
  checkPatterns?: boolean;
}

/** Parse and check one rule from a rule file or a config file. */
export function parseRule(
  raw: unknown,
  origin: string,
  defaults: { provider: string; docs?: string },
  index: number,
  options: { requireExamples?: boolean; requireDocs?: boolean; checkPattern?: boolean } = {},
): Rule {
  const requireExamples = options.requireExamples ?? true;
  const requireDocs = options.requireDocs ?? true;
  if (!isObject(raw)) throw new RuleError(origin, undefined, `rules[${index}]`, 'must be a mapping');
  const id = typeof raw.id === 'string' ? raw.id : undefined;
  const fail = (field: string, reason: string): never => {
    throw new RuleError(origin, id ?? `rules[${index}]`, field, reason);
  };
  if (!id) fail('id', 'is required and must be a string');
  if (!ID_PATTERN.test(id!)) fail('id', 'must look like <provider>-<kind>: lower-case words joined by "-"');
  for (const key of Object.keys(raw)) {
    if (!RULE_KEYS.has(key)) fail(key, `unknown key (allowed: ${[...RULE_KEYS].join(', ')})`);
  }
  const text = (field: string, required: boolean): string | undefined => {
    const value = raw[field];
    if (value === undefined) {
      if (required) fail(field, 'is required');
      return undefined;
    }
    if (typeof value !== 'string' || value.trim() === '') fail(field, 'must be a non-empty string');
    return value as string;
  };
  const description = text('description', true)!;
  const pattern = text('pattern', true)!;
  const caseInsensitive = raw.caseInsensitive === undefined ? false : raw.caseInsensitive;
  if (typeof caseInsensitive !== 'boolean') fail('caseInsensitive', 'must be true or false');
  if (options.checkPattern ?? true) {
    try {
      compileRegex(pattern, { caseInsensitive: caseInsensitive as boolean }, 're2js');
    } catch (error) {
      if (error instanceof RegexSyntaxError) fail('pattern', error.message);
      throw error;
    }
  }
  const keywords = stringList(raw.keywords, (r) => fail('keywords', r), false).map((k) => k.toLowerCase());
  if (keywords.some((k) => k.length < 2)) fail('keywords', 'each keyword needs at least 2 characters');
  if (keywords.some((k) => /[\r\n]/.test(k))) fail('keywords', 'a keyword cannot span lines');
  if (keywords.some((k) => /[^\x20-\x7e]/.test(k))) fail('keywords', 'keywords must be printable ASCII');
  const severity = text('severity', true) as Severity;
  if (!SEVERITIES.includes(severity)) fail('severity', `must be one of ${SEVERITIES.join(', ')}`);
  const precision = (text('precision', false) ?? 'high') as Precision;
  if (!PRECISIONS.includes(precision)) fail('precision', `must be one of ${PRECISIONS.join(', ')}`);
  const docs = text('docs', false) ?? defaults.docs ?? (requireDocs ? undefined : '');
  if (docs === undefined) fail('docs', "is required: a link to the provider's documentation of the format");
  if (docs && !/^https:\/\/\S+$/.test(docs)) fail('docs', 'must be an https:// link');
  const provider = text('provider', false) ?? defaults.provider;
  let entropy: number | undefined;
  if (raw.entropy !== undefined) {
    if (typeof raw.entropy !== 'number' || raw.entropy < 0 || raw.entropy > 8) fail('entropy', 'must be a number from 0 to 8');
    entropy = raw.entropy as number;
  }
  const checksum = text('checksum', false);
  if (checksum !== undefined && !validators.has(checksum)) {
    fail('checksum', `names no validator (known: ${[...validators.keys()].join(', ')})`);
  }
  const scope = (text('scope', false) ?? 'line') as Rule['scope'];
  if (scope !== 'line' && scope !== 'file') fail('scope', 'must be line or file');
  const skipFilters = raw.skipFilters === undefined ? false : raw.skipFilters;
  if (typeof skipFilters !== 'boolean') fail('skipFilters', 'must be true or false');
  const tags = raw.tags === undefined ? [] : stringList(raw.tags, (r) => fail('tags', r));
  const allowlist = raw.allowlist === undefined ? undefined : parseAllowlist(raw.allowlist, fail, 'allowlist');
  const examplesRaw = raw.examples ?? (requireExamples ? undefined : {});
  if (!isObject(examplesRaw)) fail('examples', 'is required: a mapping with match and noMatch lists');
  const ex = examplesRaw as Raw;
  for (const key of Object.keys(ex)) if (key !== 'match' && key !== 'noMatch') fail(`examples.${key}`, 'unknown key (allowed: match, noMatch)');
  const match = ex.match === undefined && !requireExamples ? [] : stringList(ex.match, (r) => fail('examples.match', r), false);
  const noMatch = ex.noMatch === undefined && !requireExamples ? [] : stringList(ex.noMatch, (r) => fail('examples.noMatch', r), false);
  const rule: Rule = {
    id: id!,
    provider,
    description,
    pattern,
    keywords,
    severity,
    precision,
    docs: docs as string,
    tags,
    scope,
    caseInsensitive: caseInsensitive as boolean,
    skipFilters: skipFilters as boolean,
    examples: { match, noMatch },
    origin,
  };
  if (entropy !== undefined) rule.entropy = entropy;
  if (checksum !== undefined) rule.checksum = checksum;
  if (allowlist) rule.allowlist = allowlist;
  if (raw.verify !== undefined) {
    try {
      rule.verify = parseVerifySpec(raw.verify);
    } catch (error) {
      if (error instanceof VerifySpecError) fail('verify', error.message);
      throw error;
    }
  }
  const revoke = text('revoke', false);
  if (revoke !== undefined) {
    if (!/^https:\/\/\S+$/.test(revoke)) fail('revoke', "must be an https:// link to the provider's page for revoking or rotating it");
    rule.revoke = revoke;
  }
  return rule;
}

/** Parse one provider's rule file. `origin` is the name used in errors (a path). */
export function parseRuleFile(source: string, origin: string): Rule[] {
  let doc: unknown;
  try {
    doc = parseYaml(source, { prettyErrors: true, uniqueKeys: true });
  } catch (error) {
    const reason = error instanceof YAMLParseError ? error.message.split('\n')[0]! : String(error);
    throw new RuleError(origin, undefined, undefined, `not valid YAML: ${reason}`);
  }
  return parseRuleDocument(doc, origin);
}

/** Check one rule file's parsed document (YAML already read, e.g. embedded in a bundle). */
export function parseRuleDocument(doc: unknown, origin: string, options: LoadOptions = {}): Rule[] {
  if (!isObject(doc)) throw new RuleError(origin, undefined, undefined, 'must be a mapping with provider and rules');
  for (const key of Object.keys(doc)) {
    if (!FILE_KEYS.has(key)) throw new RuleError(origin, undefined, key, `unknown key (allowed: ${[...FILE_KEYS].join(', ')})`);
  }
  if (typeof doc.provider !== 'string' || !doc.provider.trim()) {
    throw new RuleError(origin, undefined, 'provider', 'is required and must be a string');
  }
  if (doc.docs !== undefined && typeof doc.docs !== 'string') throw new RuleError(origin, undefined, 'docs', 'must be a string');
  if (!Array.isArray(doc.rules) || doc.rules.length === 0) {
    throw new RuleError(origin, undefined, 'rules', 'must be a non-empty list');
  }
  const defaults = { provider: doc.provider, ...(doc.docs ? { docs: doc.docs as string } : {}) };
  return doc.rules.map((raw, i) => parseRule(raw, origin, defaults, i, { checkPattern: options.checkPatterns ?? true }));
}

/** Reject a second rule with an id already seen, naming both files. */
export function assertUniqueIds(rules: Rule[]): void {
  const seen = new Map<string, string>();
  for (const rule of rules) {
    const first = seen.get(rule.id);
    if (first !== undefined) {
      throw new RuleError(rule.origin, rule.id, 'id', `duplicate id, already defined in ${first}`);
    }
    seen.set(rule.id, rule.origin);
  }
}

/** Load every `*.yaml` in a directory (the repository's `rules/`). */
export async function loadRuleDirectory(dir: string): Promise<Rule[]> {
  const names = (await readdir(dir)).filter((n) => n.endsWith('.yaml') || n.endsWith('.yml')).sort();
  const rules: Rule[] = [];
  for (const name of names) {
    const file = path.join(dir, name);
    rules.push(...parseRuleFile(await readFile(file, 'utf8'), `rules/${name}`));
  }
  assertUniqueIds(rules);
  return rules;
}

/** Load rules from in-memory files, e.g. the generated built-in bundle. */
export function loadRuleSources(files: ReadonlyArray<{ name: string; source: string }>): Rule[] {
  const rules = files.flatMap((f) => parseRuleFile(f.source, `rules/${f.name}`));
  assertUniqueIds(rules);
  return rules;
}

/** Load rules from parsed documents (the generated built-in bundle), with the same checks. */
export function loadRuleDocuments(files: ReadonlyArray<{ name: string; document: unknown }>, options: LoadOptions = {}): Rule[] {
  const rules = files.flatMap((f) => parseRuleDocument(f.document, `rules/${f.name}`, options));
  assertUniqueIds(rules);
  return rules;
}
