// Text for people: findings grouped by file, each with rule, location and a redacted value, then a
// one-line summary. Colour only when the caller says the output is a terminal.
import type { Finding, ScanResult, Severity, SkippedFile } from '../types.js';

export interface TextReportOptions {
  color: boolean;
  showSecrets: boolean;
}

const SEVERITY_ORDER: Severity[] = ['critical', 'high', 'medium', 'low'];

function paint(enabled: boolean) {
  const wrap = (open: number, close: number) => (s: string) => (enabled ? `\u001b[${open}m${s}\u001b[${close}m` : s);
  return { red: wrap(31, 39), yellow: wrap(33, 39), cyan: wrap(36, 39), green: wrap(32, 39), dim: wrap(2, 22), bold: wrap(1, 22) };
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GB`;
}

function countBy<T extends string>(items: readonly T[]): Map<T, number> {
  const m = new Map<T, number>();
  for (const i of items) m.set(i, (m.get(i) ?? 0) + 1);
  return m;
}

/**
 * A whole number with thousands separators, `17,933`: what toLocaleString('en-US') prints, without
 * loading ICU's locale data, which costs a short scan a noticeable part of its run time.
 */
export function formatCount(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function plural(n: number, word: string): string {
  return `${formatCount(n)} ${word}${n === 1 ? '' : 's'}`;
}

export function summarizeSkipped(skipped: readonly SkippedFile[]): string {
  if (skipped.length === 0) return '';
  const parts = [...countBy(skipped.map((s) => s.reason))].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([reason, n]) => `${n} ${reason}`);
  return `${plural(skipped.length, 'file')} skipped (${parts.join(', ')})`;
}

export function summaryLine(result: ScanResult): string {
  const { stats, findings } = result;
  const seconds = (stats.durationMs / 1000).toFixed(2);
  const bySeverity = countBy(findings.map((f) => f.severity));
  const severityText = SEVERITY_ORDER.filter((s) => bySeverity.has(s))
    .map((s) => `${bySeverity.get(s)} ${s}`)
    .join(', ');
  const found = findings.length === 0 ? 'no findings' : `${plural(findings.length, 'finding')} (${severityText})`;
  const skipped = summarizeSkipped(stats.skipped);
  const suppressedTotal = Object.values(stats.suppressed).reduce((a, b) => a + b, 0);
  const capped = stats.capped?.length ? `findings capped at ${stats.capped[0]!.reported} per rule in ${plural(stats.capped.length, 'rule and file pair')}` : '';
  const extras = [skipped, capped, suppressedTotal ? `${suppressedTotal} suppressed` : ''].filter(Boolean).join('; ');
  return `Scanned ${plural(stats.files, 'file')} (${formatBytes(stats.bytes)}) in ${seconds}s: ${found}${extras ? `; ${extras}` : ''}`;
}

/**
 * Text from the repository (a path, an author) printed as it is unless it could break the report's lines
 * or be taken as a command by whatever reads them (a terminal; a CI log, where a line starting with `::` or
 * holding `##[` is a workflow command): then JSON-quoted, with those characters escaped.
 */
export function printable(text: string): string {
  if (!/[\u0000-\u001f\u007f-\u009f\u2028\u2029]|^\s|^:|##\[/.test(text)) return text;
  return JSON.stringify(text).replace(/[\u007f-\u009f\u2028\u2029]|\[/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function location(f: Finding): string {
  // A key in a file or folder name: the group heading is that (redacted) path.
  if (f.place === 'path-name') return 'name';
  return `${f.startLine}:${f.startColumn}`;
}

/** `verified (login: octocat)` in red: the first thing a reader of a leak report wants to know. */
function verificationLine(f: Finding, c: { red: (s: string) => string; dim: (s: string) => string }): string {
  const v = f.verification!;
  const identity = v.identity ? ` (${Object.entries(v.identity).map(([k, val]) => `${k}: ${val}`).join(', ')})` : '';
  if (v.status === 'verified') return c.red(`LIVE: verified by the provider${identity}`);
  return c.dim(v.status === 'invalid' ? `invalid: the provider rejected it${v.detail ? ` (${v.detail})` : ''}` : `unknown: could not tell${v.detail ? ` (${v.detail})` : ''}`);
}

export function renderText(result: ScanResult, options: TextReportOptions): string {
  const c = paint(options.color);
  const lines: string[] = [];
  const byPath = new Map<string, Finding[]>();
  for (const f of result.findings) {
    const list = byPath.get(f.path) ?? [];
    list.push(f);
    byPath.set(f.path, list);
  }
  const revokeLinks = new Map(result.rules.filter((r) => r.revoke).map((r) => [r.id, r.revoke!]));
  const severityColor = (s: Severity) => (s === 'critical' || s === 'high' ? c.red(s) : s === 'medium' ? c.yellow(s) : c.dim(s));
  for (const [path, findings] of byPath) {
    lines.push(c.bold(c.cyan(printable(path))));
    const locWidth = Math.max(...findings.map((f) => location(f).length));
    for (const f of findings) {
      const value = options.showSecrets ? f.secret : f.redacted;
      lines.push(
        `  ${location(f).padEnd(locWidth)}  ${severityColor(f.severity).padEnd(options.color ? 18 : 8)}  ${f.ruleId}  ${f.description}`,
      );
      lines.push(`  ${' '.repeat(locWidth)}  ${c.dim(`value ${value}   fingerprint ${f.fingerprint}`)}`);
      if (f.verification) lines.push(`  ${' '.repeat(locWidth)}  ${verificationLine(f, c)}`);
      const revoke = revokeLinks.get(f.ruleId);
      if (revoke) lines.push(`  ${' '.repeat(locWidth)}  ${c.dim(`revoke or rotate: ${revoke}`)}`);
      if (f.commit) {
        const who = printable([f.commit.author, f.commit.email ? `<${f.commit.email}>` : ''].filter(Boolean).join(' '));
        lines.push(`  ${' '.repeat(locWidth)}  ${c.dim(`commit ${f.commit.sha.slice(0, 12)}  ${who}  ${f.commit.date ?? ''}`.trimEnd())}`);
      }
    }
    lines.push('');
  }
  const summary = summaryLine(result);
  lines.push(result.findings.length === 0 ? c.green(summary) : c.bold(summary));
  if (result.findings.length > 0) {
    const allow = 'For a false positive, add "keyward:allow" on the line or put its fingerprint in .keywardignore.';
    if (result.findings.some((f) => f.commit)) {
      // A committed key sits in every clone, fork and CI cache: rewriting history alone un-leaks nothing.
      lines.push(
        c.bold(
          'These credentials are in git history, so every clone holds them. Rotate the credential first, ' +
            'rewriting history second (git filter-repo, then force-push and have every clone re-fetch).',
        ),
      );
      lines.push(c.dim(allow));
    } else {
      lines.push(c.dim(`Rotate each credential first: removing it from the code does not un-leak it. ${allow}`));
    }
  }
  return `${lines.join('\n')}\n`;
}
