// The detector and the suppression lists for one run, as `keyward scan` builds them: the config file
// (the `config` input, else .keyward.yaml in the scanned folder), .keywardignore, and the baseline.
// Always the portable regex backend: the bundle must run on every runner OS with no native addon.
// (The CLI has the same few lines; a shared engine helper would replace both copies.)
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  builtinRules,
  CONFIG_FILE_NAMES,
  defaultConfig,
  Detector,
  IGNORE_FILE_NAME,
  parseBaseline,
  parseConfig,
  parseIgnoreFile,
  resolveRules,
  type DetectorOptions,
  type KeywardConfig,
} from '@keyward/engine';
import { InputError } from './inputs.js';

export interface ScanSetup {
  config: KeywardConfig;
  detector: Detector;
  /** Fingerprints in .keywardignore: never reported. */
  ignored: Set<string>;
  /** Fingerprints in the baseline: reported as known, not new. */
  baseline: Set<string>;
}

async function readUserFile(file: string, what: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(`cannot read the ${what} ${file}: ${code === 'ENOENT' ? 'no such file' : (code ?? String(error))}`);
  }
}

/** Engine errors (bad YAML, bad RE2 pattern, bad fingerprint) become input errors naming the file. */
function asInputError(error: unknown): never {
  throw new InputError((error as Error).message);
}

export async function prepareScan(options: { scanRoot: string; workspace: string; configPath?: string; baselinePath?: string }): Promise<ScanSetup> {
  const origin = (file: string) => path.relative(options.workspace, file) || path.basename(file);
  let config = defaultConfig();
  const configFile = options.configPath ?? CONFIG_FILE_NAMES.map((n) => path.join(options.scanRoot, n)).find((f) => existsSync(f));
  if (configFile) {
    const text = await readUserFile(configFile, 'config file');
    try {
      config = parseConfig(text, origin(configFile));
    } catch (error) {
      asInputError(error);
    }
  }
  let detector: Detector;
  try {
    const detectorOptions: DetectorOptions = { regexBackend: 're2js', ruleAllowlists: config.ruleAllowlists };
    if (config.allowlist) detectorOptions.allowlist = config.allowlist;
    detector = new Detector(resolveRules(builtinRules(), config), detectorOptions);
  } catch (error) {
    asInputError(error);
  }
  const ignoreFile = path.join(options.scanRoot, IGNORE_FILE_NAME);
  let ignored = new Set<string>();
  if (existsSync(ignoreFile)) {
    try {
      ignored = parseIgnoreFile(await readFile(ignoreFile, 'utf8'), origin(ignoreFile));
    } catch (error) {
      asInputError(error);
    }
  }
  let baseline = new Set<string>();
  if (options.baselinePath) {
    const text = await readUserFile(options.baselinePath, 'baseline');
    try {
      baseline = parseBaseline(text, origin(options.baselinePath));
    } catch (error) {
      asInputError(error);
    }
  }
  return { config, detector, ignored, baseline };
}
