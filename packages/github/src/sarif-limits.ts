// GitHub's limits on one uploaded SARIF file. Over a limit, GitHub rejects the whole upload, so we
// trim first: keep the most severe results (ties: the order the reporter wrote, so the same input
// always keeps the same results) and say what was dropped.
// https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning#validating-your-sarif-file
import { gzipSync } from 'node:zlib';
import type { Log, ReportingDescriptor, Result, Run } from 'sarif';

export interface SarifLimits {
  /** Bytes of the gzip-compressed file. */
  maxGzippedBytes: number;
  maxRunsPerFile: number;
  maxResultsPerRun: number;
  maxRulesPerRun: number;
  maxLocationsPerResult: number;
  maxTagsPerRule: number;
}

export const GITHUB_SARIF_LIMITS: Readonly<SarifLimits> = Object.freeze({
  maxGzippedBytes: 10 * 1024 * 1024,
  maxRunsPerFile: 20,
  maxResultsPerRun: 25_000,
  maxRulesPerRun: 25_000,
  maxLocationsPerResult: 1_000,
  maxTagsPerRule: 20,
});

export interface FittedSarif {
  log: Log;
  /** One sentence per limit that made us drop something; empty when the file fit as it was. */
  notes: string[];
  resultsBefore: number;
  resultsAfter: number;
}

const LEVEL_SCORE: Record<string, number> = { error: 8, warning: 5, note: 2, none: 0 };

function ruleOf(run: Run, result: Result): ReportingDescriptor | undefined {
  const rules = run.tool.driver.rules ?? [];
  if (result.ruleIndex !== undefined && rules[result.ruleIndex]) return rules[result.ruleIndex];
  return rules.find((r) => r.id === result.ruleId);
}

/** How severe a result is, on GitHub's 0-10 security-severity scale, falling back to its level. */
export function severityScore(run: Run, result: Result): number {
  const rule = ruleOf(run, result);
  const declared = Number.parseFloat(String(rule?.properties?.['security-severity'] ?? ''));
  if (Number.isFinite(declared)) return declared;
  const level = result.level ?? rule?.defaultConfiguration?.level ?? 'warning';
  return LEVEL_SCORE[level] ?? 0;
}

/** The `keep` most severe results, in their original order. */
function mostSevere(run: Run, results: Result[], keep: number): Result[] {
  if (results.length <= keep) return results;
  const ranked = results
    .map((result, index) => ({ index, score: severityScore(run, result) }))
    .sort((a, b) => b.score - a.score || a.index - b.index)
    .slice(0, keep)
    .map((r) => r.index)
    .sort((a, b) => a - b);
  return ranked.map((i) => results[i]!);
}

function runScore(run: Run): number {
  return Math.max(-1, ...(run.results ?? []).map((r) => severityScore(run, r)));
}

/** Keep only the rules that results use (and renumber ruleIndex); the cheapest way to shrink a file. */
function pruneRules(run: Run): void {
  const rules = run.tool.driver.rules;
  if (!rules) return;
  const used = new Set((run.results ?? []).map((r) => ruleOf(run, r)).filter((r): r is ReportingDescriptor => r !== undefined));
  if (used.size === rules.length) return;
  const kept = rules.filter((r) => used.has(r));
  const newIndex = new Map(kept.map((r, i) => [r, i]));
  for (const result of run.results ?? []) {
    const rule = ruleOf(run, result);
    if (result.ruleIndex !== undefined) {
      const index = rule ? newIndex.get(rule) : undefined;
      if (index === undefined) delete result.ruleIndex;
      else result.ruleIndex = index;
    }
  }
  run.tool.driver.rules = kept;
}

function countResults(log: Log): number {
  return log.runs.reduce((n, run) => n + (run.results?.length ?? 0), 0);
}

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/**
 * A copy of `log` that GitHub accepts: within every count limit and the compressed size limit.
 * `gzippedSize` is injectable so tests can exercise the size limit without 10 MB of input.
 */
