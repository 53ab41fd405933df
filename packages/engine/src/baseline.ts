// A baseline records known findings by content fingerprint only: sorted, with no line numbers,
// timestamps or commit ids, so it does not churn and merges cleanly; `--baseline` then reports only
// what is new. It holds no secret and no hash of one: version 1 also stored sha256(secret), which let
// anyone holding the file test guesses offline, so version 2 dropped it (docs/fingerprints.md).
import { quoteUserText } from './quote.js';
import type { Finding } from './types.js';

export const BASELINE_VERSION = 2;

export interface BaselineEntry {
  fingerprint: string;
  ruleId: string;
  path: string;
}

export interface Baseline {
  version: typeof BASELINE_VERSION;
  tool: 'keyward';
  findings: BaselineEntry[];
}

export interface ParsedBaseline {
  /** 1: fingerprints are version 1 (matched as legacy, to be migrated); 2: current. */
  version: 1 | 2;
  fingerprints: Set<string>;
}

export class BaselineError extends Error {}

export function createBaseline(findings: readonly Finding[]): Baseline {
  const byFingerprint = new Map<string, BaselineEntry>();
  for (const f of findings) byFingerprint.set(f.fingerprint, { fingerprint: f.fingerprint, ruleId: f.ruleId, path: f.path });
  // Code-point order, not localeCompare: the file must be byte-identical on every machine and locale.
  const entries = [...byFingerprint.values()].sort(
    (a, b) => byCodePoint(a.path, b.path) || byCodePoint(a.ruleId, b.ruleId) || byCodePoint(a.fingerprint, b.fingerprint),
  );
  return { version: BASELINE_VERSION, tool: 'keyward', findings: entries };
}

function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function serializeBaseline(baseline: Baseline): string {
  return `${JSON.stringify(baseline, null, 2)}\n`;
}

export function parseBaseline(text: string, origin: string): ParsedBaseline {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    // JSON.parse quotes the text around the fault, which may be a secret pasted into the file.
    throw new BaselineError(`${origin}: not valid JSON (${quoteUserText((error as Error).message)})`);
  }
  const d = doc as { version?: unknown; tool?: unknown; findings?: unknown };
  if (!d || typeof d !== 'object' || d.tool !== 'keyward' || (d.version !== 1 && d.version !== 2) || !Array.isArray(d.findings)) {
    throw new BaselineError(
      `${origin}: not a keyward baseline (expected {"version": ${BASELINE_VERSION}, "tool": "keyward", "findings": [...]}); create one with \`keyward baseline create\``,
    );
  }
  const fingerprints = new Set<string>();
  (d.findings as Array<{ fingerprint?: unknown } | null>).forEach((entry, i) => {
    if (!entry || typeof entry.fingerprint !== 'string' || !/^[0-9a-f]{32}$/.test(entry.fingerprint)) {
      throw new BaselineError(`${origin}: findings[${i}].fingerprint must be 32 hex characters`);
    }
    fingerprints.add(entry.fingerprint);
  });
  return { version: d.version, fingerprints };
}
