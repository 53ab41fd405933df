// `keyward scan [PATH]`: read flags once into typed settings, build the detector from built-in rules
// and the config file, run the chosen source, write the report, and return the documented exit code.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { EnvHttpProxyAgent, fetch as undiciFetch } from 'undici';
import {
  DetectorPool,
  formatBytes,
  formatCount,
  CONFIG_FILE_NAMES,
  IGNORE_FILE_NAME,
  parseSize,
  prepareScan,
  renderJson,
  renderJsonLines,
  renderJunit,
  renderSarif,
  renderText,
  runScan,
  verifyFindings,
  SetupError,
  summaryLine,
  type RegexBackendName,
  type ScanResult,
  type ScanSetup,
  type FetchLike,
  type SourceEvent,
  UNSCANNED_REASONS,
} from '@keyward/engine';
import { EXIT_OK, UsageError, type CliIo, parseCommandArgs, writeOutputFile } from '../io.js';
import { repositoryPlace, sourceFor, type RepositoryPlace, type SourceSettings } from '../sources.js';
import { VERSION } from '../version.js';

export type ReportFormat = 'text' | 'json' | 'jsonl' | 'sarif' | 'junit';
const FORMATS: ReportFormat[] = ['text', 'json', 'jsonl', 'sarif', 'junit'];
export type LogLevel = 'error' | 'warn' | 'info' | 'debug';
export type ResultKind = 'verified' | 'unknown' | 'invalid' | 'unverified';
const RESULT_KINDS: ResultKind[] = ['verified', 'unknown', 'invalid', 'unverified'];
const LOG_LEVELS: LogLevel[] = ['error', 'warn', 'info', 'debug'];

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
  /** The exit code when there are findings (default 1; gitleaks' --exit-code). */
  findingsExitCode: number;
  /** What goes to stderr besides errors: warn adds notes, info the summary line, debug the engine and timing. */
  logLevel: LogLevel;
  /** --verify (else the config's `verify`). */
  verify?: boolean;
  /** --results / --only-verified: which verification outcomes to report (default: all). */
  results?: ResultKind[];
  /** Detection threads for large scans; 1 keeps everything on the main thread. */
  threads?: number;
  /** Exit 3 when a file could not be scanned (too large, unreadable, an archive that could not be opened). */
  failOnSkipped?: boolean;
  maxFindingsPerFile?: number;
  /** false: do not look inside archives (--no-archives); undefined: as the config says. */
  scanArchives?: boolean;
}

/** Exit code when --fail-on-skipped is given, there are no findings, and a file was not scanned. */
export const EXIT_SKIPPED = 3;

