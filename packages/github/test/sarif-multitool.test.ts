// Microsoft's SARIF Multitool with GitHub's ingestion rules ("Gh": required location and region
// properties, relative URIs, array sizes, ...) on the SARIF keyward uploads: zero errors.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildSarif, builtinRules, COMMIT_AUTHOR_PATH, COMMIT_MESSAGE_PATH, Detector, runScan, type SourceEvent } from '@keyward/engine';
import type { Log } from 'sarif';
import { describe, expect, it } from 'vitest';
import { fitSarifToLimits, withCategory } from '../src/index.js';
import { generatedToken, scanText } from './support.js';

/** The platform binary the npm package ships, or why it cannot run here. */
function multitool(): { binary?: string; reason?: string } {
  try {
    const binary = createRequire(import.meta.url)('@microsoft/sarif-multitool') as string;
    const probe = spawnSync(binary, ['--version'], { encoding: 'utf8', timeout: 60_000 });
    if (probe.status !== 0) return { reason: `sarif-multitool --version failed: ${probe.stderr || probe.error?.message}` };
    return { binary };
  } catch (error) {
    return { reason: `@microsoft/sarif-multitool has no binary for ${process.platform}: ${(error as Error).message}` };
  }
}

const tool = multitool();

const OFFLINE_CONFIG = `<?xml version="1.0" encoding="utf-8"?>
<Properties>
  <Properties Key="SARIF2006.UrisShouldBeReachable.Options">
    <Property Key="RuleEnabled" Value="Disabled" />
  </Properties>
</Properties>
`;

/** Errors the multitool finds in a log, as "RULE arguments" lines; [] when GitHub would ingest it. */
function multitoolErrors(log: Log): string[] {
  const dir = mkdtempSync(path.join(tmpdir(), 'keyward-multitool-'));
  try {
    const input = path.join(dir, 'keyward.sarif');
    const output = path.join(dir, 'validation.sarif');
    writeFileSync(input, JSON.stringify(log, null, 2));
    // SARIF2006 (UrisShouldBeReachable) would request every rule's helpUri from the web; tests stay offline.
    const config = path.join(dir, 'multitool.xml');
    writeFileSync(config, OFFLINE_CONFIG);
    const r = spawnSync(tool.binary!, ['validate', '--rule-kind', 'Sarif;Gh', '--level', 'Error;Warning', '--config', config, '--output', output, input], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    const report = JSON.parse(readFileSync(output, 'utf8').replace(/^\uFEFF/, ''));
    return (report.runs[0].results ?? [])
      .filter((x: { level?: string }) => (x.level ?? 'warning') === 'error')
      .map((x: { ruleId: string; message: { id?: string; arguments?: string[] } }) => `${x.ruleId} ${(x.message.arguments ?? []).join(' ')}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('sarif-multitool validate --rule-kind "Sarif;Gh"', () => {
  it.skipIf(!tool.binary)(`finds no errors in keyward's upload${tool.reason ? ` (skipped: ${tool.reason})` : ''}`, () => {
    const text = [`const a = "${generatedToken(31)}";`, '', `const b = "${generatedToken(32, 'ghs_')}";`, ''].join('\n');
    const log = fitSarifToLimits(withCategory(buildSarif(scanText(text, 'src/dir with space/settings.ts'), { toolVersion: '0.1.0' }), 'keyward')).log;
    expect(log.runs[0]!.results).toHaveLength(2);
    expect(multitoolErrors(log)).toEqual([]);
  });

  it.skipIf(!tool.binary)('finds no errors in findings in a commit message, an author and a file name', async () => {
    const commit = { sha: 'a'.repeat(40), author: 'dev', email: 'dev@example.test', date: '2024-01-01T00:00:00Z', message: 'subject' };
    async function* events(): AsyncGenerator<SourceEvent> {
      yield { kind: 'metadata', place: 'commit-message', fragment: { text: `subject\n\nused ${generatedToken(41)}`, path: COMMIT_MESSAGE_PATH, commit } };
      yield { kind: 'metadata', place: 'commit-author', fragment: { text: `bot ${generatedToken(42)} <dev@example.test>`, path: COMMIT_AUTHOR_PATH, commit } };
      yield { kind: 'fragment', fragment: { text: 'nothing\n', path: `keys/${generatedToken(43)}.txt`, commit }, bytes: 8 };
    }
    const result = await runScan(events(), { detector: new Detector(builtinRules(), { regexBackend: 're2js' }) });
    expect(result.findings.map((f) => f.place).sort()).toEqual(['commit-author', 'commit-message', 'path-name']);
    const log = fitSarifToLimits(withCategory(buildSarif(result, { toolVersion: '0.1.0' }), 'keyward-history')).log;
    expect(multitoolErrors(log)).toEqual([]);
  });
});
