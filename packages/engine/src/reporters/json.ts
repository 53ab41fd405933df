// JSON for machines. Secrets appear only when the caller explicitly asks (`--no-redact`).
import type { Finding, ScanResult } from '../types.js';

export interface JsonReportOptions {
  showSecrets: boolean;
  toolVersion: string;
}

export function findingJson(f: Finding, showSecrets: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {
    ruleId: f.ruleId,
    description: f.description,
    severity: f.severity,
    path: f.path,
    startLine: f.startLine,
    startColumn: f.startColumn,
    endLine: f.endLine,
    endColumn: f.endColumn,
    fingerprint: f.fingerprint,
    entropy: f.entropy,
    redacted: f.redacted,
  };
  if (showSecrets) out.secret = f.secret;
  if (f.place) out.place = f.place;
  if (f.commit) out.commit = f.commit;
  if (f.blobId) out.blobId = f.blobId;
  if (f.verification) out.verification = f.verification;
  return out;
}

export function renderJson(result: ScanResult, options: JsonReportOptions): string {
  const { stats } = result;
  return `${JSON.stringify(
    {
      tool: 'keyward',
      version: options.toolVersion,
      findings: result.findings.map((f) => findingJson(f, options.showSecrets)),
      stats: {
        files: stats.files,
        bytes: stats.bytes,
        durationMs: Math.round(stats.durationMs),
        skipped: stats.skipped,
        // Present when a rule found more than the per-file cap somewhere (absent keeps older reports unchanged).
        ...(stats.capped?.length ? { capped: stats.capped } : {}),
        suppressed: stats.suppressed,
      },
    },
    null,
    2,
  )}\n`;
}

/** JSON Lines: one finding per line, nothing else, for `jq -c`, log shippers and streaming readers. */
export function renderJsonLines(result: ScanResult, options: Pick<JsonReportOptions, 'showSecrets'>): string {
  return result.findings.map((f) => `${JSON.stringify(findingJson(f, options.showSecrets))}\n`).join('');
}
