// `keyward verify REPORT.json`: ask the providers again about the findings of an earlier JSON report,
// for "did our rotation work?". The report holds no secrets (unless made with --no-redact), so each value
// is read back from where the report says it is: the file under --root, or the commit's blob for history
// findings; its fingerprint must still match, so a changed file is never verified by mistake.
import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { builtinRules, fingerprintOf, Verifier, type Finding, type Verification } from '@keyward/engine';
import { EXIT_OK, UsageError, parseCommandArgs, writeOutputFile, type CliIo } from '../io.js';
import { networkFetch } from './scan.js';

const HELP = `usage: keyward verify REPORT.json [--root DIR] [--format text|json] [-o FILE]

Checks each finding of a \`keyward scan --format json\` report with its provider again: verified, invalid
or unknown. Values are read back from the files under --root (default: the current folder; the folder the
report's paths are relative to) or, for history findings, from their commits; a report made with --no-redact
is used as it is. A value whose fingerprint no longer matches (the file changed) is unknown.
Exit: 0 when no finding is live any more, 1 when one still is, 2 usage.
`;

interface ReportFinding {
  ruleId: string;
  path: string;
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
  fingerprint: string;
  secret?: string;
  commit?: { sha: string };
}

/** The text between two 1-based line/column places (end column exclusive), as the scan reported them. */
function slice(text: string, f: ReportFinding): string | undefined {
  const lines = text.split('\n');
  if (f.startLine < 1 || f.endLine > lines.length) return undefined;
  if (f.startLine === f.endLine) return lines[f.startLine - 1]!.slice(f.startColumn - 1, f.endColumn - 1);
  const parts = [lines[f.startLine - 1]!.slice(f.startColumn - 1), ...lines.slice(f.startLine, f.endLine - 1), lines[f.endLine - 1]!.slice(0, f.endColumn - 1)];
  return parts.join('\n');
}

async function readBack(f: ReportFinding, root: string): Promise<string | undefined> {
  if (f.secret) return f.secret;
  if (f.commit?.sha) {
    const r = spawnSync('git', ['show', `${f.commit.sha}:${f.path}`], { cwd: root, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    return r.status === 0 ? slice(r.stdout, f) : undefined;
  }
  try {
    return slice(await readFile(path.join(root, f.path), 'utf8'), f);
  } catch {
    return undefined;
  }
}

export async function verifyCommand(argv: string[], io: CliIo): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout(HELP);
    return EXIT_OK;
  }
  const { values, positionals } = parseCommandArgs({
    args: argv,
    strict: true,
    allowPositionals: true,
    options: { root: { type: 'string' }, format: { type: 'string', short: 'f' }, output: { type: 'string', short: 'o' } },
  });
  if (positionals.length !== 1) throw new UsageError('verify takes one REPORT.json (from keyward scan --format json)');
  const format = values.format ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json, not "${format}"`);
  const reportPath = path.resolve(io.cwd, positionals[0]!);
  const origin = path.relative(io.cwd, reportPath) || reportPath;
  let report: { findings?: ReportFinding[] };
  try {
    report = JSON.parse(await readFile(reportPath, 'utf8')) as { findings?: ReportFinding[] };
  } catch (error) {
    throw new UsageError(`cannot read ${origin} as a keyward JSON report: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  if (!Array.isArray(report.findings)) throw new UsageError(`${origin} is not a keyward JSON report (no findings list)`);
  const root = path.resolve(io.cwd, values.root ?? '.');
  const rules = new Map(builtinRules().map((r) => [r.id, r]));
  const key = io.env.KEYWARD_FINGERPRINT_KEY?.trim() || undefined;
  const verifier = new Verifier({ fetch: io.verifyFetch ?? networkFetch(io) });
  const results: Array<{ finding: ReportFinding; verification: Verification }> = [];
  await Promise.all(
    report.findings.map(async (f, i) => {
      const rule = rules.get(f.ruleId);
      let verification: Verification;
      if (!rule?.verify) verification = { status: 'unknown', detail: 'no verifier for this rule' };
      else {
        const secret = await readBack(f, root);
        if (secret === undefined || fingerprintOf(rule, f.path, secret, key) !== f.fingerprint) {
          verification = { status: 'unknown', detail: 'the value is no longer where the report says (the file changed, or another --root)' };
        } else {
          verification = await verifier.verify(rule, { ...(f as unknown as Finding), secret });
        }
      }
      results[i] = { finding: f, verification };
    }),
  );
  const live = results.filter((r) => r.verification.status === 'verified').length;
  let out: string;
  if (format === 'json') {
    out = `${JSON.stringify({ findings: results.map(({ finding: { secret: _s, ...f }, verification }) => ({ ...f, verification })), stats: verifier.stats }, null, 2)}\n`;
  } else {
    const lines = results.map(({ finding: f, verification: v }) => {
      const where = JSON.stringify(`${f.path}:${f.startLine}`).slice(1, -1);
      const identity = v.identity ? ` (${Object.entries(v.identity).map(([k, val]) => `${k}: ${val}`).join(', ')})` : '';
      return `${v.status.padEnd(8)}  ${f.ruleId}  ${where}${f.commit ? ` @ ${f.commit.sha.slice(0, 12)}` : ''}${identity}${v.detail && v.status !== 'verified' ? `  ${v.detail}` : ''}`;
    });
    out = `${lines.join('\n')}${lines.length ? '\n' : ''}${live} of ${results.length} finding(s) still live; ${verifier.stats.requests} request(s) made\n`;
  }
  if (values.output) await writeOutputFile(path.resolve(io.cwd, values.output), out, io);
  else io.stdout(out);
  return live > 0 ? 1 : EXIT_OK;
}
