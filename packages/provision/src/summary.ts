import type { LedgerEntry } from './ledger.js';

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function revokedCell(entry: LedgerEntry): string {
  switch (entry.status) {
    case 'revoked':
      return 'yes';
    case 'expired':
      return 'yes (already gone)';
    case 'failed':
      return `no: ${entry.error ?? 'revocation failed'}`;
    default:
      return 'no';
  }
}

/** The job summary table: ids, expiry and revocation status only, never a value. */
export function renderSummary(entries: readonly LedgerEntry[], auditPath: string, auditHead: string, note?: string): string {
  const lines = ['### keyward provision', ''];
  if (note) lines.push(note, '');
  if (entries.length === 0) {
    lines.push('No credential was minted.');
  } else {
    lines.push('| Backend | Credential | Expires | Revoked |', '| --- | --- | --- | --- |');
    for (const entry of [...entries].sort((a, b) => a.seq - b.seq)) {
      lines.push(`| ${cell(entry.backend)} | ${cell(`${entry.kind} \`${entry.id}\``)} | ${cell(entry.expiresAt)} | ${cell(revokedCell(entry))} |`);
    }
  }
  lines.push('', `Audit trail: \`${auditPath}\`, head \`${auditHead}\` (after post; check with \`keyward audit verify FILE --head ${auditHead}\`)`, '');
  return lines.join('\n');
}
