// Runs a source through the detector and applies the suppressions that need the whole finding:
// the .keywardignore list and a baseline. Sources and detection stay unaware of each other.
import type { Detector } from './detector.js';
import type { KnownFindings } from './known-findings.js';
import { MetadataScanner } from './metadata-scan.js';
import type { DetectorPool } from './worker-pool.js';
import type { SourceEvent } from './sources/directory.js';
import type { EncodedFragment, Finding, Fragment, ScanResult, ScanStats } from './types.js';

export interface ScanProgress {
  files: number;
  bytes: number;
  findings: number;
}

export interface ScanOptions {
  detector: Detector;
  /** Fingerprints from .keywardignore. */
  ignoredFingerprints?: KnownFindings;
  /** Fingerprints from a baseline: known findings, reported only as a count. */
  baseline?: KnownFindings;
  onProgress?: (progress: ScanProgress) => void;
  /**
   * Detection on worker threads for large scans: the pool starts once `afterBytes` have been scanned
   * on this thread, so small scans never pay for starting workers. Results are taken in source order.
   */
  parallel?: { start: () => DetectorPool; afterBytes: number };
  /** Milliseconds; injected so tests need no fake timers. */
  now?: () => number;
}

/**
 * Fragments go to the pool in batches of about this much text, one message per batch rather than per
 * file (a bigger file is a batch of its own)...
 */
const BATCH_BYTES = 128 * 1024;
const BATCH_FRAGMENTS = 256;
/** ...and at most this much waits on the pool at once: enough to keep every worker busy, little enough to keep memory flat. */
const MAX_IN_FLIGHT_BYTES = 2 * 1024 * 1024;

export function compareFindings(a: Finding, b: Finding): number {
  return (
    (a.path < b.path ? -1 : a.path > b.path ? 1 : 0) ||
    a.startLine - b.startLine ||
    a.startColumn - b.startColumn ||
    (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0) ||
    ((a.commit?.date ?? '') < (b.commit?.date ?? '') ? -1 : (a.commit?.date ?? '') > (b.commit?.date ?? '') ? 1 : 0)
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
  // History sources yield blobs oldest first; a key kept through later edits of its file sits in every
  // later version with the same fingerprint, and is one leak, reported at the commit that added it.
  const reportedInHistory = new Set<string>();
  const take = (found: readonly Finding[]): void => {
    for (const finding of found) {
      if (options.ignoredFingerprints?.has(finding)) {
        stats.suppressed.ignoreFile++;
        continue;
      }
      if (options.baseline?.has(finding)) {
        stats.suppressed.baseline++;
        continue;
      }
      if (finding.commit) {
        if (reportedInHistory.has(finding.fingerprint)) continue;
        reportedInHistory.add(finding.fingerprint);
      }
      findings.push(finding);
    }
  };
  // Path names, commit messages and authors: scanned here, and redacted from the result at the end.
  const names = new MetadataScanner(options.detector);
  let pool: DetectorPool | undefined;
  // Batches in flight on the pool, oldest first, with their sizes: bounded in bytes.
  const inFlight: Array<{ bytes: number; result: Promise<Finding[][]> }> = [];
  let inFlightBytes = 0;
  let batch: Array<Fragment | EncodedFragment> = [];
  let batchBytes = 0;
  const takeOldest = async (): Promise<void> => {
    const oldest = inFlight.shift()!;
    inFlightBytes -= oldest.bytes;
    for (const found of await oldest.result) take(found);
  };
  const send = async (): Promise<void> => {
    if (batch.length === 0) return;
    const result = pool!.detect(batch);
    result.catch(() => undefined); // observed when its turn comes; avoid an unhandled rejection meanwhile
    inFlight.push({ bytes: batchBytes, result });
    inFlightBytes += batchBytes;
    batch = [];
    batchBytes = 0;
    while (inFlightBytes > MAX_IN_FLIGHT_BYTES) await takeOldest();
  };
  try {
    for await (const event of events) {
      if (event.kind === 'metadata') {
        take(names.metadata(event.fragment, event.place));
        continue;
      }
      if (event.kind === 'skipped') {
        stats.skipped.push(event.skipped);
        take(names.pathNames(event.path ?? event.skipped.path, event.commit, !event.nameIsOld));
        continue;
      }
      take(names.pathNames(event.fragment.path, event.fragment.commit, !event.nameIsOld));
      stats.files++;
      stats.bytes += event.bytes;
      if (!pool && options.parallel && stats.bytes > options.parallel.afterBytes) pool = options.parallel.start();
      if (pool) {
        batch.push(event.fragment);
        batchBytes += event.bytes;
        if (batchBytes >= BATCH_BYTES || batch.length >= BATCH_FRAGMENTS) await send();
      } else {
        take(options.detector.detect(event.fragment));
      }
      options.onProgress?.({ files: stats.files, bytes: stats.bytes, findings: findings.length });
    }
    if (pool) await send();
    while (inFlight.length > 0) await takeOldest();
  } finally {
    await pool?.close();
  }
  stats.suppressed.allowlist = options.detector.counts.allowlist - before.allowlist + (pool?.counts.allowlist ?? 0);
  stats.suppressed.inline = options.detector.counts.inline - before.inline + (pool?.counts.inline ?? 0);
  stats.durationMs = now() - started;
  findings.sort(compareFindings);
  names.redact(findings, stats.skipped);
  return { findings, stats, rules: [...options.detector.rules] };
}
