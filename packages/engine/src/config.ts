// `.keyward.yaml`: extends the built-in rules, adds custom rules and allowlists. Unknown keys are an
// error naming the file and the key, so a misspelt setting never silently does nothing.
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { Detector } from './detector.js';
import { expandExample } from './examples.js';
import { INLINE_IGNORE_STYLES, type InlineIgnoreStyle } from './inline-ignores.js';
import { quoteUserText } from './quote.js';
import { parseAllowlist, parseRule, RuleError } from './rules.js';
import type { Allowlist, Rule } from './types.js';

export const CONFIG_FILE_NAMES = ['.keyward.yaml', '.keyward.yml'];
export const DEFAULT_MAX_FILE_SIZE = 25 * 1024 * 1024;

export interface KeywardConfig {
  /** Start from the built-in rules (default true). */
  useDefaultRules: boolean;
  /** Built-in or custom rule ids to turn off. */
  disabledRules: string[];
  /** Custom rules, same fields as a rules/*.yaml entry; examples optional but checked when given. */
  rules: Rule[];
  allowlist?: Allowlist;
  ruleAllowlists: Record<string, Allowlist>;
  maxFileSize: number;
  respectGitignore: boolean;
  /** Check each finding with its provider (`--verify`); off by default. */
  verify: boolean;
  /** Whose inline markers suppress a finding on their line (default: all of INLINE_IGNORE_STYLES). */
  inlineIgnores: InlineIgnoreStyle[];
  /** Findings one rule may report in one file; the rest are counted as capped. */
  maxFindingsPerRulePerFile: number;
  /** Look inside zip, tar, tar.gz and .gz files (directory scans). */
  scanArchives: boolean;
  /** Archives inside archives are opened down to this depth (1: only archives found in the tree). */
  maxArchiveDepth: number;
  /** Bytes one archive may expand to, its nested archives included; past that the rest is skipped and reported. */
  maxArchiveSize: number;
  /** Where it came from, for messages. */
  origin?: string;
}

/** The key and the reason quote the file's own text, which may hold a credential: both are made safe to print. */
export class ConfigError extends Error {
  readonly key: string | undefined;
  readonly reason: string;
  constructor(
    readonly file: string,
    key: string | undefined,
    reason: string,
    /** True when the reason is keyward's own words only (a list of allowed keys): nothing to hide in it. */
    reasonIsOurs = false,
  ) {
    const safeKey = key === undefined ? undefined : quoteUserText(key);
    const safeReason = reasonIsOurs ? reason : quoteUserText(reason);
    super(`${file}${safeKey ? `: "${safeKey}"` : ''}: ${safeReason}`);
    this.key = safeKey;
    this.reason = safeReason;
    this.name = 'ConfigError';
  }
}

export const DEFAULT_MAX_FINDINGS_PER_RULE_PER_FILE = 100;
export const DEFAULT_MAX_ARCHIVE_DEPTH = 2;
export const DEFAULT_MAX_ARCHIVE_SIZE = 256 * 1024 * 1024;

const TOP_KEYS = [
  'useDefaultRules',
  'disabledRules',
  'rules',
  'allowlist',
  'ruleAllowlists',
  'maxFileSize',
  'respectGitignore',
  'inlineIgnores',
  'verify',
  'maxFindingsPerRulePerFile',
  'scanArchives',
  'maxArchiveDepth',
  'maxArchiveSize',
];

export function defaultConfig(): KeywardConfig {
  return {
    useDefaultRules: true,
    disabledRules: [],
    rules: [],
    ruleAllowlists: {},
    maxFileSize: DEFAULT_MAX_FILE_SIZE,
    respectGitignore: true,
    inlineIgnores: [...INLINE_IGNORE_STYLES],
    verify: false,
    maxFindingsPerRulePerFile: DEFAULT_MAX_FINDINGS_PER_RULE_PER_FILE,
    scanArchives: true,
    maxArchiveDepth: DEFAULT_MAX_ARCHIVE_DEPTH,
    maxArchiveSize: DEFAULT_MAX_ARCHIVE_SIZE,
  };
}

