// `keyward doctor`: what a bug report needs and what a user wonders about first: which keyward, which
// Node, which regex engine runs and why (above all why native RE2 did not load), how many threads,
// which config file a scan here would read, and which git.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { CONFIG_FILE_NAMES, nativeBackendStatus } from '@keyward/engine';
import { EXIT_OK, parseCommandArgs, type CliIo } from '../io.js';
import { VERSION } from '../version.js';

const HELP = `usage: keyward doctor [--format text|json]

Prints keyward's version, Node.js, the regex engine a scan uses and why, detection threads, the config
file a scan of this folder would read, and git's version. Prints no secret.
`;

export interface DoctorReport {
  keyward: string;
  node: { version: string; abi: string; platform: string; arch: string };
  regexEngine: { auto: 're2' | 're2js'; native: 'loaded' | 'unavailable'; reason: string };
  threads: number;
  config: { file: string | null; from: 'KEYWARD_CONFIG' | 'folder' | 'none' };
  fingerprintKey: boolean;
  git: string | null;
}

export function doctorReport(io: CliIo): DoctorReport {
  const native = nativeBackendStatus();
  const fromEnv = io.env.KEYWARD_CONFIG?.trim();
  const found = CONFIG_FILE_NAMES.map((n) => path.join(io.cwd, n)).find((f) => existsSync(f));
  const git = spawnSync('git', ['--version'], { encoding: 'utf8' });
  return {
    keyward: VERSION,
    node: { version: process.version, abi: process.versions.modules, platform: process.platform, arch: process.arch },
    regexEngine: native.loaded
      ? { auto: 're2', native: 'loaded', reason: 'native RE2 (the re2 package) loaded' }
      : { auto: 're2js', native: 'unavailable', reason: `portable re2js, because ${native.problem}` },
    threads: io.cores ?? 1,
    config: fromEnv
      ? { file: path.resolve(io.cwd, fromEnv), from: 'KEYWARD_CONFIG' }
      : found
        ? { file: found, from: 'folder' }
        : { file: null, from: 'none' },
    fingerprintKey: Boolean(io.env.KEYWARD_FINGERPRINT_KEY?.trim()),
    git: git.status === 0 ? git.stdout.trim() : null,
  };
}

export async function doctorCommand(argv: string[], io: CliIo): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout(HELP);
    return EXIT_OK;
  }
  const { values } = parseCommandArgs({ args: argv, options: { format: { type: 'string', short: 'f' } }, strict: true, allowPositionals: false });
  const report = doctorReport(io);
  if (values.format === 'json') {
    io.stdout(`${JSON.stringify(report, null, 2)}\n`);
    return EXIT_OK;
  }
  const rows: Array<[string, string]> = [
    ['keyward', report.keyward],
    ['node', `${report.node.version} (ABI ${report.node.abi}, ${report.node.platform}-${report.node.arch})`],
    ['regex engine', report.regexEngine.reason],
    ['threads', `${report.threads} for large scans (--threads N to change)`],
    ['config', report.config.file ? `${path.relative(io.cwd, report.config.file) || report.config.file}${report.config.from === 'KEYWARD_CONFIG' ? ' (from KEYWARD_CONFIG)' : ''}${existsSync(report.config.file) ? '' : ' (missing!)'}` : 'none (built-in rules and defaults)'],
    ['fingerprints', report.fingerprintKey ? 'keyed (KEYWARD_FINGERPRINT_KEY is set)' : 'unkeyed (docs/fingerprints.md)'],
    ['git', report.git ?? 'not found on PATH (history, diff and staged scans need it)'],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  io.stdout(rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n') + '\n');
  return EXIT_OK;
}
