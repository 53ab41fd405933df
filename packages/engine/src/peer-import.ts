// Moving to keyward from gitleaks or detect-secrets without losing what a repository already judged:
// their records of known findings (a gitleaks JSON report, a .gitleaksignore, a detect-secrets
// .secrets.baseline) are matched against keyward's own findings of the same tree, so the result is an
// ordinary keyward baseline; and a .gitleaks.toml's allowlists and custom rules become a .keyward.yaml.
// Formats, as the tools document them:
// - gitleaks report (`gitleaks git|dir --report-format json`): an array of {RuleID, File, StartLine,
//   EndLine, Commit, Secret (or "REDACTED"), Fingerprint}; .gitleaksignore: one Fingerprint a line,
//   `commit:file:rule:line` (git scans) or `file:rule:line` (dir scans), `#` comments
//   (https://github.com/gitleaks/gitleaks#gitleaksignore).
// - detect-secrets baseline: {"version", "results": {file: [{type, filename, hashed_secret (SHA-1 of the
//   secret), line_number, is_verified}]}} (https://github.com/Yelp/detect-secrets#quickstart).
// - .gitleaks.toml: [extend] useDefault, [[rules]] id/description/regex/secretGroup/entropy/keywords/path/
//   tags/allowlists, [allowlist] or [[allowlists]] with paths (regexes), regexes, regexTarget, stopwords,
//   commits (https://github.com/gitleaks/gitleaks#configuration).
import { createHash } from 'node:crypto';
import { parse as parseToml } from 'smol-toml';
import { stringify as stringifyYaml } from 'yaml';
import { capturingGroups, compileRegex } from './regex.js';
import type { Finding } from './types.js';

export class PeerImportError extends Error {
  override name = 'PeerImportError';
}

export type PeerFormat = 'gitleaks-report' | 'gitleaksignore' | 'detect-secrets';

/** One finding another scanner recorded as known, by where it was and, when the record has it, what. */
export interface PeerEntry {
  format: PeerFormat;
  file: string;
  startLine?: number;
  endLine?: number;
  commit?: string;
  peerRule?: string;
  /** The secret itself (an unredacted gitleaks report): compared, never stored or printed. */
  secret?: string;
  /** detect-secrets' SHA-1 of the secret. */
  secretSha1?: string;
}

const normalisePath = (p: string) => p.replace(/\\/g, '/').replace(/^\.\//, '');

/** Which format a file is in, from its content. */
export function detectPeerFormat(text: string): PeerFormat {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('[')) return 'gitleaks-report';
  if (trimmed.startsWith('{')) return 'detect-secrets';
  return 'gitleaksignore';
}

export function parsePeerFile(text: string, origin: string, format: PeerFormat = detectPeerFormat(text)): PeerEntry[] {
  if (format === 'gitleaksignore') return parseGitleaksIgnore(text, origin);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw new PeerImportError(`${origin}: not valid JSON (${(error as Error).message})`);
  }
  return format === 'gitleaks-report' ? parseGitleaksReport(doc, origin) : parseDetectSecrets(doc, origin);
}

function parseGitleaksReport(doc: unknown, origin: string): PeerEntry[] {
  if (!Array.isArray(doc)) throw new PeerImportError(`${origin}: a gitleaks JSON report is an array of findings`);
  return doc.map((raw, i) => {
    const r = raw as Record<string, unknown>;
    if (!r || typeof r.File !== 'string' || typeof r.StartLine !== 'number') {
      throw new PeerImportError(`${origin}: [${i}] is not a gitleaks finding (needs File and StartLine)`);
    }
    const entry: PeerEntry = { format: 'gitleaks-report', file: normalisePath(r.File), startLine: r.StartLine };
    entry.endLine = typeof r.EndLine === 'number' && r.EndLine >= r.StartLine ? r.EndLine : r.StartLine;
    if (typeof r.Commit === 'string' && r.Commit) entry.commit = r.Commit;
    if (typeof r.RuleID === 'string') entry.peerRule = r.RuleID;
    if (typeof r.Secret === 'string' && r.Secret && r.Secret !== 'REDACTED') entry.secret = r.Secret;
    return entry;
  });
}

