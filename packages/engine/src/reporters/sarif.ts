// SARIF 2.1.0 that GitHub code scanning ingests unmodified. It never carries a secret's text: results
// name the rule, the place and the fingerprint. `partialFingerprints` holds the content fingerprint
// (rule + path + secret), so an alert stays the same alert when unrelated lines move.
// Field requirements: https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning
import type { Log, ReportingDescriptor, Result } from 'sarif';
import type { Finding, Rule, ScanResult, Severity } from '../types.js';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
export const FINGERPRINT_KEY = 'keywardFingerprint/v2';

export interface SarifOptions {
  toolVersion: string;
  informationUri?: string;
  /** Include only the rules that produced results (smaller uploads); default: every enabled rule. */
  onlyRulesWithResults?: boolean;
}

// GitHub reads security-severity as CVSS-like: >9.0 critical, 7.0-8.9 high, 4.0-6.9 medium, <4 low.
const SECURITY_SEVERITY: Record<Severity, string> = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0' };
const LEVEL: Record<Severity, Result.level> = { critical: 'error', high: 'error', medium: 'warning', low: 'note' };

/** `github-pat` -> `GithubPat`: SARIF's rule name is an identifier, not a sentence. */
export function ruleName(id: string): string {
  return id
    .split('-')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
}

function descriptor(rule: Rule): ReportingDescriptor {
  const allowHow =
    'If this is not a real credential, add `keyward:allow` in a comment on the line, or add the ' +
    "finding's fingerprint to `.keywardignore`.";
  const text =
    `${rule.description}. A credential in source control is readable by everyone with a clone, ` +
    `including every past and future fork. Revoke or rotate it with ${rule.provider} first${rule.revoke ? ` (${rule.revoke})` : ''}, then remove it ` +
    `from the code and load it from a secret store at run time. ${allowHow.replace(/`/g, '')} ` +
    `Format reference: ${rule.docs}`;
  const markdown = [
    `**${rule.description}** (${rule.provider})`,
    '',
    'A credential in source control is readable by everyone with a clone, including every past and future fork.',
    '',
    `1. Revoke or rotate it with ${rule.provider} first${rule.revoke ? ` ([how](${rule.revoke}))` : ''}: deleting the line does not un-leak it.`,
    '2. Remove it from the code and load it from a secret store at run time.',
    '3. If it was ever pushed, treat history as leaked too; rewriting history comes after rotation.',
    '',
    allowHow,
    '',
    `Format reference: [${rule.provider} documentation](${rule.docs})`,
  ].join('\n');
  const out: ReportingDescriptor = {
    id: rule.id,
    name: ruleName(rule.id),
    shortDescription: { text: rule.description },
    fullDescription: { text: `${rule.description} (${rule.provider}).` },
    help: { text, markdown },
    defaultConfiguration: { level: LEVEL[rule.severity] },
    properties: {
      tags: ['security', 'secret', 'external/cwe/cwe-798', ...rule.tags.filter((t) => t !== 'security' && t !== 'secret')],
      precision: rule.precision,
      'security-severity': SECURITY_SEVERITY[rule.severity],
      'problem.severity': rule.severity === 'low' ? 'recommendation' : rule.severity === 'medium' ? 'warning' : 'error',
    },
  };
  if (rule.docs) out.helpUri = rule.docs;
  return out;
}

const PLACE_TEXT = { 'path-name': ' in this file or folder name', 'commit-message': ' in the commit message', 'commit-author': " in the commit's author name or e-mail" } as const;

function message(f: Finding): string {
  const commit = f.commit ? `commit ${f.commit.sha.slice(0, 12)}` : '';
  const where = f.place ? `${PLACE_TEXT[f.place]}${commit ? ` (${commit})` : ''}` : commit ? ` in ${commit}` : '';
  return `${f.description} found${where}. Rotate it, then remove it. Fingerprint ${f.fingerprint}.`;
}

function encodeUri(path: string): string {
  return path
    .split('/')
    .map((segment) => encodeURIComponent(segment))
    .join('/');
}

export function buildSarif(result: ScanResult, options: SarifOptions): Log {
  const used = new Set(result.findings.map((f) => f.ruleId));
  const rules = options.onlyRulesWithResults ? result.rules.filter((r) => used.has(r.id)) : [...result.rules];
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
  const results: Result[] = result.findings.map((f) => {
    const r: Result = {
      ruleId: f.ruleId,
      level: LEVEL[f.severity],
      message: { text: message(f) },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: encodeUri(f.path), uriBaseId: '%SRCROOT%' },
            region: { startLine: f.startLine, startColumn: f.startColumn, endLine: f.endLine, endColumn: f.endColumn },
          },
          // A commit message or author is no file: the pseudo-path above keeps code scanning's required
          // physical location, and the logical location says what it really is.
          ...(f.place === 'commit-message' || f.place === 'commit-author'
            ? { logicalLocations: [{ kind: 'resource', name: f.place, ...(f.commit ? { fullyQualifiedName: `commit/${f.commit.sha}/${f.place}` } : {}) }] }
            : {}),
        },
      ],
      partialFingerprints: { [FINGERPRINT_KEY]: f.fingerprint },
    };
    const index = ruleIndex.get(f.ruleId);
    if (index !== undefined) r.ruleIndex = index;
    if (f.commit) {
      r.properties = { commitSha: f.commit.sha, ...(f.commit.date ? { commitDate: f.commit.date } : {}) };
    }
    if (f.verification) {
      r.properties = { ...r.properties, verification: f.verification.status, ...(f.verification.identity ? { verifiedIdentity: f.verification.identity } : {}) };
      // A live credential outranks everything; one its provider rejected matters less.
      if (f.verification.status === 'verified') {
        r.level = 'error';
        r.rank = 100;
      } else if (f.verification.status === 'invalid') r.rank = 10;
    }
    return r;
  });
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'keyward',
            semanticVersion: options.toolVersion,
            informationUri: options.informationUri ?? 'https://github.com/keyward/keyward',
            rules: rules.map(descriptor),
          },
        },
        results,
        columnKind: 'utf16CodeUnits',
        // Rules that found more than the per-file cap in a file: only the first findings are results.
        ...(result.stats.capped?.length ? { properties: { cappedFindings: result.stats.capped } } : {}),
      },
    ],
  };
}

export function renderSarif(result: ScanResult, options: SarifOptions): string {
  return `${JSON.stringify(buildSarif(result, options), null, 2)}\n`;
}
