import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { AuditTrail, GENESIS, hashLine, provisionCommands, verifyAuditText, verifyAuditTrail } from '../src/index.js';
import { FakeClock, testJob } from './support/recording-runner.js';

function writeTrail(lines = 4): { path: string; head: string } {
  const dir = mkdtempSync(join(tmpdir(), 'keyward-audit-'));
  const trail = new AuditTrail(join(dir, 'audit.jsonl'), testJob(dir), new FakeClock());
  for (let i = 0; i < lines; i++) {
    trail.append({ operation: i % 2 ? 'revoke' : 'mint', backend: 'postgres', credentialId: `ci_4242_1_role${i}`, result: 'ok' });
  }
  return { path: trail.path, head: trail.head() };
}

const audit = provisionCommands.find((c) => c.name === 'audit')!;
async function runAudit(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await audit.run(argv, { stdout: (s) => (out += s), stderr: (s) => (err += s), env: {} });
  return { code, out, err };
}

describe('audit trail', () => {
  test('each line carries the job facts and the hash of the line before', () => {
    const { path } = writeTrail(3);
    const lines = readFileSync(path, 'utf8').trim().split('\n');
    const records = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records[0]).toMatchObject({ seq: 1, repository: 'acme/widgets', run: '4242/1', job: 'test', actor: 'octocat', operation: 'mint', prev: GENESIS });
    expect(records[1]?.prev).toBe(hashLine(lines[0]!));
    expect(records[2]?.prev).toBe(hashLine(lines[1]!));
    expect(verifyAuditTrail(path)).toMatchObject({ ok: true, lines: 3 });
  });

  test('detects an edited line', () => {
    const { path } = writeTrail();
    const lines = readFileSync(path, 'utf8').split('\n');
    lines[1] = lines[1]!.replace('"result":"ok"', '"result":"failed"');
    const result = verifyAuditText(lines.join('\n'));
    expect(result.ok).toBe(false);
    expect(result.problems.map((p) => p.line)).toEqual([3]);
  });

  test('detects a removed line and an inserted one', () => {
    const { path } = writeTrail();
    const lines = readFileSync(path, 'utf8').trim().split('\n');
    expect(verifyAuditText([lines[0], lines[2], lines[3]].join('\n')).ok).toBe(false);
    expect(verifyAuditText([lines[0], lines[1], lines[1], lines[2], lines[3]].join('\n')).ok).toBe(false);
  });

  test('detects lines cut off the end only against the published head', () => {
    const { path, head } = writeTrail();
    const lines = readFileSync(path, 'utf8').trim().split('\n');
    const truncated = lines.slice(0, 3).join('\n');
    expect(verifyAuditText(truncated).ok).toBe(true);
    expect(verifyAuditText(truncated, head).ok).toBe(false);
    expect(verifyAuditText(lines.join('\n'), head).ok).toBe(true);
  });

  test('keyward audit verify: 0 intact, 1 tampered, 2 usage', async () => {
    const { path, head } = writeTrail();
    expect(await runAudit(['verify', path, '--head', head])).toMatchObject({ code: 0 });
    expect((await runAudit(['verify', path])).out).toMatch(/^ok: 4 line\(s\)/);
    writeFileSync(path, readFileSync(path, 'utf8').replace('role2', 'roleX'));
    const tampered = await runAudit(['verify', path]);
    expect(tampered.code).toBe(1);
    expect(tampered.out).toMatch(/:4: hash chain broken/);
    expect((await runAudit(['verify'])).code).toBe(2);
    expect((await runAudit(['check', path])).code).toBe(2);
    expect((await runAudit(['verify', join(tmpdir(), 'no-such-keyward-trail.jsonl')])).code).toBe(2);
  });
});
