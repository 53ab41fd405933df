// Scoring: match keyward's SARIF results to the labels by overlapping spans, then count. A finding that
// overlaps a planted credential is a true positive; one that overlaps a look-alike, or nothing planted at
// all, is a false positive. Recall is over planted credentials; precision over findings.
import type { Label } from './corpus-file.js';
import { redactPreview } from './corpus-file.js';

export interface ResultSpan {
  ruleId: string;
  path: string;
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
}

interface SarifLog {
  runs: Array<{
    results?: Array<{
      ruleId: string;
      locations: Array<{
        physicalLocation: {
          artifactLocation: { uri: string };
          region: { startLine: number; startColumn?: number; endLine?: number; endColumn?: number };
        };
      }>;
    }>;
  }>;
}

export function readSarif(text: string): ResultSpan[] {
  const log = JSON.parse(text) as SarifLog;
  const out: ResultSpan[] = [];
  for (const run of log.runs) {
    for (const r of run.results ?? []) {
      const loc = r.locations[0]?.physicalLocation;
      if (!loc) continue;
      const region = loc.region;
      out.push({
        ruleId: r.ruleId,
        path: loc.artifactLocation.uri.split('/').map(decodeURIComponent).join('/'),
        startLine: region.startLine,
        startColumn: region.startColumn ?? 1,
        endLine: region.endLine ?? region.startLine,
        endColumn: region.endColumn ?? Number.MAX_SAFE_INTEGER,
      });
    }
  }
  return out;
}

const before = (l1: number, c1: number, l2: number, c2: number) => l1 < l2 || (l1 === l2 && c1 < c2);
function overlaps(a: ResultSpan | Label, b: ResultSpan | Label): boolean {
  return before(a.startLine, a.startColumn, b.endLine, b.endColumn) && before(b.startLine, b.startColumn, a.endLine, a.endColumn);
}

export interface Tally {
  positives: number;
  detected: number;
  /** Detected by the rule the label expects (or, for generic credentials, by any rule). */
  named: number;
  truePositives: number;
  falsePositives: number;
}

export const emptyTally = (): Tally => ({ positives: 0, detected: 0, named: 0, truePositives: 0, falsePositives: 0 });
export const recall = (t: Tally) => (t.positives === 0 ? 1 : t.detected / t.positives);
export const precision = (t: Tally) => (t.truePositives + t.falsePositives === 0 ? 1 : t.truePositives / (t.truePositives + t.falsePositives));
export const f1 = (t: Tally) => {
  const p = precision(t);
  const r = recall(t);
  return p + r === 0 ? 0 : (2 * p * r) / (p + r);
};

export interface Miss {
  label: Label;
  /** Rules that reported something else on the same line, if any. */
  nearby: string[];
}

export interface FalsePositive {
  finding: ResultSpan;
  category: string;
  preview: string;
}

export interface Score {
  overall: Tally;
  byProvider: Map<string, Tally>;
  byType: Map<string, Tally>;
  byPositiveCategory: Map<string, Tally>;
  /** Negative category -> [look-alikes planted, look-alikes reported]. */
  negatives: Map<string, [number, number]>;
  misses: Miss[];
  falsePositives: FalsePositive[];
  duplicates: number;
  misnamed: Array<{ label: Label; rules: string[] }>;
}

function tally<K>(map: Map<K, Tally>, key: K): Tally {
  let t = map.get(key);
  if (!t) {
    t = emptyTally();
    map.set(key, t);
  }
  return t;
}

export function score(
  labels: Label[],
  findings: ResultSpan[],
  providerOf: (ruleId: string) => string,
  fileText: (path: string) => string | undefined,
  typeOf: (path: string) => string,
): Score {
  const byPath = new Map<string, Label[]>();
  for (const l of labels) {
    const list = byPath.get(l.path) ?? [];
    list.push(l);
    byPath.set(l.path, list);
  }
  const s: Score = {
    overall: emptyTally(),
    byProvider: new Map(),
    byType: new Map(),
    byPositiveCategory: new Map(),
    negatives: new Map(),
    misses: [],
    falsePositives: [],
    duplicates: 0,
    misnamed: [],
  };
  const hitsOf = new Map<Label, string[]>();
  const negativeHit = new Set<Label>();
  for (const f of findings) {
    const here = byPath.get(f.path) ?? [];
    const positive = here.find((l) => l.kind === 'positive' && overlaps(l, f));
    if (positive) {
      const hits = hitsOf.get(positive) ?? [];
      if (hits.length > 0) s.duplicates++;
      hits.push(f.ruleId);
      hitsOf.set(positive, hits);
      for (const t of [s.overall, tally(s.byProvider, positive.provider), tally(s.byType, positive.type), tally(s.byPositiveCategory, positive.category)]) t.truePositives++;
      continue;
    }
    const neg = here.find((l) => l.kind === 'negative' && overlaps(l, f));
    if (neg) negativeHit.add(neg);
    const category = neg ? neg.category : 'unlabelled';
    for (const t of [s.overall, tally(s.byProvider, providerOf(f.ruleId)), tally(s.byType, typeOf(f.path))]) t.falsePositives++;
    s.falsePositives.push({ finding: f, category, preview: neg ? neg.preview : previewAt(fileText(f.path), f) });
  }
  for (const l of labels) {
    if (l.kind === 'negative') {
      const entry = s.negatives.get(l.category) ?? [0, 0];
      entry[0]++;
      if (negativeHit.has(l)) entry[1]++;
      s.negatives.set(l.category, entry);
      continue;
    }
    const hits = hitsOf.get(l);
    const named = hits !== undefined && (l.ruleId === 'generic' || hits.includes(l.ruleId));
    for (const t of [s.overall, tally(s.byProvider, l.provider), tally(s.byType, l.type), tally(s.byPositiveCategory, l.category)]) {
      t.positives++;
      if (hits) t.detected++;
      if (named) t.named++;
    }
    if (!hits) {
      const nearby = findings.filter((f) => f.path === l.path && f.startLine <= l.endLine && f.endLine >= l.startLine).map((f) => f.ruleId);
      s.misses.push({ label: l, nearby });
    } else if (!named) s.misnamed.push({ label: l, rules: hits });
  }
  return s;
}

function previewAt(text: string | undefined, f: ResultSpan): string {
  if (text === undefined) return '(file not read)';
  const lines = text.split('\n');
  const line = lines[f.startLine - 1] ?? '';
  const end = f.endLine === f.startLine ? f.endColumn - 1 : line.length;
  return redactPreview(line.slice(f.startColumn - 1, end));
}
