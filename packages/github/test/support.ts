// Real findings for this package's tests: the engine's detector on text holding secrets generated at
// test time (never a committed credential).
import { builtinRules, Detector, SeededRandom, validators, type Finding, type ScanResult } from '@keyward/engine';

export const generatedToken = (seed: number, prefix = 'ghp_') => validators.get('github-crc32')!.generate(new SeededRandom(seed), prefix);

let detector: Detector | undefined;

export function scanText(text: string, path = 'src/settings.ts'): ScanResult {
  detector ??= new Detector(builtinRules(), { regexBackend: 're2js' });
  const findings: Finding[] = detector.detect({ text, path });
  return {
    findings,
    rules: [...detector.rules],
    stats: { files: 1, bytes: text.length, skipped: [], durationMs: 0, suppressed: { allowlist: 0, inline: 0, ignoreFile: 0, baseline: 0 } },
  };
}
