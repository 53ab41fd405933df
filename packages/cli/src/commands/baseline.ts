// `keyward baseline create [PATH] [scan options] > .keyward-baseline.json`: record today's findings so
// later scans with --baseline report only new ones.
import { createBaseline, serializeBaseline } from '@keyward/engine';
import { EXIT_OK, UsageError, writeOutputFile, type CliIo } from '../io.js';
import { executeScan, parseScanArgs } from './scan.js';

export async function baselineCommand(argv: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== 'create') throw new UsageError('usage: keyward baseline create [PATH] [scan options] [-o FILE]');
  const settings = parseScanArgs(rest, io);
  if (settings.baselinePath) throw new UsageError('baseline create records every finding; drop --baseline');
  const result = await executeScan({ ...settings, progress: false }, io);
  const text = serializeBaseline(createBaseline(result.findings));
  if (settings.output) await writeOutputFile(settings.output, text, io);
  else io.stdout(text);
  io.stderr(`baseline: ${result.findings.length} finding(s) recorded\n`);
  return EXIT_OK;
}
