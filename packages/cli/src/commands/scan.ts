// `keyward scan [PATH]`: read flags once into typed settings, build the detector from built-in rules
// and the config file, run the chosen source, write the report, and return the documented exit code.
import path from 'node:path';
import {
  DetectorPool,
  formatBytes,
  formatCount,
  parseSize,
  prepareScan,
  renderJson,
  renderSarif,
  renderText,
  runScan,
  SetupError,
  summaryLine,
  type RegexBackendName,
  type ScanResult,
  type SourceEvent,
} from '@keyward/engine';
import { EXIT_FINDINGS, EXIT_OK, UsageError, type CliIo, parseCommandArgs, writeOutputFile } from '../io.js';
import { sourceFor, type SourceSettings } from '../sources.js';
import { VERSION } from '../version.js';

export type ReportFormat = 'text' | 'json' | 'sarif';

const PARALLEL_AFTER_BYTES = 16 * 1024 * 1024;

export interface ScanSettings {
  source: SourceSettings;
  format: ReportFormat;
  output?: string;
  configPath?: string;
  baselinePath?: string;
  showSecrets: boolean;
  maxFileSize?: number;
  respectGitignore?: boolean;
  regexBackend: RegexBackendName | 'auto';
  color: boolean;
  progress: boolean;
  /** Exit 0 even with findings (report-only runs). */
  exitZero: boolean;
  /** Detection threads for large scans; 1 keeps everything on the main thread. */
  threads?: number;
}

export const SCAN_HELP = `Usage: keyward scan [PATH] [options]

Scan a directory (default: the current one), a file, git history, a diff, staged changes, or stdin (-).

Sources (pick one; default: the directory PATH)
  --history                 every commit reachable from all refs in the repository at PATH
  --log-opts "ARGS"         limit --history with git rev-list arguments (e.g. "main~50..main")
  --since DATE              limit --history to commits after DATE
  --diff BASE..HEAD         only lines added between two commits (pull-request checks)
  --staged                  the index against HEAD (pre-commit hooks)
  -                         read text from standard input

Output
  -f, --format FORMAT       text (default), json or sarif
  -o, --output FILE         write the report to FILE instead of standard output
      --no-redact           show secrets in text and json output (redacted by default; never in SARIF)
      --color / --no-color  force colour on or off (default: on when stdout is a terminal)
      --no-progress         no progress line on stderr

Configuration
  -c, --config FILE         config file (default: .keyward.yaml in PATH, if present)
  -b, --baseline FILE       report only findings not recorded in this baseline
      --max-file-size SIZE  skip larger files, e.g. 25MB (default 25MB)
      --no-gitignore        also scan files that .gitignore excludes
      --regex-engine NAME   auto (default), re2 (native) or re2js (portable)
      --exit-zero           exit 0 even when there are findings
      --threads N           detection threads for large scans (default: one per core)

Exit codes: 0 no findings, 1 findings, 2 usage, config or input error.
`;

export function parseScanArgs(argv: string[], io: CliIo): ScanSettings {
  const parsed = parseCommandArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      format: { type: 'string', short: 'f' },
      output: { type: 'string', short: 'o' },
      config: { type: 'string', short: 'c' },
      baseline: { type: 'string', short: 'b' },
      redact: { type: 'boolean' },
      'no-redact': { type: 'boolean' },
      color: { type: 'boolean' },
      'no-color': { type: 'boolean' },
      'no-progress': { type: 'boolean' },
      'max-file-size': { type: 'string' },
      'no-gitignore': { type: 'boolean' },
      'regex-engine': { type: 'string' },
      'exit-zero': { type: 'boolean' },
      history: { type: 'boolean' },
      'log-opts': { type: 'string' },
      since: { type: 'string' },
      diff: { type: 'string' },
      staged: { type: 'boolean' },
      threads: { type: 'string' },
    },
  });
  const { values, positionals } = parsed;
  if (positionals.length > 1) throw new UsageError(`scan takes one PATH, got ${positionals.length}: ${positionals.join(' ')}`);
  const format = (values.format ?? 'text') as ReportFormat;
  if (!['text', 'json', 'sarif'].includes(format)) throw new UsageError(`--format must be text, json or sarif, not "${values.format}"`);
  if (values.redact && values['no-redact']) throw new UsageError('--redact and --no-redact contradict each other');
  const backend = (values['regex-engine'] ?? 'auto') as ScanSettings['regexBackend'];
  if (!['auto', 're2', 're2js'].includes(backend)) throw new UsageError(`--regex-engine must be auto, re2 or re2js, not "${backend}"`);
  let maxFileSize: number | undefined;
  if (values['max-file-size'] !== undefined) {
    maxFileSize = parseSize(values['max-file-size']);
    if (maxFileSize === undefined) throw new UsageError(`--max-file-size must be a size such as 25MB, not "${values['max-file-size']}"`);
  }
  const target = positionals[0] ?? '.';
  const modes = [values.history, values.diff !== undefined, values.staged, target === '-'].filter(Boolean).length;
  if (modes > 1) throw new UsageError('choose one source: a PATH, --history, --diff, --staged or - (stdin)');
  if ((values['log-opts'] !== undefined || values.since !== undefined) && !values.history) {
    throw new UsageError('--log-opts and --since only apply to --history');
  }
  let source: SourceSettings;
  const root = path.resolve(io.cwd, target === '-' ? '.' : target);
  if (target === '-') source = { kind: 'stdin' };
  else if (values.history) {
    source = { kind: 'history', root, ...(values['log-opts'] ? { logOpts: values['log-opts'] } : {}), ...(values.since ? { since: values.since } : {}) };
  } else if (values.diff !== undefined) {
    // Refs may contain single dots (v1.2); `...` means "since the merge base", as in git.
    const spec = values.diff;
    const three = spec.indexOf('...');
    const two = spec.indexOf('..');
    const cut = three >= 0 ? three : two;
    const base = cut >= 0 ? spec.slice(0, cut) : '';
    const head = cut >= 0 ? spec.slice(cut + (three >= 0 ? 3 : 2)) : '';
    if (!base || !head || /\s/.test(spec) || head.includes('..')) {
      throw new UsageError(`--diff needs BASE..HEAD or BASE...HEAD (two commits), not "${spec}"`);
    }
    source = { kind: 'diff', root, base, head, ...(three >= 0 ? { mergeBase: true } : {}) };
  } else if (values.staged) source = { kind: 'staged', root };
  else source = { kind: 'directory', root };
  const color = values['no-color'] ? false : values.color ? true : io.stdoutIsTTY && !values.output && io.env.NO_COLOR === undefined;
  const settings: ScanSettings = {
    source,
    format,
    showSecrets: Boolean(values['no-redact']),
    regexBackend: backend,
    color,
    progress: !values['no-progress'] && io.stderrIsTTY,
    exitZero: Boolean(values['exit-zero']),
  };
  if (values.output) settings.output = path.resolve(io.cwd, values.output);
  if (values.config) settings.configPath = path.resolve(io.cwd, values.config);
  if (values.baseline) settings.baselinePath = path.resolve(io.cwd, values.baseline);
  if (maxFileSize !== undefined) settings.maxFileSize = maxFileSize;
  if (values['no-gitignore']) settings.respectGitignore = false;
  if (values.threads !== undefined) {
    const threads = Number(values.threads);
    if (!Number.isInteger(threads) || threads < 1 || threads > 64) throw new UsageError(`--threads must be a whole number from 1 to 64, not "${values.threads}"`);
    settings.threads = threads;
  }
  return settings;
}

