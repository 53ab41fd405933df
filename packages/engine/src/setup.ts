// Everything a scan needs besides its source, built the same way by the CLI and the scan action: the
// config file (given, else .keyward.yaml in the scanned folder), the detector from built-in and custom
// rules, .keywardignore, and an optional baseline. Every problem is a SetupError naming the file.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseBaseline } from './baseline.js';
import { builtinRules } from './builtin.js';
import { CONFIG_FILE_NAMES, defaultConfig, parseConfig, resolveRules, type KeywardConfig } from './config.js';
import { Detector, type DetectorOptions } from './detector.js';
import { IGNORE_FILE_NAME, parseIgnoreFile } from './ignore-file.js';
import { KnownFindings } from './known-findings.js';
import type { RegexBackendName } from './regex.js';

/** A problem with the user's files (missing, unreadable, invalid): the message names the file. */
export class SetupError extends Error {
  override name = 'SetupError';
}

export interface ScanSetupOptions {
  /** The scanned folder: where .keyward.yaml and .keywardignore are looked for. */
  root: string;
  /** Paths in messages are relative to this folder. */
  cwd: string;
  configPath?: string;
  baselinePath?: string;
  regexBackend: RegexBackendName | 'auto';
  /** KEYWARD_FINGERPRINT_KEY, when set: fingerprints become keyed (docs/fingerprints.md). */
  fingerprintKey?: string;
  /** Overrides the config's maxFindingsPerRulePerFile (the CLI's --max-findings-per-file). */
  maxFindingsPerRule?: number;
}

export interface ScanSetup {
  config: KeywardConfig;
  detector: Detector;
  /** Fingerprints in .keywardignore: never reported. */
  ignored: KnownFindings;
  /** Fingerprints in the baseline, when one was given: known findings. */
  baseline?: KnownFindings;
  /** The baseline's format version: 1 holds fingerprints that `keyward baseline migrate` replaces. */
  baselineVersion?: 1 | 2;
}

async function readUserFile(file: string, what: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new SetupError(`cannot read ${what} ${file}: ${code === 'ENOENT' ? 'no such file' : (code ?? String(error))}`);
  }
}

/** Run `parse`; any error it throws (bad YAML, bad pattern, bad fingerprint) becomes a SetupError. */
function checked<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new SetupError((error as Error).message);
  }
}

export async function prepareScan(options: ScanSetupOptions): Promise<ScanSetup> {
  const origin = (file: string) => path.relative(options.cwd, file) || path.basename(file);
  const configFile = options.configPath ?? CONFIG_FILE_NAMES.map((n) => path.join(options.root, n)).find((f) => existsSync(f));
  let config = defaultConfig();
  if (configFile) {
    const text = await readUserFile(configFile, 'config file');
    config = checked(() => parseConfig(text, origin(configFile)));
  }
  const detector = checked(() => {
    const detectorOptions: DetectorOptions = {
      regexBackend: options.regexBackend,
      ruleAllowlists: config.ruleAllowlists,
      inlineIgnores: config.inlineIgnores,
      maxFindingsPerRule: options.maxFindingsPerRule ?? config.maxFindingsPerRulePerFile,
    };
    if (options.fingerprintKey) detectorOptions.fingerprintKey = options.fingerprintKey;
    if (config.allowlist) detectorOptions.allowlist = config.allowlist;
    return new Detector(resolveRules(builtinRules(), config), detectorOptions);
  });
  const ignoreFile = path.join(options.root, IGNORE_FILE_NAME);
  let ignored = new Set<string>();
  if (existsSync(ignoreFile)) {
    const text = await readUserFile(ignoreFile, IGNORE_FILE_NAME);
    ignored = checked(() => parseIgnoreFile(text, origin(ignoreFile)));
  }
  const setup: ScanSetup = { config, detector, ignored: new KnownFindings(ignored) };
  if (options.baselinePath) {
    const baselinePath = options.baselinePath;
    const text = await readUserFile(baselinePath, 'baseline');
    const parsed = checked(() => parseBaseline(text, origin(baselinePath)));
    setup.baseline = new KnownFindings(parsed.fingerprints);
    setup.baselineVersion = parsed.version;
  }
  return setup;
}
