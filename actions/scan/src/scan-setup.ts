// The detector and suppression lists for one run, built by the engine exactly as `keyward scan` builds
// them. Always the portable regex backend: the bundle must run on every runner OS with no native addon.
import { KnownFindings, prepareScan as prepareEngineScan, SetupError, type ScanSetup as EngineScanSetup } from '@keyward/engine';
import { InputError } from './inputs.js';

export interface ScanSetup extends Omit<EngineScanSetup, 'baseline'> {
  /** Fingerprints in the baseline (empty without one): reported as known, not new. */
  baseline: KnownFindings;
}

export async function prepareScan(options: {
  scanRoot: string;
  workspace: string;
  configPath?: string;
  baselinePath?: string;
  fingerprintKey?: string;
}): Promise<ScanSetup> {
  try {
    const setup = await prepareEngineScan({
      root: options.scanRoot,
      cwd: options.workspace,
      regexBackend: 're2js',
      ...(options.configPath ? { configPath: options.configPath } : {}),
      ...(options.baselinePath ? { baselinePath: options.baselinePath } : {}),
      ...(options.fingerprintKey ? { fingerprintKey: options.fingerprintKey } : {}),
    });
    return { ...setup, baseline: setup.baseline ?? new KnownFindings() };
  } catch (error) {
    // A bad or missing config, ignore file or baseline is the workflow author's to fix: an input error.
    if (error instanceof SetupError) throw new InputError(error.message);
    throw error;
  }
}
