// The job summary people read: one green line when clean; otherwise a table of findings (rule,
// file:line, commit, redacted value) and the totals. Built from redacted values only.
import { formatBytes, type Finding, type ScanStats } from '@keyward/engine';

export interface ReportedFinding {
  finding: Finding;
  /** Repository-relative path (the scan may have run below the repository root). */
  file: string;
  /** Recorded in the baseline: known, reported, but not new. */
  known: boolean;
  /** The commit the finding was seen in: the one that introduced it, or the head of a diff. */
  commit?: string;
}

export interface SummaryInput {
  /** What was scanned, e.g. "pull request #7: the commits it adds (1a2b3c4..5d6e7f8)". */
  scope: string;
  findings: readonly ReportedFinding[];
  stats: ScanStats;
  /** Sentences worth a reader's attention: trimmed uploads, fallbacks, skipped uploads. */
  notes: readonly string[];
  /** For links to the lines: server URL, owner/name and the commit the files are at. */
  links?: { serverUrl: string; repository: string; sha: string };
  failed: boolean;
}

/** Table rows shown; the totals still count every finding. Summaries are capped at 1 MiB by GitHub. */
export const MAX_SUMMARY_ROWS = 500;

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/** Text inside a table cell's code span: a pipe would end the cell, a backtick the span. */
function code(text: string): string {
  const safe = text.replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ');
  return safe.includes('`') ? `\`\` ${safe} \`\`` : `\`${safe}\``;
}

function encodePath(file: string): string {
  return file.split('/').map(encodeURIComponent).join('/');
}

function whereCell(row: ReportedFinding, input: SummaryInput): string {
  const f = row.finding;
  const label = code(`${row.file}:${f.startLine}`);
  const links = input.links;
  if (!links) return label;
  const sha = row.commit ?? links.sha;
  const lines = f.endLine > f.startLine ? `#L${f.startLine}-L${f.endLine}` : `#L${f.startLine}`;
  return `[${label}](${links.serverUrl}/${links.repository}/blob/${sha}/${encodePath(row.file)}${lines})`;
}

export function renderSummary(input: SummaryInput): string {
  const { findings, stats } = input;
  const scanned = `${plural(stats.files, 'file')}, ${formatBytes(stats.bytes)}`;
  const notes = input.notes.map((n) => `> [!NOTE]\n> ${n}\n`).join('\n');
  if (findings.length === 0) {
    return `:white_check_mark: **keyward**: no secrets found in ${input.scope} (${scanned}).\n${notes ? `\n${notes}` : ''}`;
  }
  const fresh = findings.filter((r) => !r.known).length;
  const known = findings.length - fresh;
  const heading = `### ${input.failed ? ':x:' : ':warning:'} keyward found ${plural(findings.length, 'secret')}${fresh !== findings.length ? ` (${fresh} new)` : ''}`;
  const rows = findings.slice(0, MAX_SUMMARY_ROWS).map((row) => {
    const f = row.finding;
    const rule = `${code(f.ruleId)}${row.known ? ' (baseline)' : ''}`;
    const commit = row.commit ? code(row.commit.slice(0, 12)) : '';
    return `| ${rule} | ${whereCell(row, input)} | ${commit} | ${code(f.redacted)} |`;
  });
  const more = findings.length > MAX_SUMMARY_ROWS ? `\n_…and ${plural(findings.length - MAX_SUMMARY_ROWS, 'more finding')}: see the SARIF file or code scanning._\n` : '';
  const s = stats.suppressed;
  const suppressed = [
    s.allowlist ? `${s.allowlist} by allowlists` : '',
    s.inline ? `${s.inline} by \`keyward:allow\` comments` : '',
    s.ignoreFile ? `${s.ignoreFile} by .keywardignore` : '',
  ].filter(Boolean);
  const totals = [
    `**Totals:** ${plural(findings.length, 'finding')}: ${fresh} new, ${known} known from the baseline.`,
    `Scanned ${input.scope} (${scanned}${stats.skipped.length ? `; ${stats.skipped.length} skipped` : ''}).`,
    suppressed.length ? `Suppressed: ${suppressed.join(', ')}.` : '',
  ].filter(Boolean);
  return [
    heading,
    '',
    '| Rule | File:line | Commit | Redacted value |',
    '| --- | --- | --- | --- |',
    ...rows,
    more,
    totals.join(' '),
    '',
    'Revoke or rotate each credential first (removing the line does not un-leak it), then load it from a secret store. ' +
      'Not a real credential? Add a `keyward:allow` comment on its line, or add its fingerprint (in the annotation and the SARIF) to `.keywardignore`.',
    ...(notes ? ['', notes] : []),
  ].join('\n');
}
