import type { Log, Result } from 'sarif';
import { describe, expect, it } from 'vitest';
import { fitSarifToLimits, GITHUB_SARIF_LIMITS, type SarifLimits } from '../src/index.js';

const levels = ['note', 'warning', 'error'] as const;

function logWith(runs: Array<Array<(typeof levels)[number]>>): Log {
  return {
    version: '2.1.0',
    runs: runs.map((results, r) => ({
      tool: {
        driver: {
          name: 'keyward',
          rules: levels.map((level, i) => ({ id: `rule-${level}`, defaultConfiguration: { level }, properties: { 'security-severity': String(3 + i * 3), tags: Array.from({ length: 25 }, (_, t) => `tag${t}`) } })),
        },
      },
      results: results.map((level, i): Result => ({
        ruleId: `rule-${level}`,
        ruleIndex: levels.indexOf(level),
        level,
        message: { text: `run ${r} result ${i}` },
        locations: [{ physicalLocation: { artifactLocation: { uri: `f${i}.txt` }, region: { startLine: i + 1 } } }],
      })),
    })),
  };
}

const roomy: SarifLimits = { ...GITHUB_SARIF_LIMITS };

describe('fitSarifToLimits', () => {
  it('states the limits GitHub documents', () => {
    expect(GITHUB_SARIF_LIMITS).toMatchObject({ maxGzippedBytes: 10 * 1024 * 1024, maxRunsPerFile: 20, maxResultsPerRun: 25_000 });
  });

  it('leaves a file that fits alone (apart from GitHub\'s 20 tags per rule) and says nothing', () => {
    const log = logWith([['error', 'note']]);
    const fitted = fitSarifToLimits(log, roomy);
    expect(fitted.notes).toEqual([]);
    expect(fitted.log.runs[0]!.results).toEqual(log.runs[0]!.results);
    expect(fitted.log.runs[0]!.tool.driver.rules![0]!.properties!.tags).toHaveLength(20);
    expect(log.runs[0]!.tool.driver.rules![0]!.properties!.tags).toHaveLength(25);
  });

  it('over the results limit keeps the most severe, in their original order, and says so', () => {
    const log = logWith([['note', 'error', 'warning', 'note', 'error']]);
    const fitted = fitSarifToLimits(log, { ...roomy, maxResultsPerRun: 3 });
    expect(fitted.log.runs[0]!.results!.map((r) => r.message.text)).toEqual(['run 0 result 1', 'run 0 result 2', 'run 0 result 4']);
    expect(fitted.notes).toEqual(['GitHub accepts at most 3 results per run: uploaded the 3 most severe of 5.']);
    expect(fitted).toMatchObject({ resultsBefore: 5, resultsAfter: 3 });
  });

  it('keeps the real 25,000 results per run', () => {
    const many = Array.from({ length: 25_001 }, (_, i) => (i === 7 ? 'note' : 'error') as (typeof levels)[number]);
    const fitted = fitSarifToLimits(logWith([many]));
    expect(fitted.resultsAfter).toBe(25_000);
    expect(fitted.log.runs[0]!.results!.some((r) => r.message.text === 'run 0 result 7')).toBe(false);
  });

  it('over the runs limit keeps the runs with the most severe results', () => {
    const log = logWith([['note'], ['error'], ['warning']]);
    const fitted = fitSarifToLimits(log, { ...roomy, maxRunsPerFile: 2 });
    expect(fitted.log.runs.map((r) => r.results![0]!.message.text)).toEqual(['run 1 result 0', 'run 2 result 0']);
    expect(fitted.notes[0]).toMatch(/at most 2 runs per SARIF file/);
  });

  it('over the compressed size drops unused rules, then the least severe results, until it fits', () => {
    const log = logWith([['note', 'note', 'error', 'warning', 'note', 'note', 'note', 'note']]);
    const size = (text: string) => text.length;
    const full = size(JSON.stringify(fitSarifToLimits(log, roomy, size).log));
    const fitted = fitSarifToLimits(log, { ...roomy, maxGzippedBytes: Math.floor(full * 0.6) }, size);
    expect(size(JSON.stringify(fitted.log))).toBeLessThanOrEqual(Math.floor(full * 0.6));
    const kept = fitted.log.runs[0]!.results!;
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.length).toBeLessThan(8);
    expect(kept[0]!.level).toBe('error');
    // ruleIndex still points at the right rule after unused rules were dropped
    for (const r of kept) expect(fitted.log.runs[0]!.tool.driver.rules![r.ruleIndex!]!.id).toBe(r.ruleId);
    expect(fitted.notes.at(-1)).toMatch(/^GitHub accepts at most \d+ MB of gzipped SARIF: uploaded the \d+ most severe of 8 results\.$/);
  });
});