export const SCAN_HELP = `Usage: keyward scan [PATH] [options]

Scan a directory (default: the current one), a file, git history, a diff, staged changes, or stdin (-).

Sources (pick one; default: the directory PATH)
  --history                 every commit reachable from all refs in the repository at PATH (bare ones too)
  --log-opts "ARGS"         limit --history: revisions and ranges (e.g. "main~50..main"), paths after --,
                            and commit filters (--since, --author, -n, --branches, ...; see the README)
  --since DATE              limit --history to commits after DATE
  --diff BASE..HEAD         only lines added between two commits (pull-request checks)
  --staged                  the index against HEAD (pre-commit hooks)
  -                         read text from standard input

Output
  -f, --format FORMAT       text (default), json, jsonl (one finding per line), sarif or junit
  -o, --output FILE         write the report to FILE instead of standard output
      --no-redact           show secrets in text and json output (redacted by default; never in SARIF)
      --color / --no-color  force colour on or off (default: on when stdout is a terminal)
      --no-progress         no progress line on stderr

Configuration
  -c, --config FILE         config file (default: $KEYWARD_CONFIG, else .keyward.yaml in PATH, if present)
  -b, --baseline FILE       report only findings not recorded in this baseline
      --max-file-size SIZE  skip larger files, e.g. 25MB (default 25MB); files over 32MB are read in chunks
      --max-findings-per-file N
                            report at most N findings per rule per file (default 100); the rest are
                            counted as capped in the summary and the JSON/SARIF stats
      --no-archives         do not look inside zip, tar, tar.gz and .gz files
      --fail-on-skipped     exit 3 when a file was not scanned (too large, unreadable, an archive
                            too deep, too big, encrypted or corrupt) and nothing was found
      --no-gitignore        also scan files that .gitignore excludes
      --regex-engine NAME   auto (default), re2 (native) or re2js (portable)
      --exit-zero           exit 0 even when there are findings
      --exit-code N         exit N (0-255) when there are findings (default 1)

Verification (off by default; sends each distinct secret once to its provider's documented endpoint)
      --verify              check findings with their providers: verified, invalid or unknown
      --results LIST        report only these: verified,unknown,invalid,unverified (default all)
      --only-verified       report only findings the provider confirmed live (implies --verify)
      --log-level LEVEL     stderr: error, warn, info (default; adds the summary) or debug
      --threads N           detection threads for large scans (default: one per core)

Exit codes: 0 no findings, 1 findings, 2 usage, config or input error, 3 files not scanned
(only with --fail-on-skipped; findings take precedence).
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
      'exit-code': { type: 'string' },
      'log-level': { type: 'string' },
      verify: { type: 'boolean' },
      results: { type: 'string' },
      'only-verified': { type: 'boolean' },
      history: { type: 'boolean' },
      'log-opts': { type: 'string' },
      since: { type: 'string' },
      diff: { type: 'string' },
      staged: { type: 'boolean' },
      threads: { type: 'string' },
      'fail-on-skipped': { type: 'boolean' },
      'max-findings-per-file': { type: 'string' },
      'no-archives': { type: 'boolean' },
    },
  });
  const { values, positionals } = parsed;
  if (positionals.length > 1) throw new UsageError(`scan takes one PATH, got ${positionals.length}: ${positionals.join(' ')}`);
  const format = (values.format ?? 'text') as ReportFormat;
  if (!FORMATS.includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, not "${values.format}"`);
  const logLevel = (values['log-level'] ?? 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) throw new UsageError(`--log-level must be one of ${LOG_LEVELS.join(', ')}, not "${values['log-level']}"`);
  let findingsExitCode = 1;
  if (values['exit-code'] !== undefined) {
    findingsExitCode = Number(values['exit-code']);
    if (!/^\d{1,3}$/.test(values['exit-code']) || findingsExitCode > 255) throw new UsageError(`--exit-code must be a whole number from 0 to 255, not "${values['exit-code']}"`);
    if (values['exit-zero'] && findingsExitCode !== 0) throw new UsageError('--exit-zero and --exit-code contradict each other');
  }
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
    findingsExitCode: values['exit-zero'] ? 0 : findingsExitCode,
    logLevel,
    failOnSkipped: Boolean(values['fail-on-skipped']),
  };
  if (values.results !== undefined && values['only-verified']) throw new UsageError('--results and --only-verified contradict each other');
  if (values['only-verified']) settings.results = ['verified'];
  if (values.results !== undefined) {
    const kinds = values.results.split(',').map((k) => k.trim()) as ResultKind[];
    if (kinds.length === 0 || kinds.some((k) => !RESULT_KINDS.includes(k))) throw new UsageError(`--results takes a list of ${RESULT_KINDS.join(', ')}, not "${values.results}"`);
    settings.results = kinds;
  }
  if (values.verify || settings.results) settings.verify = true;
  if (values['max-findings-per-file'] !== undefined) {
    const n = Number(values['max-findings-per-file']);
    if (!Number.isInteger(n) || n < 1) throw new UsageError(`--max-findings-per-file must be a whole number of at least 1, not "${values['max-findings-per-file']}"`);
    settings.maxFindingsPerFile = n;
  }
  if (values['no-archives']) settings.scanArchives = false;
  if (values.output) settings.output = path.resolve(io.cwd, values.output);
  // --config, else KEYWARD_CONFIG (as gitleaks reads GITLEAKS_CONFIG), else .keyward.yaml in PATH
  const configPath = values.config ?? (io.env.KEYWARD_CONFIG?.trim() || undefined);
  if (configPath) settings.configPath = path.resolve(io.cwd, configPath);
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

/** True when messages of `level` are shown at `setting`. */
export function atLeast(setting: LogLevel, level: LogLevel): boolean {
  return LOG_LEVELS.indexOf(setting) >= LOG_LEVELS.indexOf(level);
}

