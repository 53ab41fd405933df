// Each report format against a golden file. Regenerate after an intended change with
// UPDATE_GOLDEN=1 pnpm vitest run packages/engine/test/reporters.test.ts
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildSarif, formatCount, renderJson, renderJsonLines, renderJunit, renderSarif, renderText, type Finding, type ScanResult } from '../src/index.js';
import { validateSarif } from '../../../test/support/sarif-schema.js';
import { rule } from './support.js';

const here = path.dirname(fileURLToPath(import.meta.url));
// Obviously fake values: reporters never see a real secret in tests.
const FAKE_A = 'FAKE-SECRET-AAAAAAAAAAAAAAAAAAAAAAAA';
const FAKE_B = 'FAKE-SECRET-BBBBBBBBBBBBBBBBBBBBBBBB';

const rules = [
  rule({ id: 'acme-api-key', description: 'Acme API key', pattern: 'x', keywords: ['xx'], severity: 'critical', precision: 'very-high', tags: ['acme'] }),
  rule({ id: 'generic-password', description: 'Password assigned to a secret-looking name', pattern: 'y', keywords: ['yy'], severity: 'medium', precision: 'low', tags: ['generic'] }),
];

function finding(over: Partial<Finding>): Finding {
  return {
    ruleId: 'acme-api-key',
    description: 'Acme API key',
    severity: 'critical',
    path: 'config/app settings.env',
    startLine: 3,
    startColumn: 9,
    endLine: 3,
    endColumn: 45,
    secret: FAKE_A,
    redacted: 'FAKE*****',
    fingerprint: '0123456789abcdef0123456789abcdef',
    entropy: 2.1,
    ...over,
  };
}

const result: ScanResult = {
  rules,
  findings: [
    finding({}),
    finding({
      ruleId: 'generic-password',
      description: 'Password assigned to a secret-looking name',
      severity: 'medium',
      path: 'src/db.py',
      startLine: 12,
      startColumn: 14,
      endLine: 12,
      endColumn: 50,
      secret: FAKE_B,
      fingerprint: 'fedcba9876543210fedcba9876543210',
      commit: { sha: 'a'.repeat(40), author: 'Ada', email: 'ada@example.test', date: '2026-01-02T03:04:05Z' },
    }),
  ],
  stats: {
    files: 42,
    bytes: 123_456,
    durationMs: 1234,
    skipped: [{ path: 'logo.png', reason: 'binary' }, { path: 'dump.sql', reason: 'too-large', detail: '99999999 bytes' }],
    suppressed: { allowlist: 1, inline: 2, ignoreFile: 0, baseline: 0 },
  },
};

function golden(name: string, actual: string): void {
  const file = path.join(here, 'golden', name);
  if (process.env.UPDATE_GOLDEN || !existsSync(file)) writeFileSync(file, actual);
  expect(actual).toBe(readFileSync(file, 'utf8'));
}

describe('formatCount', () => {
  it('prints whole numbers the way en-US does', () => {
    for (const n of [0, 1, 12, 999, 1000, 17933, 100000, 999999, 1000000, 1234567890]) expect(formatCount(n)).toBe(n.toLocaleString('en-US'));
  });
});

describe('reporters', () => {
  it('text', () => golden('report.txt', renderText(result, { color: false, showSecrets: false })));
  it('json', () => golden('report.json', renderJson(result, { showSecrets: false, toolVersion: '0.0.0-test' })));
  it('sarif', () => {
    const text = renderSarif(result, { toolVersion: '0.0.0-test' });
    expect(validateSarif(JSON.parse(text))).toEqual([]);
    golden('report.sarif', text);
  });

  it('jsonl', () => golden('report.jsonl', renderJsonLines(result, { showSecrets: false })));
  it('junit', () => {
    const text = renderJunit(result, { toolVersion: '0.0.0-test' });
    golden('report.junit.xml', text);
    const clean = renderJunit({ ...result, findings: [] }, { toolVersion: '0' });
    expect(clean).toContain('tests="1" failures="0"');
    expect(clean).toContain('<testcase classname="keyward" name="no credentials found in 42 files"/>');
    const hostile = renderJunit({ ...result, findings: [{ ...result.findings[0]!, path: 'a"<b>&\u0001.env' }] }, { toolVersion: '0' });
    expect(hostile).toContain('classname="a&quot;&lt;b&gt;&amp;\ufffd.env"');
  });

  it('never carry the secret unless asked, and SARIF never', () => {
    for (const out of [
      renderText(result, { color: false, showSecrets: false }),
      renderText(result, { color: true, showSecrets: false }),
      renderJson(result, { showSecrets: false, toolVersion: '0' }),
      renderSarif(result, { toolVersion: '0' }),
      renderJsonLines(result, { showSecrets: false }),
      renderJunit(result, { toolVersion: '0' }),
    ]) {
      expect(out).not.toContain('AAAAAAAA');
      expect(out).not.toContain('BBBBBBBB');
    }
    expect(renderJson(result, { showSecrets: true, toolVersion: '0' })).toContain(FAKE_A);
    expect(renderText(result, { color: false, showSecrets: true })).toContain(FAKE_B);
  });

  it('SARIF names each rule once, with what code scanning reads', () => {
    const log = buildSarif(result, { toolVersion: '1.2.3' });
    const run = log.runs[0]!;
    expect(run.tool.driver.rules!.map((r) => r.id)).toEqual(['acme-api-key', 'generic-password']);
    const first = run.tool.driver.rules![0]!;
    expect(first.properties).toMatchObject({ precision: 'very-high', 'security-severity': '9.5' });
    expect(first.help?.markdown).toContain('Revoke or rotate');
    const res = run.results![0]!;
    expect(res.partialFingerprints).toEqual({ 'keywardFingerprint/v2': '0123456789abcdef0123456789abcdef' });
    expect(res.locations![0]!.physicalLocation!.artifactLocation!.uri).toBe('config/app%20settings.env');
    expect(res.locations![0]!.physicalLocation!.region).toEqual({ startLine: 3, startColumn: 9, endLine: 3, endColumn: 45 });
    expect(run.results![1]!.level).toBe('warning');
  });
});