/** `25MB`, `512KB`, `1.5 GB`, or a plain number of bytes. */
export function parseSize(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value > 0 ? Math.floor(value) : undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|kib|mb|mib|gb|gib)?\s*$/i.exec(value);
  if (!m) return undefined;
  const units: Record<string, number> = { b: 1, kb: 1024, kib: 1024, mb: 1024 ** 2, mib: 1024 ** 2, gb: 1024 ** 3, gib: 1024 ** 3 };
  const bytes = Number(m[1]) * units[(m[2] ?? 'b').toLowerCase()]!;
  return bytes > 0 ? Math.floor(bytes) : undefined;
}

export function parseConfig(source: string, origin: string): KeywardConfig {
  let doc: unknown;
  try {
    doc = parseYaml(source, { uniqueKeys: true });
  } catch (error) {
    const reason = error instanceof YAMLParseError ? error.message.split('\n')[0]! : String(error);
    throw new ConfigError(origin, undefined, `not valid YAML: ${reason}`);
  }
  const config = defaultConfig();
  config.origin = origin;
  if (doc === null || doc === undefined) return config;
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new ConfigError(origin, undefined, 'must be a mapping');
  const raw = doc as Record<string, unknown>;
  for (const key of Object.keys(raw)) {
    if (!TOP_KEYS.includes(key)) throw new ConfigError(origin, key, `unknown key (allowed: ${TOP_KEYS.join(', ')})`, true);
  }
  const fail = (key: string, reason: string): never => {
    throw new ConfigError(origin, key, reason);
  };
  if (raw.useDefaultRules !== undefined) {
    if (typeof raw.useDefaultRules !== 'boolean') fail('useDefaultRules', 'must be true or false');
    config.useDefaultRules = raw.useDefaultRules as boolean;
  }
  if (raw.respectGitignore !== undefined) {
    if (typeof raw.respectGitignore !== 'boolean') fail('respectGitignore', 'must be true or false');
    config.respectGitignore = raw.respectGitignore as boolean;
  }
  if (raw.verify !== undefined) {
    if (typeof raw.verify !== 'boolean') fail('verify', 'must be true or false');
    config.verify = raw.verify as boolean;
  }
  if (raw.maxFileSize !== undefined) {
    const size = typeof raw.maxFileSize === 'string' || typeof raw.maxFileSize === 'number' ? parseSize(raw.maxFileSize) : undefined;
    if (size === undefined) fail('maxFileSize', 'must be a size such as 25MB or a number of bytes');
    config.maxFileSize = size!;
  }
  if (raw.maxFindingsPerRulePerFile !== undefined) {
    const n = raw.maxFindingsPerRulePerFile;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) fail('maxFindingsPerRulePerFile', 'must be a whole number of at least 1');
    config.maxFindingsPerRulePerFile = n as number;
  }
  if (raw.scanArchives !== undefined) {
    if (typeof raw.scanArchives !== 'boolean') fail('scanArchives', 'must be true or false');
    config.scanArchives = raw.scanArchives as boolean;
  }
  if (raw.maxArchiveDepth !== undefined) {
    const n = raw.maxArchiveDepth;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 16) fail('maxArchiveDepth', 'must be a whole number from 1 to 16');
    config.maxArchiveDepth = n as number;
  }
  if (raw.maxArchiveSize !== undefined) {
    const size = typeof raw.maxArchiveSize === 'string' || typeof raw.maxArchiveSize === 'number' ? parseSize(raw.maxArchiveSize) : undefined;
    if (size === undefined) fail('maxArchiveSize', 'must be a size such as 256MB or a number of bytes');
    config.maxArchiveSize = size!;
  }
  if (raw.disabledRules !== undefined) {
    if (!Array.isArray(raw.disabledRules) || raw.disabledRules.some((r) => typeof r !== 'string')) {
      fail('disabledRules', 'must be a list of rule ids');
    }
    config.disabledRules = raw.disabledRules as string[];
  }
  if (raw.inlineIgnores !== undefined) {
    const styles = raw.inlineIgnores;
    if (!Array.isArray(styles) || styles.some((s) => !(INLINE_IGNORE_STYLES as readonly unknown[]).includes(s))) {
      fail('inlineIgnores', `must be a list of: ${INLINE_IGNORE_STYLES.join(', ')} (an empty list turns inline markers off)`);
    }
    config.inlineIgnores = styles as InlineIgnoreStyle[];
  }
  const allowlistFail = (field: string, reason: string): never => fail(field, reason);
  if (raw.allowlist !== undefined) config.allowlist = parseAllowlist(raw.allowlist, allowlistFail, 'allowlist');
  if (raw.ruleAllowlists !== undefined) {
    if (typeof raw.ruleAllowlists !== 'object' || raw.ruleAllowlists === null || Array.isArray(raw.ruleAllowlists)) {
      fail('ruleAllowlists', 'must map rule ids to allowlists');
    }
    for (const [id, value] of Object.entries(raw.ruleAllowlists as Record<string, unknown>)) {
      config.ruleAllowlists[id] = parseAllowlist(value, allowlistFail, `ruleAllowlists.${id}`);
    }
  }
  if (raw.rules !== undefined) {
    if (!Array.isArray(raw.rules)) fail('rules', 'must be a list of rules');
    try {
      config.rules = (raw.rules as unknown[]).map((r, i) =>
        parseRule(r, origin, { provider: 'Custom' }, i, { requireExamples: false, requireDocs: false }),
      );
    } catch (error) {
      if (error instanceof RuleError) throw new ConfigError(origin, `rules: ${error.ruleId ?? ''} ${error.field ?? ''}`.trim(), error.reason);
      throw error;
    }
    for (const rule of config.rules) checkCustomRuleExamples(rule, origin);
  }
  return config;
}

