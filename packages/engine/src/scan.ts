// Runs a source through the detector and applies the suppressions that need the whole finding:
// the .keywardignore list and a baseline. Sources and detection stay unaware of each other.
import type { Detection, Detector } from './detector.js';
import type { KnownFindings } from './known-findings.js';
import { MetadataScanner } from './metadata-scan.js';
import type { DetectorPool } from './worker-pool.js';
import type { SourceEvent } from './sources/directory.js';
import type { CappedFindings, EncodedFragment, Finding, Fragment, ScanResult, ScanStats } from './types.js';

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
  /** Findings one rule may report in one file (all its chunks together); must match the detector's. Default 100. */
  maxFindingsPerRule?: number;
}

/**
 * Fragments go to the pool in batches of about this much text, one message per batch rather than per
 * file (a bigger file is a batch of its own)...
 */
const BATCH_BYTES = 128 * 1024;
const BATCH_FRAGMENTS = 256;
/** ...and at most this much waits on the pool at once: enough to keep every worker busy, little enough to keep memory flat. */
const MAX_IN_FLIGHT_BYTES = 2 * 1024 * 1024;

/** What the findings cap needs to know of a fragment once its text has gone to a worker. */
interface FragmentOrigin {
  path: string;
  blobId?: string;
  chunk?: unknown;
}

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
    capped: [],
    durationMs: 0,
    suppressed: { allowlist: 0, inline: 0, ignoreFile: 0, baseline: 0 },
  };
  const before = { ...options.detector.counts };
  const findings: Finding[] = [];
  // History sources yield blobs oldest first; a key kept through later edits of its file sits in every
  // later version with the same fingerprint, and is one leak, reported at the commit that added it.
  const reportedInHistory = new Set<string>();
  // Findings per rule and file, for the cap across the chunks of a large file; only the current file's are kept.
  const cap = options.maxFindingsPerRule ?? options.detector.options.maxFindingsPerRule ?? 100;
  let perRule = new Map<string, number>();
  let perRuleFile: string | undefined;
  const cappedKeys = new Map<string, CappedFindings>();
  const markCapped = (path: string, blobId: string | undefined, ruleId: string): void => {
    const key = `${path}\0${blobId ?? ''}\0${ruleId}`;
    if (!cappedKeys.has(key)) {
      const entry = { path, ruleId, reported: cap };
      cappedKeys.set(key, entry);
      stats.capped!.push(entry);
    }
  };
  const accept = (finding: Finding): void => {
    if (options.ignoredFingerprints?.has(finding)) {
      stats.suppressed.ignoreFile++;
      return;
    }
    if (options.baseline?.has(finding)) {
      stats.suppressed.baseline++;
      return;
    }
    if (finding.commit) {
      if (reportedInHistory.has(finding.fingerprint)) return;
      reportedInHistory.add(finding.fingerprint);
    }
    findings.push(finding);
  };
  /** Findings in what is not a file's content (path names, commit messages): no per-file cap. */
  const takeFound = (found: readonly Finding[]): void => {
    for (const finding of found) accept(finding);
  };
  const take = (detection: Detection, fragment: FragmentOrigin): void => {
    const fileKey = `${fragment.path}\0${fragment.blobId ?? ''}`;
    if (fileKey !== perRuleFile) {
      perRuleFile = fileKey;
      perRule = new Map();
    }
    for (const ruleId of detection.capped) markCapped(fragment.path, fragment.blobId, ruleId);
    for (const finding of detection.findings) {
      if (fragment.chunk) {
        const n = perRule.get(finding.ruleId) ?? 0;
        if (n >= cap) {
          markCapped(fragment.path, fragment.blobId, finding.ruleId);
          continue;
        }
        perRule.set(finding.ruleId, n + 1);
      }
      accept(finding);
    }
  };
  // Path names, commit messages and authors: scanned here, and redacted from the result at the end.
  const names = new MetadataScanner(options.detector);
  let pool: DetectorPool | undefined;
  // Batches in flight on the pool, oldest first, with their sizes: bounded in bytes.
  const inFlight: Array<{ bytes: number; origins: FragmentOrigin[]; result: Promise<Detection[]> }> = [];
  let inFlightBytes = 0;
  let batch: Array<Fragment | EncodedFragment> = [];
  let batchBytes = 0;
  const takeOldest = async (): Promise<void> => {
    const oldest = inFlight.shift()!;
    inFlightBytes -= oldest.bytes;
    const detections = await oldest.result;
    detections.forEach((detection, i) => take(detection, oldest.origins[i]!));
  };
  const send = async (): Promise<void> => {
    if (batch.length === 0) return;
    const result = pool!.detect(batch);
    result.catch(() => undefined); // observed when its turn comes; avoid an unhandled rejection meanwhile
    // Only where each fragment came from is kept here: its text or bytes are the worker's now.
    const origins = batch.map((f) => ({ path: f.path, ...(f.blobId ? { blobId: f.blobId } : {}), ...(f.chunk ? { chunk: true } : {}) }));
    inFlight.push({ bytes: batchBytes, origins, result });
    inFlightBytes += batchBytes;
    batch = [];
    batchBytes = 0;
    while (inFlightBytes > MAX_IN_FLIGHT_BYTES) await takeOldest();
  };
  try {
    for await (const event of events) {
      if (event.kind === 'metadata') {
        takeFound(names.metadata(event.fragment, event.place));
        continue;
      }
      if (event.kind === 'skipped') {
        stats.skipped.push(event.skipped);
        takeFound(names.pathNames(event.path ?? event.skipped.path, event.commit, !event.nameIsOld));
        continue;
      }
      // A file's name is scanned once, with its first chunk.
      if (!event.continued) takeFound(names.pathNames(event.fragment.path, event.fragment.commit, !event.nameIsOld));
      if (!event.continued) stats.files++;
      stats.bytes += event.bytes;
      const chunk = event.fragment.chunk;
      // Chunks are big enough that each is taken before the next is read, so these counts are current.
      if (chunk && event.continued && perRuleFile === `${event.fragment.path}\0${event.fragment.blobId ?? ''}`) {
        chunk.reportedBefore = Object.fromEntries(perRule);
      }
      if (!pool && options.parallel && stats.bytes > options.parallel.afterBytes) pool = options.parallel.start();
      if (pool) {
        batch.push(event.fragment);
        batchBytes += event.bytes;
        if (batchBytes >= BATCH_BYTES || batch.length >= BATCH_FRAGMENTS) await send();
      } else {
        take(options.detector.detectWithCaps(event.fragment), event.fragment);
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
