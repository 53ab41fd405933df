// Runs a source through the detector and applies the suppressions that need the whole finding:
// the .keywardignore list and a baseline. Sources and detection stay unaware of each other.
import type { Detector } from './detector.js';
import type { SourceEvent } from './sources/directory.js';
import type { Finding, ScanResult, ScanStats } from './types.js';

export interface ScanProgress {
  files: number;
  bytes: number;
  findings: number;
}

export interface ScanOptions {
  detector: Detector;
  /** Fingerprints from .keywardignore. */
  ignoredFingerprints?: ReadonlySet<string>;
  /** Fingerprints from a baseline: known findings, reported only as a count. */
  baseline?: ReadonlySet<string>;
  onProgress?: (progress: ScanProgress) => void;
  /** Milliseconds; injected so tests need no fake timers. */
  now?: () => number;
}

export function compareFindings(a: Finding, b: Finding): number {
  return (
    (a.path < b.path ? -1 : a.path > b.path ? 1 : 0) ||
    a.startLine - b.startLine ||
    a.startColumn - b.startColumn ||
    (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0) ||
    ((a.commit?.date ?? '') < (b.commit?.date ?? '') ? -1 : 0)
  );
}

export async function runScan(events: AsyncIterable<SourceEvent>, options: ScanOptions): Promise<ScanResult> {
  const now = options.now ?? Date.now;
  const started = now();
  const stats: ScanStats = {
    files: 0,
    bytes: 0,
    skipped: [],
    durationMs: 0,
    suppressed: { allowlist: 0, inline: 0, ignoreFile: 0, baseline: 0 },
  };
  const before = { ...options.detector.counts };
  const findings: Finding[] = [];
  for await (const event of events) {
    if (event.kind === 'skipped') {
      stats.skipped.push(event.skipped);
      continue;
    }
    stats.files++;
    stats.bytes += event.bytes;
    for (const finding of options.detector.detect(event.fragment)) {
      if (options.ignoredFingerprints?.has(finding.fingerprint)) {
        stats.suppressed.ignoreFile++;
        continue;
      }
      if (options.baseline?.has(finding.fingerprint)) {
        stats.suppressed.baseline++;
        continue;
      }
      findings.push(finding);
    }
    options.onProgress?.({ files: stats.files, bytes: stats.bytes, findings: findings.length });
  }
  stats.suppressed.allowlist = options.detector.counts.allowlist - before.allowlist;
  stats.suppressed.inline = options.detector.counts.inline - before.inline;
  stats.durationMs = now() - started;
  findings.sort(compareFindings);
  return { findings, stats, rules: [...options.detector.rules] };
}
