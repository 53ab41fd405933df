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
  const roles = entries.filter((e) => e.backend === 'postgres');
  const unrevoked = roles.filter((e) => e.status !== 'revoked' && e.status !== 'expired');
  if (unrevoked.length) {
    lines.push(
      '',
      `**${unrevoked.length} PostgreSQL role(s) not revoked.** VALID UNTIL only refuses new logins: sessions opened ` +
        'before it keep working until the role is dropped. Run `keyward janitor postgres` now, and schedule it or the ' +
        'server-side sweeper (see the provision action README).',
    );
  } else if (roles.length) {
    lines.push('', "PostgreSQL's VALID UNTIL only refuses new logins; this step ended the role's sessions before dropping it.");
  }
  lines.push('', `Audit trail: \`${auditPath}\`, head \`${auditHead}\` (after post; check with \`keyward audit verify FILE --head ${auditHead}\`)`, '');
  return lines.join('\n');
}