export function render(result: ScanResult, settings: Pick<ScanSettings, 'format' | 'showSecrets' | 'color'>): string {
  if (settings.format === 'json') return renderJson(result, { showSecrets: settings.showSecrets, toolVersion: VERSION });
  if (settings.format === 'sarif') return renderSarif(result, { toolVersion: VERSION });
  return renderText(result, { color: settings.color, showSecrets: settings.showSecrets });
}

export async function executeScan(settings: ScanSettings, io: CliIo): Promise<ScanResult> {
  let setup;
  try {
    setup = await prepareScan({
      root: settings.source.kind === 'stdin' ? io.cwd : settings.source.root,
      cwd: io.cwd,
      regexBackend: settings.regexBackend,
      ...(settings.configPath ? { configPath: settings.configPath } : {}),
      ...(settings.baselinePath ? { baselinePath: settings.baselinePath } : {}),
    });
  } catch (error) {
    if (error instanceof SetupError) throw new UsageError(error.message);
    throw error;
  }
  const { config, detector, ignored, baseline } = setup;
  const events: AsyncIterable<SourceEvent> = await sourceFor(settings.source, {
    io,
    maxFileSize: settings.maxFileSize ?? config.maxFileSize,
    respectGitignore: settings.respectGitignore ?? config.respectGitignore,
    skipPath: (p) => detector.allowsPath(p),
  });
  const progress = settings.progress ? new ProgressLine(io) : undefined;
  const threads = settings.threads ?? io.cores ?? 1;
  const workerEntry = io.workerEntry;
  try {
    return await runScan(events, {
      detector,
      ...(workerEntry && threads > 1
        ? {
            parallel: {
              // Starting workers costs a rule compile each: worth it only once a scan proves large.
              afterBytes: PARALLEL_AFTER_BYTES,
              start: () => new DetectorPool({ rules: [...detector.rules], options: detector.options }, workerEntry, threads),
            },
          }
        : {}),
      ignoredFingerprints: ignored,
      ...(baseline ? { baseline } : {}),
      ...(progress ? { onProgress: (p) => progress.update(p.files, p.bytes) } : {}),
      now: io.now,
    });
  } finally {
    progress?.clear();
  }
}

/** A single status line on stderr, shown only for scans that take more than a moment. */
class ProgressLine {
  private readonly started: number;
  private lastDraw = 0;
  private drawn = false;
  constructor(private readonly io: CliIo) {
    this.started = io.now();
  }
  update(files: number, bytes: number): void {
    const now = this.io.now();
    if (now - this.started < 1000 || now - this.lastDraw < 200) return;
    this.lastDraw = now;
    this.drawn = true;
    this.io.stderr(`\r\u001b[2Kscanning: ${formatCount(files)} files, ${formatBytes(bytes)}`);
  }
  clear(): void {
    if (this.drawn) this.io.stderr('\r\u001b[2K');
  }
}

export async function scanCommand(argv: string[], io: CliIo): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout(SCAN_HELP);
    return EXIT_OK;
  }
  const settings = parseScanArgs(argv, io);
  const result = await executeScan(settings, io);
  const report = render(result, settings);
  if (settings.output) {
    await writeOutputFile(settings.output, report, io);
    io.stderr(`Wrote ${settings.format} report to ${path.relative(io.cwd, settings.output) || settings.output}\n${summaryLine(result)}\n`);
  } else {
    io.stdout(report);
  }
  if (result.findings.length > 0 && !settings.exitZero) return EXIT_FINDINGS;
  return EXIT_OK;
}
