// `keyward baseline create [PATH] [scan options] > .keyward-baseline.json`: record today's findings so
// later scans with --baseline report only new ones. `keyward baseline migrate --baseline OLD`: rewrite a
// baseline (version 1, or one made with another fingerprint key) with today's fingerprints, keeping
// exactly the findings it already knew.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  BaselineError,
  createBaseline,
  KnownFindings,
  matchPeerEntries,
  parseBaseline,
  parsePeerFile,
  PeerImportError,
  serializeBaseline,
  type PeerFormat,
} from '@keyward/engine';
import { EXIT_OK, UsageError, writeOutputFile, type CliIo } from '../io.js';
import { executeScan, parseScanArgs } from './scan.js';

const USAGE = `usage: keyward baseline create [PATH] [scan options] [-o FILE]
       keyward baseline migrate [PATH] --baseline OLD [scan options] [-o FILE]
       keyward baseline import FILE [--from gitleaks-report|gitleaksignore|detect-secrets] [PATH] [scan options] [-o FILE]

create   record every finding of the scan (no secrets, no hashes of them) as a version 2 baseline
migrate  scan again and write the findings that OLD already knew with today's fingerprints; entries of
         OLD that no longer match a finding are dropped and counted
import   scan, and record as known the findings another scanner already knew: a gitleaks JSON report
         or .gitleaksignore (match by file and line, or by the secret when the report has it), or a
         detect-secrets .secrets.baseline (by file and SHA-1 of the secret, or line). Scan the same
         way the record was made (--history for \`gitleaks git\`). Entries with no keyward finding
         are counted and listed by file and line.
`;

export async function baselineCommand(argv: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === '--help' || sub === '-h' || rest.includes('--help') || rest.includes('-h')) {
    io.stdout(USAGE);
    return EXIT_OK;
  }
  if (sub === 'create') return create(rest, io);
  if (sub === 'migrate') return migrate(rest, io);
  if (sub === 'import') return importPeer(rest, io);
  throw new UsageError(USAGE.trimEnd());
}

async function create(argv: string[], io: CliIo): Promise<number> {
  const settings = parseScanArgs(argv, io);
  if (settings.baselinePath) throw new UsageError('baseline create records every finding; drop --baseline');
  const result = await executeScan({ ...settings, progress: false }, io);
  await emit(serializeBaseline(createBaseline(result.findings)), settings.output, io);
  io.stderr(`baseline: ${result.findings.length} finding(s) recorded\n`);
  return EXIT_OK;
}

async function migrate(argv: string[], io: CliIo): Promise<number> {
  const settings = parseScanArgs(argv, io);
  const oldPath = settings.baselinePath;
  if (!oldPath) throw new UsageError('baseline migrate needs --baseline OLD: the baseline to rewrite');
  const origin = path.relative(io.cwd, oldPath) || oldPath;
  let text: string;
  try {
    text = await readFile(oldPath, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read baseline ${origin}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  let old;
  try {
    old = parseBaseline(text, origin);
  } catch (error) {
    if (error instanceof BaselineError) throw new UsageError(error.message);
    throw error;
  }
  // Scan with no baseline, then keep what the old one knew, by either fingerprint version.
  const { baselinePath: _unused, ...scan } = settings;
  const result = await executeScan({ ...scan, progress: false }, io);
  const known = new KnownFindings(old.fingerprints);
  const kept = result.findings.filter((f) => known.has(f));
  const matched = new Set(kept.map((f) => (old.fingerprints.has(f.fingerprint) ? f.fingerprint : known.legacyMatches.get(f.fingerprint)!)));
  const baseline = createBaseline(kept);
  await emit(serializeBaseline(baseline), settings.output, io);
  const dropped = old.fingerprints.size - matched.size;
  io.stderr(
    `baseline migrate: ${baseline.findings.length} finding(s) kept from a version ${old.version} baseline of ${old.fingerprints.size}` +
      `${dropped > 0 ? `; ${dropped} entr${dropped === 1 ? 'y' : 'ies'} matched no finding and ${dropped === 1 ? 'was' : 'were'} dropped` : ''}\n`,
  );
  return EXIT_OK;
}

const PEER_FORMATS: PeerFormat[] = ['gitleaks-report', 'gitleaksignore', 'detect-secrets'];

async function importPeer(argv: string[], io: CliIo): Promise<number> {
  const [file, ...rest] = argv;
  if (!file || file.startsWith('-')) throw new UsageError('baseline import needs the FILE to import: a gitleaks report, a .gitleaksignore or a .secrets.baseline');
  let format: PeerFormat | undefined;
  const fromAt = rest.indexOf('--from');
  if (fromAt >= 0) {
    format = rest[fromAt + 1] as PeerFormat;
    if (!PEER_FORMATS.includes(format)) throw new UsageError(`--from must be one of ${PEER_FORMATS.join(', ')}`);
    rest.splice(fromAt, 2);
  }
  const settings = parseScanArgs(rest, io);
  if (settings.baselinePath) throw new UsageError('baseline import records findings; drop --baseline');
  const source = path.resolve(io.cwd, file);
  const origin = path.relative(io.cwd, source) || source;
  let entries;
  try {
    entries = parsePeerFile(await readFile(source, 'utf8'), origin, format);
  } catch (error) {
    if (error instanceof PeerImportError) throw new UsageError(error.message);
    throw new UsageError(`cannot read ${origin}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  const result = await executeScan({ ...settings, progress: false }, io);
  const { known, unmatched } = matchPeerEntries(result.findings, entries);
  await emit(serializeBaseline(createBaseline(known)), settings.output, io);
  io.stderr(`baseline import: ${entries.length} entr${entries.length === 1 ? 'y' : 'ies'} in ${origin}; ${known.length} keyward finding(s) recorded as known; ${unmatched.length} entr${unmatched.length === 1 ? 'y' : 'ies'} matched no keyward finding\n`);
  for (const e of unmatched.slice(0, 50)) io.stderr(`  not matched: ${escapeForTerminal(e.file)}${e.startLine ? `:${e.startLine}` : ''}${e.peerRule ? ` (${escapeForTerminal(e.peerRule)})` : ''}\n`);
  if (unmatched.length > 50) io.stderr(`  ... and ${unmatched.length - 50} more\n`);
  return EXIT_OK;
}

/** Names from another tool's file, shown on one line: control characters escaped. */
function escapeForTerminal(text: string): string {
  return JSON.stringify(text).slice(1, -1);
}

async function emit(text: string, output: string | undefined, io: CliIo): Promise<void> {
  if (output) await writeOutputFile(output, text, io);
  else io.stdout(text);
}
