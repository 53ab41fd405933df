// `keyward baseline create [PATH] [scan options] > .keyward-baseline.json`: record today's findings so
// later scans with --baseline report only new ones. `keyward baseline migrate --baseline OLD`: rewrite a
// baseline (version 1, or one made with another fingerprint key) with today's fingerprints, keeping
// exactly the findings it already knew.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { BaselineError, createBaseline, KnownFindings, parseBaseline, serializeBaseline } from '@keyward/engine';
import { EXIT_OK, UsageError, type CliIo } from '../io.js';
import { executeScan, parseScanArgs, writeReport } from './scan.js';

const USAGE = `usage: keyward baseline create [PATH] [scan options] [-o FILE]
       keyward baseline migrate [PATH] --baseline OLD [scan options] [-o FILE]

create   record every finding of the scan (no secrets, no hashes of them) as a version 2 baseline
migrate  scan again and write the findings that OLD already knew with today's fingerprints; entries of
         OLD that no longer match a finding are dropped and counted
`;

export async function baselineCommand(argv: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === '--help' || sub === '-h' || rest.includes('--help') || rest.includes('-h')) {
    io.stdout(USAGE);
    return EXIT_OK;
  }
  if (sub === 'create') return create(rest, io);
  if (sub === 'migrate') return migrate(rest, io);
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

async function emit(text: string, output: string | undefined, io: CliIo): Promise<void> {
  if (output) await writeReport(output, text);
  else io.stdout(text);
}