/** A custom rule's examples, when it has them, must hold: the same guarantee the built-in rules give. */
function checkCustomRuleExamples(rule: Rule, origin: string): void {
  if (rule.examples.match.length === 0 && rule.examples.noMatch.length === 0) return;
  const detector = new Detector([rule]);
  rule.examples.match.forEach((template, i) => {
    const text = expandExample(template, `${rule.id}:match:${i}`);
    if (!detector.detect({ text, path: 'example' }).some((f) => f.ruleId === rule.id)) {
      throw new ConfigError(origin, `rules: ${rule.id} examples.match[${i}]`, 'the rule does not match its own example');
    }
  });
  rule.examples.noMatch.forEach((template, i) => {
    const text = expandExample(template, `${rule.id}:noMatch:${i}`);
    if (detector.detect({ text, path: 'example' }).length > 0) {
      throw new ConfigError(origin, `rules: ${rule.id} examples.noMatch[${i}]`, 'the rule matches an example it must not match');
    }
  });
}

/** Built-in rules plus the config's custom rules, less the disabled ones. Unknown ids are an error. */
export function resolveRules(builtin: readonly Rule[], config: KeywardConfig): Rule[] {
  const origin = config.origin ?? 'config';
  const base = config.useDefaultRules ? [...builtin] : [];
  const ids = new Set(base.map((r) => r.id));
  for (const rule of config.rules) {
    if (ids.has(rule.id)) {
      throw new ConfigError(origin, `rules: ${rule.id}`, 'a rule with this id already exists; choose another id or disable the built-in one');
    }
    ids.add(rule.id);
    base.push(rule);
  }
  for (const id of [...config.disabledRules, ...Object.keys(config.ruleAllowlists)]) {
    if (!ids.has(id) && !builtin.some((r) => r.id === id)) {
      throw new ConfigError(origin, id, 'names no rule (see `keyward rules list`)');
    }
  }
  const disabled = new Set(config.disabledRules);
  return base.filter((r) => !disabled.has(r.id));
}
