// `keyward config import .gitleaks.toml [-o .keyward.yaml]`: a gitleaks configuration's allowlists and
// custom rules as a keyward config. What has no keyward equivalent is listed, never dropped silently.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { importGitleaksConfig, parseConfig, PeerImportError } from '@keyward/engine';
import { EXIT_OK, UsageError, parseCommandArgs, writeOutputFile, type CliIo } from '../io.js';

const USAGE = `usage: keyward config import FILE [-o OUT]

import   convert a .gitleaks.toml: [extend] useDefault, [[rules]] (regex, secretGroup, entropy, keywords,
         tags, allowlists) and [allowlist]/[[allowlists]] (paths as pathRegexes, regexes, regexTarget,
         stopwords). Rules and settings keyward cannot run as written (not RE2, no keywords, a path-only
         rule, commit allowlists) are listed on stderr with the reason. Writes YAML to stdout or OUT.
`;

export async function configCommand(argv: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = argv;
  if (!sub || sub === '--help' || sub === '-h' || rest.includes('--help') || rest.includes('-h')) {
    io.stdout(USAGE);
    return sub ? EXIT_OK : 2;
  }
  if (sub !== 'import') throw new UsageError(USAGE.trimEnd());
  const { values, positionals } = parseCommandArgs({ args: rest, options: { output: { type: 'string', short: 'o' } }, strict: true, allowPositionals: true });
  if (positionals.length !== 1) throw new UsageError('config import takes one FILE (a .gitleaks.toml)');
  const file = path.resolve(io.cwd, positionals[0]!);
  const origin = path.relative(io.cwd, file) || file;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${origin}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  let converted;
  try {
    converted = importGitleaksConfig(text, origin);
  } catch (error) {
    if (error instanceof PeerImportError) throw new UsageError(error.message);
    throw error;
  }
  // What we write must load: the same parser a scan uses, examples and patterns checked.
  parseConfig(converted.yaml, 'the converted config');
  if (values.output) await writeOutputFile(path.resolve(io.cwd, values.output), converted.yaml, io);
  else io.stdout(converted.yaml);
  io.stderr(`config import: ${converted.rules} rule(s) converted from ${origin}${converted.notConverted.length ? `; not converted (${converted.notConverted.length}):` : ''}\n`);
  for (const reason of converted.notConverted) io.stderr(`  - ${reason}\n`);
  return EXIT_OK;
}
