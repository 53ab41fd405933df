import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
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
    expect(verifyAuditText(truncated, head).problems[0]?.message).toMatch(/no line has the published head/);
    expect(verifyAuditText(lines.join('\n'), head).ok).toBe(true);
  });

  test('a published head is a checkpoint: lines appended after it (post, later jobs) still verify', () => {
    const dir = mkdtempSync(join(tmpdir(), 'keyward-audit-'));
    const trail = new AuditTrail(join(dir, 'audit.jsonl'), testJob(dir), new FakeClock());
    trail.append({ operation: 'mint', backend: 'postgres', credentialId: 'ci_4242_1_role0', result: 'ok' });
    trail.append({ operation: 'export', backend: 'postgres', credentialId: 'ci_4242_1_role0', result: 'ok' });
    const mainHead = trail.head(); // the audit-head output
    trail.append({ operation: 'revoke', backend: 'postgres', credentialId: 'ci_4242_1_role0', result: 'ok' });
    trail.append({ operation: 'scrub', backend: 'postgres', credentialId: '-', result: 'ok' });
    const postHead = trail.head(); // the head in the job summary
    const text = readFileSync(trail.path, 'utf8');
    expect(verifyAuditText(text, mainHead)).toMatchObject({ ok: true, checkpoints: [{ head: mainHead, line: 2, after: 2 }] });
    expect(verifyAuditText(text, [mainHead, postHead])).toMatchObject({ ok: true, checkpoints: [{ line: 2 }, { line: 4, after: 0 }] });
    const lines = text.trim().split('\n');
    // cut back to before main's head: caught; edit a line after it: the chain breaks
    expect(verifyAuditText(lines.slice(0, 1).join('\n'), mainHead).ok).toBe(false);
    expect(verifyAuditText(lines.slice(0, 3).join('\n'), postHead).ok).toBe(false);
    const edited = [...lines];
    edited[2] = edited[2]!.replace('"result":"ok"', '"result":"failed"');
    expect(verifyAuditText(edited.join('\n'), mainHead).ok).toBe(false);
  });

  test('ten processes appending to one trail at once extend one unbroken chain', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keyward-audit-shared-'));
    const path = join(dir, 'audit.jsonl');
    const here = dirname(fileURLToPath(import.meta.url));
    const viteNode = join(here, '..', 'node_modules', '.bin', 'vite-node');
    const perProcess = 40;
    const children = Array.from({ length: 10 }, (_, i) =>
      spawn(viteNode, [join(here, 'support', 'audit-appender.ts'), path, String(perProcess), `job${i}`], { stdio: ['pipe', 'pipe', 'pipe'] }),
    );
    const said = (child: (typeof children)[number], word: string): Promise<void> =>
      new Promise((resolve, reject) => {
        let out = '';
        let err = '';
        child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
        child.stdout!.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          if (out.includes(word)) resolve();
        });
        child.on('close', (code) => (out.includes(word) ? resolve() : reject(new Error(`appender exited ${code}: ${err}`))));
      });
    await Promise.all(children.map((c) => said(c, 'ready')));
    const done = children.map((c) => said(c, 'done'));
    for (const child of children) child.stdin!.write('go\n'); // all start appending together
    await Promise.all(done);
    const result = verifyAuditTrail(path);
    expect(result.problems).toEqual([]);
    expect(result.lines).toBe(10 * perProcess);
    const records = readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { seq: number; job: string });
    expect(records.map((r) => r.seq)).toEqual(Array.from({ length: 10 * perProcess }, (_, i) => i + 1));
    expect(new Set(records.map((r) => r.job)).size).toBe(10);
    expect(existsSync(`${path}.lock`)).toBe(false); // every lock released
  });

  test('a lock left by a process that died holding it is taken over once stale', () => {
    const { path } = writeTrail(1);
    const lock = `${path}.lock`;
    // what a killed appender leaves: the lock directory, last touched long ago
    mkdirSync(lock);
    utimesSync(lock, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
    const trail = new AuditTrail(path, testJob(dirname(path)), new FakeClock());
    trail.append({ operation: 'revoke', backend: 'postgres', credentialId: 'ci_4242_1_role0', result: 'ok' });
    expect(verifyAuditTrail(path)).toMatchObject({ ok: true, lines: 2 });
    expect(existsSync(lock)).toBe(false);
  });

  test('keyward audit verify: 0 intact, 1 tampered, 2 usage', async () => {
    const { path, head } = writeTrail();
    expect(await runAudit(['verify', path, '--head', head])).toMatchObject({ code: 0 });
    const later = new AuditTrail(path, testJob(dirname(path)), new FakeClock());
    later.append({ operation: 'revoke', backend: 'postgres', credentialId: 'ci_4242_1_role3', result: 'ok' });
    const afterPost = await runAudit(['verify', path, '--head', head, '--head', later.head()]);
    expect(afterPost).toMatchObject({ code: 0 });
    expect(afterPost.out).toContain(`published head ${head} is line 4; 1 line(s) appended after it`);
    expect((await runAudit(['verify', path, '--head', 'f'.repeat(64)])).code).toBe(1);
    expect((await runAudit(['verify', path])).out).toMatch(/^ok: 5 line\(s\)/);
    writeFileSync(path, readFileSync(path, 'utf8').replace('role2', 'roleX'));
    const tampered = await runAudit(['verify', path]);
    expect(tampered.code).toBe(1);
    expect(tampered.out).toMatch(/:4: hash chain broken/);
    expect((await runAudit(['verify'])).code).toBe(2);
    expect((await runAudit(['check', path])).code).toBe(2);
    expect((await runAudit(['verify', join(tmpdir(), 'no-such-keyward-trail.jsonl')])).code).toBe(2);
  });
});