function parseGitleaksIgnore(text: string, origin: string): PeerEntry[] {
  const entries: PeerEntry[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/#.*$/, '').trim();
    if (!line) return;
    // file names may hold ':', so read from both ends: [commit:]file:rule:line
    const parts = line.split(':');
    const lineNo = Number(parts.at(-1));
    if (parts.length < 3 || !Number.isInteger(lineNo) || lineNo < 1) {
      // Quote only the line's number and length: a pasted line could hold anything.
      throw new PeerImportError(`${origin}:${i + 1}: not a gitleaks fingerprint (commit:file:rule:line or file:rule:line), ${line.length} characters`);
    }
    const peerRule = parts.at(-2)!;
    let rest = parts.slice(0, -2);
    let commit: string | undefined;
    if (rest.length > 1 && /^[0-9a-f]{40}$/.test(rest[0]!)) {
      commit = rest[0];
      rest = rest.slice(1);
    }
    const entry: PeerEntry = { format: 'gitleaksignore', file: normalisePath(rest.join(':')), startLine: lineNo, endLine: lineNo, peerRule };
    if (commit) entry.commit = commit;
    entries.push(entry);
  });
  return entries;
}

function parseDetectSecrets(doc: unknown, origin: string): PeerEntry[] {
  const d = doc as { results?: unknown };
  if (!d || typeof d !== 'object' || !d.results || typeof d.results !== 'object' || Array.isArray(d.results)) {
    throw new PeerImportError(`${origin}: not a detect-secrets baseline (expected {"results": {file: [...]}})`);
  }
  const entries: PeerEntry[] = [];
  for (const [file, list] of Object.entries(d.results as Record<string, unknown>)) {
    if (!Array.isArray(list)) throw new PeerImportError(`${origin}: results for one file are not a list`);
    list.forEach((raw, i) => {
      const r = raw as Record<string, unknown>;
      if (!r || typeof r.hashed_secret !== 'string') throw new PeerImportError(`${origin}: results[${i}] of a file has no hashed_secret`);
      const entry: PeerEntry = { format: 'detect-secrets', file: normalisePath(typeof r.filename === 'string' ? r.filename : file), secretSha1: r.hashed_secret.toLowerCase() };
      if (typeof r.line_number === 'number') entry.startLine = entry.endLine = r.line_number;
      if (typeof r.type === 'string') entry.peerRule = r.type;
      entries.push(entry);
    });
  }
  return entries;
}

/** True when keyward's finding is the one the entry recorded. */
function sameFinding(f: Finding, e: PeerEntry): boolean {
  if (normalisePath(f.path) !== e.file) return false;
  if (e.commit && f.commit && f.commit.sha !== e.commit) return false;
  if (e.secret !== undefined) return e.secret.includes(f.secret) || f.secret.includes(e.secret);
  if (e.secretSha1 !== undefined && createHash('sha1').update(f.secret).digest('hex') === e.secretSha1) return true;
  if (e.startLine === undefined) return false;
  return f.startLine <= (e.endLine ?? e.startLine) && e.startLine <= f.endLine;
}

/** Pairs another scanner's known findings with keyward's: which findings were known, which entries found no partner. */
export function matchPeerEntries(findings: readonly Finding[], entries: readonly PeerEntry[]): { known: Finding[]; unmatched: PeerEntry[] } {
  const byFile = new Map<string, Finding[]>();
  for (const f of findings) {
    const key = normalisePath(f.path);
    (byFile.get(key) ?? byFile.set(key, []).get(key)!).push(f);
  }
  const known = new Set<Finding>();
  const unmatched: PeerEntry[] = [];
  for (const e of entries) {
    const partners = (byFile.get(e.file) ?? []).filter((f) => sameFinding(f, e));
    if (partners.length === 0) unmatched.push(e);
    for (const f of partners) known.add(f);
  }
  return { known: findings.filter((f) => known.has(f)), unmatched };
}

// ---- .gitleaks.toml -> .keyward.yaml

export interface ConfigImport {
  /** The .keyward.yaml text. */
  yaml: string;
  /** What could not be carried over, each with the reason: printed for the user. */
  notConverted: string[];
  rules: number;
}

type Toml = Record<string, unknown>;