export function fitSarifToLimits(
  log: Log,
  limits: SarifLimits = GITHUB_SARIF_LIMITS,
  gzippedSize: (text: string) => number = (text) => gzipSync(text).length,
): FittedSarif {
  const copy = structuredClone(log) as Log;
  const notes: string[] = [];
  const resultsBefore = countResults(copy);

  if (copy.runs.length > limits.maxRunsPerFile) {
    const ranked = copy.runs
      .map((run, index) => ({ index, score: runScore(run) }))
      .sort((a, b) => b.score - a.score || a.index - b.index)
      .slice(0, limits.maxRunsPerFile)
      .map((r) => r.index)
      .sort((a, b) => a - b);
    notes.push(
      `GitHub accepts at most ${limits.maxRunsPerFile} runs per SARIF file: kept the ${limits.maxRunsPerFile} runs with the most severe results of ${copy.runs.length}.`,
    );
    copy.runs = ranked.map((i) => copy.runs[i]!);
  }

  for (const run of copy.runs) {
    const results = run.results ?? [];
    if (results.length > limits.maxResultsPerRun) {
      run.results = mostSevere(run, results, limits.maxResultsPerRun);
      notes.push(
        `GitHub accepts at most ${plural(limits.maxResultsPerRun, 'result')} per run: uploaded the ${limits.maxResultsPerRun.toLocaleString('en-US')} most severe of ${results.length.toLocaleString('en-US')}.`,
      );
    }
    for (const result of run.results ?? []) {
      if (result.locations && result.locations.length > limits.maxLocationsPerResult) {
        result.locations = result.locations.slice(0, limits.maxLocationsPerResult);
      }
    }
    const rules = run.tool.driver.rules ?? [];
    if (rules.length > limits.maxRulesPerRun) pruneRules(run);
    for (const rule of run.tool.driver.rules ?? []) {
      const tags = rule.properties?.tags;
      if (Array.isArray(tags) && tags.length > limits.maxTagsPerRule) rule.properties!.tags = tags.slice(0, limits.maxTagsPerRule);
    }
    if ((run.tool.driver.rules?.length ?? 0) > limits.maxRulesPerRun) {
      run.tool.driver.rules = run.tool.driver.rules!.slice(0, limits.maxRulesPerRun);
      notes.push(`GitHub accepts at most ${plural(limits.maxRulesPerRun, 'rule')} per run: some rule descriptions were left out.`);
    }
  }

  let size = gzippedSize(JSON.stringify(copy));
  if (size > limits.maxGzippedBytes) {
    for (const run of copy.runs) pruneRules(run);
    size = gzippedSize(JSON.stringify(copy));
  }
  if (size > limits.maxGzippedBytes) {
    const before = countResults(copy);
    // Shrink in proportion to the overshoot (with a margin), most severe first, until it fits.
    for (let attempt = 0; attempt < 20 && size > limits.maxGzippedBytes; attempt++) {
      const total = countResults(copy);
      if (total === 0) break;
      const target = Math.max(0, Math.floor(total * (limits.maxGzippedBytes / size) * 0.95));
      // Take from every run alike: each keeps its own most severe results.
      for (const run of copy.runs) {
        const results = run.results ?? [];
        run.results = mostSevere(run, results, Math.floor((results.length * target) / total));
        pruneRules(run);
      }
      size = gzippedSize(JSON.stringify(copy));
    }
    const after = countResults(copy);
    notes.push(
      `GitHub accepts at most ${(limits.maxGzippedBytes / (1024 * 1024)).toFixed(0)} MB of gzipped SARIF: uploaded the ${after.toLocaleString('en-US')} most severe of ${before.toLocaleString('en-US')} results.`,
    );
  }
  return { log: copy, notes, resultsBefore, resultsAfter: countResults(copy) };
}
