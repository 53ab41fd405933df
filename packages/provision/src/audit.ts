import { createHash } from 'node:crypto';
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Clock, JobContext } from './runner.js';

export type AuditOperation = 'mint' | 'mask' | 'export' | 'deny' | 'revoke' | 'verify' | 'keep' | 'scrub' | 'janitor';
export type AuditResult = 'ok' | 'denied' | 'failed' | 'already-gone' | 'kept' | 'skipped';

export interface AuditEvent {
  operation: AuditOperation;
  backend: string;
  /** Non-secret identifier: role name, token hash, lease id. Never a value. */
  credentialId: string;
  result: AuditResult;
  /** Short free text (counts, env var names, reasons). Never a value. */
  detail?: string;
}

/** One line of the trail. Key order is fixed so the same record always serialises to the same bytes. */
export interface AuditRecord extends AuditEvent {
  seq: number;
  time: string;
  repository: string;
  run: string;
  job: string;
  actor: string;
  /** sha256 of the previous line's exact text; GENESIS for the first line. */
  prev: string;
}

export const GENESIS = '0'.repeat(64);

export const hashLine = (line: string): string => createHash('sha256').update(line, 'utf8').digest('hex');

/**
 * Append-only JSON-lines audit trail in which each line carries the hash of the line before, so removing or
 * editing any line but the last breaks the chain; the head hash (published as a step output and in the job
 * summary) pins the last line too.
 */
export class AuditTrail {
  constructor(
    readonly path: string,
    private readonly job: JobContext,
    private readonly clock: Pick<Clock, 'now'>,
  ) {}

  append(event: AuditEvent): AuditRecord {
    const { seq, head } = this.tail();
    const record: AuditRecord = {
      seq: seq + 1,
      time: this.clock.now().toISOString(),
      repository: this.job.repository,
      run: `${this.job.runId}/${this.job.runAttempt}`,
      job: this.job.job,
      actor: this.job.actor,
      operation: event.operation,
      backend: event.backend,
      credentialId: event.credentialId,
      result: event.result,
      ...(event.detail ? { detail: event.detail } : {}),
      prev: head,
    };
    mkdirSync(dirname(this.path), { recursive: true });
    appendFileSync(this.path, `${JSON.stringify(record)}\n`, { mode: 0o600 });
    return record;
  }

  /** Hash of the last line: publish it so that truncating the trail is detectable too. */
  head(): string {
    return this.tail().head;
  }

  private tail(): { seq: number; head: string } {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch {
      return { seq: 0, head: GENESIS };
    }
    const lines = text.split('\n').filter((l) => l !== '');
    const last = lines.at(-1);
    if (last === undefined) return { seq: 0, head: GENESIS };
    const parsed = JSON.parse(last) as Partial<AuditRecord>;
    return { seq: typeof parsed.seq === 'number' ? parsed.seq : lines.length, head: hashLine(last) };
  }
}

export interface AuditProblem {
  line: number;
  message: string;
}

export interface AuditVerification {
  ok: boolean;
  lines: number;
  /** Hash of the last line, to compare with the head published by the job. */
  head: string;
  problems: AuditProblem[];
}

const REQUIRED_FIELDS = ['seq', 'time', 'repository', 'run', 'job', 'actor', 'operation', 'backend', 'credentialId', 'result', 'prev'] as const;

/** Checks the hash chain of an audit trail's text; `expectedHead` also catches lines cut off the end. */
export function verifyAuditText(text: string, expectedHead?: string): AuditVerification {
  const problems: AuditProblem[] = [];
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  let prevHash = GENESIS;
  let prevSeq = 0;
  lines.forEach((line, index) => {
    const lineNo = index + 1;
    let record: Record<string, unknown>;
    try {
      record = JSON.parse(line) as Record<string, unknown>;
    } catch {
      problems.push({ line: lineNo, message: 'not valid JSON' });
      prevHash = hashLine(line);
      return;
    }
    const missing = REQUIRED_FIELDS.filter((field) => !(field in record));
    if (missing.length) problems.push({ line: lineNo, message: `missing ${missing.join(', ')}` });
    if (record.prev !== prevHash) {
      problems.push({
        line: lineNo,
        message: 'hash chain broken: the previous line was removed, inserted or edited',
      });
    }
    if (typeof record.seq === 'number') {
      if (record.seq !== prevSeq + 1 && record.prev === prevHash) {
        problems.push({ line: lineNo, message: `sequence jumps from ${prevSeq} to ${record.seq}` });
      }
      prevSeq = record.seq;
    }
    prevHash = hashLine(line);
  });
  if (expectedHead !== undefined && expectedHead !== prevHash) {
    problems.push({
      line: lines.length,
      message: 'the last line does not match the published head: lines were removed from the end or edited',
    });
  }
  return { ok: problems.length === 0, lines: lines.length, head: prevHash, problems };
}

export function verifyAuditTrail(path: string, expectedHead?: string): AuditVerification {
  return verifyAuditText(readFileSync(path, 'utf8'), expectedHead);
}