/** Name capturing group `n` (1-based) `secret`, so keyward reads the secret where gitleaks' secretGroup did. */
export function nameSecretGroup(pattern: string, n: number): string | undefined {
  const group = capturingGroups(pattern).find((g) => g.index === n);
  return group ? `${pattern.slice(0, group.at)}(?P<secret>${pattern.slice(group.at + group.openerLength)}` : undefined;
}

function keywardRuleId(id: string): string {
  const slug = id.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  return slug.includes('-') ? slug : `custom-${slug || 'rule'}`;
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

interface KeywardAllowlist {
  pathRegexes?: string[];
  regexes?: string[];
  regexTarget?: string;
  stopwords?: string[];
}

/** One gitleaks allowlist as a keyward allowlist, noting what has no keyward equivalent. */
function convertAllowlist(raw: Toml, where: string, notConverted: string[]): KeywardAllowlist | undefined {
  const out: KeywardAllowlist = {};
  const paths = strings(raw.paths);
  const regexes = strings(raw.regexes);
  const stopwords = strings(raw.stopwords);
  if (strings(raw.commits).length > 0) {
    notConverted.push(`${where}.commits: keyward suppresses by content, not by commit; record those findings with \`keyward baseline import\``);
  }
  if (typeof raw.condition === 'string' && raw.condition.toUpperCase() === 'AND' && [paths, regexes, stopwords].filter((l) => l.length > 0).length > 1) {
    notConverted.push(`${where}: condition = "AND" has no keyward equivalent; its parts were kept as alternatives (OR), which allows more`);
  }
  const compiles = (pattern: string, field: string, i: number) => {
    try {
      compileRegex(pattern, {}, 're2js');
      return true;
    } catch (error) {
      notConverted.push(`${where}.${field}[${i}]: not RE2 syntax (${(error as Error).message.split('\n')[0]})`);
      return false;
    }
  };
  const pathRegexes = paths.filter((p, i) => compiles(p, 'paths', i));
  const valueRegexes = regexes.filter((p, i) => compiles(p, 'regexes', i));
  if (pathRegexes.length) out.pathRegexes = pathRegexes;
  if (valueRegexes.length) out.regexes = valueRegexes;
  if (stopwords.length) out.stopwords = stopwords;
  if (typeof raw.regexTarget === 'string' && ['secret', 'match', 'line'].includes(raw.regexTarget) && raw.regexTarget !== 'secret') out.regexTarget = raw.regexTarget;
  return Object.keys(out).length > 0 ? out : undefined;
}

function mergeAllowlists(lists: KeywardAllowlist[], where: string, notConverted: string[]): KeywardAllowlist | undefined {
  if (lists.length === 0) return undefined;
  const merged: KeywardAllowlist = {};
  for (const l of lists) {
    if (l.regexTarget !== lists[0]!.regexTarget) {
      notConverted.push(`${where}: allowlists with different regexTarget values cannot share one keyward allowlist; only the first's regexes were kept`);
      continue;
    }
    for (const key of ['pathRegexes', 'regexes', 'stopwords'] as const) if (l[key]) merged[key] = [...(merged[key] ?? []), ...l[key]!];
  }
  if (lists[0]!.regexTarget) merged.regexTarget = lists[0]!.regexTarget;
  return merged;
}

/** A .gitleaks.toml as a .keyward.yaml. */
export function importGitleaksConfig(text: string, origin: string): ConfigImport {
  let doc: Toml;
  try {
    doc = parseToml(text) as Toml;
  } catch (error) {
    throw new PeerImportError(`${origin}: not valid TOML (${(error as Error).message.split('\n')[0]})`);
  }
  const notConverted: string[] = [];
  const out: Record<string, unknown> = {};
  const extend = (doc.extend ?? {}) as Toml;
  out.useDefaultRules = extend.useDefault === true || doc.rules === undefined;
  if (typeof extend.path === 'string') notConverted.push(`[extend] path: convert ${extend.path} too and merge it by hand`);
  if (strings(extend.disabledRules).length > 0) {
    notConverted.push(`[extend] disabledRules names gitleaks rules (${strings(extend.disabledRules).length}); keyward's rule ids differ: see \`keyward rules list\``);
  }

  const globals: KeywardAllowlist[] = [];
  const ruleAllowlists: Record<string, KeywardAllowlist[]> = {};
  const globalRaw = [...(doc.allowlist ? [doc.allowlist as Toml] : []), ...((doc.allowlists as Toml[] | undefined) ?? [])];
  globalRaw.forEach((raw, i) => {
    const where = doc.allowlist && i === 0 ? '[allowlist]' : `[[allowlists]][${doc.allowlist ? i - 1 : i}]`;
    const converted = convertAllowlist(raw, where, notConverted);
    if (!converted) return;
    const targets = strings(raw.targetRules);
    if (targets.length === 0) globals.push(converted);
    else for (const t of targets) (ruleAllowlists[keywardRuleId(t)] ??= []).push(converted);
  });
  const globalAllowlist = mergeAllowlists(globals, 'allowlists', notConverted);
  if (globalAllowlist) out.allowlist = globalAllowlist;

  const rules: Record<string, unknown>[] = [];
  ((doc.rules as Toml[] | undefined) ?? []).forEach((raw, i) => {
    const gid = typeof raw.id === 'string' ? raw.id : `rules[${i}]`;
    const where = `rule ${gid}`;
    if (typeof raw.regex !== 'string') {
      notConverted.push(`${where}: a rule with only a path (a file that must not exist) has no keyward equivalent`);
      return;
    }
    if (typeof raw.path === 'string') {
      notConverted.push(`${where}: keyward rules apply to every file; restricting this one to paths matching its 'path' is not supported, so it was not imported`);
      return;
    }
    let pattern = raw.regex;
    const group = typeof raw.secretGroup === 'number' ? raw.secretGroup : 0;
    if (group > 0) {
      const named = nameSecretGroup(pattern, group);
      if (!named) {
        notConverted.push(`${where}: secretGroup ${group} names no capturing group of its regex`);
        return;
      }
      pattern = named;
    } else if (!/\(\?P?<secret>/.test(pattern)) {
      // gitleaks reports the whole match when secretGroup is unset; keyward's default is group 1.
      pattern = `(?P<secret>${pattern})`;
    }
    try {
      compileRegex(pattern, {}, 're2js');
    } catch (error) {
      notConverted.push(`${where}: its regex is not RE2 syntax (${(error as Error).message.split('\n')[0]})`);
      return;
    }
    const keywords = strings(raw.keywords).filter((k) => k.length >= 2);
    if (keywords.length === 0) {
      notConverted.push(`${where}: keyward runs a rule only where one of its keywords occurs; add keywords (literal words of the token) to import it`);
      return;
    }
    const rule: Record<string, unknown> = {
      id: keywardRuleId(gid),
      description: typeof raw.description === 'string' && raw.description.trim() ? raw.description : `Imported from gitleaks rule ${gid}`,
      pattern,
      keywords,
      severity: 'high',
    };
    if (typeof raw.entropy === 'number') rule.entropy = raw.entropy;
    if (strings(raw.tags).length) rule.tags = strings(raw.tags);
    const ownRaw = [...(raw.allowlist ? [raw.allowlist as Toml] : []), ...((raw.allowlists as Toml[] | undefined) ?? [])];
    const own = ownRaw.map((a, j) => convertAllowlist(a, `${where} allowlists[${j}]`, notConverted)).filter((a): a is KeywardAllowlist => a !== undefined);
    const merged = mergeAllowlists(own, `${where} allowlists`, notConverted);
    if (merged) rule.allowlist = merged;
    rules.push(rule);
  });
  if (rules.length) out.rules = rules;
  const ids = new Set(rules.map((r) => r.id));
  const perRule: Record<string, KeywardAllowlist> = {};
  for (const [id, lists] of Object.entries(ruleAllowlists)) {
    if (!ids.has(id)) {
      notConverted.push(`allowlists targetRules ${id}: names a gitleaks rule that was not imported; keyward's ids differ`);
      continue;
    }
    perRule[id] = mergeAllowlists(lists, `allowlists for ${id}`, notConverted)!;
  }
  if (Object.keys(perRule).length) out.ruleAllowlists = perRule;
  const header = `# Imported from ${origin} by \`keyward config import\`.\n# Review it: keyward reads paths as RE2 regexes (pathRegexes) here, as gitleaks does.\n`;
  return { yaml: header + stringifyYaml(out, { lineWidth: 0 }), notConverted, rules: rules.length };
}
