import { createHash } from 'node:crypto';
import { appendFileSync, closeSync, fstatSync, mkdirSync, openSync, readFileSync, readSync } from 'node:fs';
import { dirname } from 'node:path';
import lockfile from 'proper-lockfile';
import type { Clock, JobContext } from './runner.js';

// rotate (a rotation's start and outcome), write (a destination updated), retire (an old value disabled): keyward rotate.
export type AuditOperation = 'mint' | 'mask' | 'export' | 'deny' | 'revoke' | 'verify' | 'keep' | 'scrub' | 'janitor' | 'rotate' | 'write' | 'retire';
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

/** A lock older than this was left by a process that died holding it (an append takes a millisecond). */
const LOCK_STALE_MS = 5_000;
/** How long an append waits for other jobs sharing the file before giving up. */
const LOCK_WAIT_MS = 30_000;
/** The tail is read from the end in windows of this size: a shared trail grows with every job. */
const TAIL_WINDOW = 64 * 1024;

const sleepSync = (ms: number): void => void Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

function seqOf(line: string | undefined): number | undefined {
  if (line === undefined) return undefined;
  try {
    const parsed = JSON.parse(line) as Partial<AuditRecord>;
    return typeof parsed.seq === 'number' ? parsed.seq : undefined;
  } catch {
    return undefined;
  }
}

export class AuditLockError extends Error {
  override name = 'AuditLockError';
}

/**
 * Append-only JSON-lines audit trail in which each line carries the hash of the line before, so removing or
 * editing any line but the last breaks the chain; a published head hash (step output, job summary) pins every
 * line up to it. Appends hold a lock file (`<path>.lock`, proper-lockfile) from reading the tail to writing the
 * line, so jobs that share one trail extend one chain instead of forking it.
 */
export class AuditTrail {
  constructor(
    readonly path: string,
    private readonly job: JobContext,
    private readonly clock: Pick<Clock, 'now'>,
  ) {}

  append(event: AuditEvent): AuditRecord {
    return this.locked(() => {
      const { seq, head, endsWithNewline } = this.tail();
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
      // A line cut short by a crash stays a line of its own (verify reports it); ours starts on the next.
      appendFileSync(this.path, `${endsWithNewline ? '' : '\n'}${JSON.stringify(record)}\n`, { mode: 0o600 });
      return record;
    });
  }

  /** Hash of the last line: publish it so that truncating the trail up to there is detectable too. */
  head(): string {
    return this.locked(() => this.tail().head);
  }

  private locked<T>(work: () => T): T {
    mkdirSync(dirname(this.path), { recursive: true });
    const deadline = Date.now() + LOCK_WAIT_MS;
    for (;;) {
      let release: () => void;
      try {
        // realpath: false, since the trail may not exist yet; a compromised lock (we stalled past `stale`) is
        // not worth crashing the job over.
        release = lockfile.lockSync(this.path, { realpath: false, stale: LOCK_STALE_MS, onCompromised: () => undefined });
      } catch (error) {
        if ((error as { code?: string }).code !== 'ELOCKED') throw error;
        if (Date.now() > deadline) {
          throw new AuditLockError(`audit trail ${this.path} stayed locked by another process for ${LOCK_WAIT_MS / 1000}s (${this.path}.lock)`);
        }
        sleepSync(2 + Math.random() * 10); // jittered, so waiting jobs do not retry in step
        continue;
      }
      try {
        return work();
      } finally {
        release();
      }
    }
  }

  /** seq and hash of the last line, read from the end of the file. */
  private tail(): { seq: number; head: string; endsWithNewline: boolean } {
    let fd: number;
    try {
      fd = openSync(this.path, 'r');
    } catch {
      return { seq: 0, head: GENESIS, endsWithNewline: true };
    }
    try {
      const size = fstatSync(fd).size;
      for (let window = TAIL_WINDOW; ; window *= 4) {
        const start = Math.max(0, size - window);
        const buffer = Buffer.alloc(size - start);
        readSync(fd, buffer, 0, buffer.length, start);
        const text = buffer.toString('utf8');
        const lines = text.split('\n');
        if (start > 0) lines.shift(); // may begin mid-line
        const complete = lines.filter((l) => l !== '');
        const last = complete.at(-1);
        if (last === undefined && start > 0) continue; // one line longer than the window: read more
        if (last === undefined) return { seq: 0, head: GENESIS, endsWithNewline: true };
        // A last line cut short by a crash has no seq: number on from the line before it.
        const seq = seqOf(last) ?? (seqOf(complete.at(-2)) ?? 0) + 1;
        return { seq, head: hashLine(last), endsWithNewline: text.endsWith('\n') };
      }
    } finally {
      closeSync(fd);
    }
  }
}

export interface AuditProblem {
  line: number;
  message: string;
}

export interface AuditVerification {
  ok: boolean;
  lines: number;
  /** Hash of the last line. */
  head: string;
  /** Where each published head was found: its line, and how many lines were appended after it. */
  checkpoints: Array<{ head: string; line: number; after: number }>;
  problems: AuditProblem[];
}

const REQUIRED_FIELDS = ['seq', 'time', 'repository', 'run', 'job', 'actor', 'operation', 'backend', 'credentialId', 'result', 'prev'] as const;

/**
 * Checks the hash chain of an audit trail's text. Each of `publishedHeads` is a checkpoint: a hash the job
 * published (main's `audit-head` output, the head in post's job summary). The chain must hold a line with that
 * hash, which catches lines cut off or edited up to there; lines appended after it (post's revocations, later
 * jobs sharing the file) are chained to it and checked like every other line.
 */
export function verifyAuditText(text: string, publishedHeads: string | readonly string[] = []): AuditVerification {
  const problems: AuditProblem[] = [];
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const lineOfHash = new Map<string, number>();
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
      lineOfHash.set(prevHash, lineNo);
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
    lineOfHash.set(prevHash, lineNo);
  });
  const checkpoints: AuditVerification['checkpoints'] = [];
  for (const head of typeof publishedHeads === 'string' ? [publishedHeads] : publishedHeads) {
    const line = head === GENESIS ? 0 : lineOfHash.get(head.toLowerCase());
    if (line === undefined) {
      problems.push({
        line: lines.length,
        message: `no line has the published head ${head}: lines up to it were removed or edited`,
      });
      continue;
    }
    checkpoints.push({ head, line, after: lines.length - line });
  }
  return { ok: problems.length === 0, lines: lines.length, head: prevHash, checkpoints, problems };
}

export function verifyAuditTrail(path: string, publishedHeads: string | readonly string[] = []): AuditVerification {
  return verifyAuditText(readFileSync(path, 'utf8'), publishedHeads);
}