export function render(result: ScanResult, settings: Pick<ScanSettings, 'format' | 'showSecrets' | 'color'>): string {
  if (settings.format === 'json') return renderJson(result, { showSecrets: settings.showSecrets, toolVersion: VERSION });
  if (settings.format === 'jsonl') return renderJsonLines(result, { showSecrets: settings.showSecrets });
  if (settings.format === 'junit') return renderJunit(result, { toolVersion: VERSION });
  if (settings.format === 'sarif') return renderSarif(result, { toolVersion: VERSION });
  return renderText(result, { color: settings.color, showSecrets: settings.showSecrets });
}

export async function executeScan(settings: ScanSettings, io: CliIo, onSetup?: (setup: ScanSetup) => void): Promise<ScanResult> {
  let setup: ScanSetup;
  const fingerprintKey = io.env.KEYWARD_FINGERPRINT_KEY?.trim();
  // Asked once: it decides both where settings are read and how paths are named.
  const repository = settings.source.kind === 'directory' && existsSync(settings.source.root) ? repositoryPlace(settings.source.root) : undefined;
  try {
    setup = await prepareScan({
      root: settings.source.kind === 'stdin' ? io.cwd : settings.source.kind === 'directory' ? settingsRoot(settings.source.root, repository) : settings.source.root,
      cwd: io.cwd,
      regexBackend: settings.regexBackend,
      ...(fingerprintKey ? { fingerprintKey } : {}),
      ...(settings.maxFindingsPerFile !== undefined ? { maxFindingsPerRule: settings.maxFindingsPerFile } : {}),
      ...(settings.configPath ? { configPath: settings.configPath } : {}),
      ...(settings.baselinePath ? { baselinePath: settings.baselinePath } : {}),
    });
  } catch (error) {
    if (error instanceof SetupError) throw new UsageError(error.message);
    throw error;
  }
  onSetup?.(setup);
  const { config, detector, ignored, baseline } = setup;
  const events: AsyncIterable<SourceEvent> = await sourceFor(settings.source, {
    io,
    maxFileSize: settings.maxFileSize ?? config.maxFileSize,
    respectGitignore: settings.respectGitignore ?? config.respectGitignore,
    skipPath: (p) => detector.allowsPath(p),
    ...(repository ? { repository } : {}),
    archives: settings.scanArchives ?? config.scanArchives ? { maxDepth: config.maxArchiveDepth, maxBytes: config.maxArchiveSize } : undefined,
  });
  const progress = settings.progress ? new ProgressLine(io) : undefined;
  const threads = settings.threads ?? io.cores ?? 1;
  const workerEntry = io.workerEntry;
  let result: ScanResult;
  try {
    result = await runScan(events, {
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
  if (settings.verify ?? config.verify) await verifyResult(result, settings, io);
  if (atLeast(settings.logLevel, 'warn')) warnLegacyFingerprints(setup, io);
  if (atLeast(settings.logLevel, 'debug')) {
    io.stderr(
      `debug: regex engine ${detector.backend}, ${detector.rules.length} rules, ${threads > 1 && workerEntry ? `up to ${threads} threads` : '1 thread'}, ` +
        `${formatCount(result.stats.files)} files, ${formatBytes(result.stats.bytes)} in ${Math.round(result.stats.durationMs)} ms\n`,
    );
  }
  return result;
}

/**
 * Where .keyward.yaml and .keywardignore are read for a directory scan: the scanned folder when it has
 * either, else the top of the git work tree holding it (paths are repository-relative there too).
 */
function settingsRoot(root: string, repository: RepositoryPlace | undefined): string {
  if (!existsSync(root)) return root; // the source says it is missing, by name
  const dir = statSync(root).isDirectory() ? root : path.dirname(root);
  if ([...CONFIG_FILE_NAMES, IGNORE_FILE_NAME].some((n) => existsSync(path.join(dir, n)))) return dir;
  return repository?.top ?? dir;
}

/** --verify: ask each finding's provider, then keep the outcomes --results names. */
async function verifyResult(result: ScanResult, settings: ScanSettings, io: CliIo): Promise<void> {
  const stats = await verifyFindings(result.findings, result.rules, { fetch: io.verifyFetch ?? networkFetch(io) });
  if (settings.results) {
    const wanted = new Set(settings.results);
    result.findings = result.findings.filter((f) => wanted.has(f.verification ? f.verification.status : 'unverified'));
  }
  if (atLeast(settings.logLevel, 'info')) {
    io.stderr(`verify: ${stats.requests} request(s): ${stats.verified} verified, ${stats.invalid} invalid, ${stats.unknown} unknown\n`);
  }
}

/** The real network, through HTTPS_PROXY / NO_PROXY when they are set (undici's EnvHttpProxyAgent). */
export function networkFetch(io: CliIo): FetchLike {
  const proxied = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'].some((k) => io.env[k]);
  const dispatcher = proxied ? new EnvHttpProxyAgent() : undefined;
  return (url, init) => undiciFetch(url, { ...init, ...(dispatcher ? { dispatcher } : {}) });
}

/** Version 1 fingerprints still match, but they let anyone test guesses of the secret: say how to move on. */
function warnLegacyFingerprints(setup: ScanSetup, io: CliIo): void {
  const ignored = [...setup.ignored.legacyMatches];
  if (ignored.length > 0) {
    io.stderr(`note: ${ignored.length} ${IGNORE_FILE_NAME} entr${ignored.length === 1 ? 'y is a' : 'ies are'} version 1 fingerprint${ignored.length === 1 ? '' : 's'} (an unsalted hash of the secret); replace:\n`);
    for (const [current, legacy] of ignored) io.stderr(`  ${legacy} -> ${current}\n`);
  }
  if (setup.baselineVersion === 1) {
    io.stderr('note: the baseline is version 1 (it holds unsalted hashes of the secrets); rewrite it with `keyward baseline migrate --baseline FILE -o FILE`\n');
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

/** What to do about files that were not scanned, said on stderr so it never mixes into a report. */
export function unscannedHint(result: ScanResult, settings: Pick<ScanSettings, 'failOnSkipped'>): string {
  const { skipped, capped } = result.stats;
  const lines: string[] = [];
  const large = skipped.filter((s) => s.reason === 'too-large');
  if (large.length > 0) {
    const biggest = Math.max(...large.map((s) => Number(/^(\d+)/.exec(s.detail ?? '')?.[1] ?? 0)));
    lines.push(
      `${formatCount(large.length)} file${large.length === 1 ? ' was' : 's were'} over the size cap and not scanned; ` +
        `to scan ${large.length === 1 ? 'it' : 'them'}, pass --max-file-size ${Math.ceil(biggest / 1048576) || 1}MB (or set maxFileSize in .keyward.yaml).`,
    );
  }
  const other = skipped.filter((s) => UNSCANNED_REASONS.has(s.reason) && s.reason !== 'too-large');
  if (other.length > 0) lines.push(`${formatCount(other.length)} file${other.length === 1 ? ' was' : 's were'} not scanned (unreadable, or an archive that could not be opened); the JSON report lists them.`);
  if (lines.length > 0 && !settings.failOnSkipped) lines.push('Pass --fail-on-skipped to make files that were not scanned fail the scan (exit 3).');
  if (capped?.length) lines.push(`Some rules found more than ${capped[0]!.reported} secrets in one file; raise --max-findings-per-file to see them all.`);
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
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
    if (atLeast(settings.logLevel, 'info')) io.stderr(`Wrote ${settings.format} report to ${path.relative(io.cwd, settings.output) || settings.output}\n${summaryLine(result)}\n`);
  } else {
    io.stdout(report);
    // The text report ends with its own summary; the machine formats keep stdout clean and say it on stderr.
    if (settings.format !== 'text' && atLeast(settings.logLevel, 'info') && io.stderrIsTTY) io.stderr(`${summaryLine(result)}\n`);
  }
  const hint = unscannedHint(result, settings);
  if (hint) io.stderr(hint);
  if (result.findings.length > 0) return settings.findingsExitCode;
  // Asked for explicitly, so it holds with --exit-zero too (which is about findings).
  if (settings.failOnSkipped && result.stats.skipped.some((s) => UNSCANNED_REASONS.has(s.reason))) return EXIT_SKIPPED;
  return EXIT_OK;
}
