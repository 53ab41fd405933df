import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  AuditTrail,
  type CredentialBackend,
  type LedgerEntry,
  type ProvisionRequest,
  RevocationLedger,
  StateKey,
  postStep,
  provision,
  verifyAuditTrail,
} from '../src/index.js';
import { FakeClock, RecordingRunner, testJob } from './support/recording-runner.js';

/** An in-memory backend: mints `count` credentials, can fail on demand, remembers what is alive. */
class MemoryBackend implements CredentialBackend {
  readonly name = 'vault' as const;
  alive = new Set<string>();
  revokeCalls: string[] = [];
  failRevokes = 0;
  failMintAfter?: number;
  shortened: Array<[string, Date]> = [];
  constructor(private readonly count = 2) {}

  async mint(ctx: Parameters<CredentialBackend['mint']>[0]) {
    const fields = [];
    for (let i = 0; i < this.count; i++) {
      if (this.failMintAfter === i) throw new Error('server refused the second read');
      const id = `lease-${i}-${randomBytes(4).toString('hex')}`;
      const value = randomBytes(20).toString('base64url');
      this.alive.add(id);
      ctx.record({ backend: 'vault', kind: 'lease', id, expiresAt: new Date(ctx.now().getTime() + 3_600_000).toISOString(), revocation: {} });
      fields.push({ field: `secret${i}`, exportName: `SECRET_${i}`, value, secret: true, credentialId: id });
    }
    return fields;
  }
  async revoke(entry: LedgerEntry) {
    this.revokeCalls.push(entry.id);
    if (this.failRevokes > 0) {
      this.failRevokes--;
      throw new Error('503 from server');
    }
    return this.alive.delete(entry.id) ? ('revoked' as const) : ('already-gone' as const);
  }
  async verifyRevoked(entry: LedgerEntry) {
    return !this.alive.has(entry.id);
  }
  async shortenExpiry(entry: LedgerEntry, until: Date) {
    this.shortened.push([entry.id, until]);
    return true;
  }
}

function setup(backend = new MemoryBackend()) {
  const temp = mkdtempSync(join(tmpdir(), 'keyward-life-'));
  const runner = new RecordingRunner();
  const clock = new FakeClock();
  const job = testJob(temp);
  const audit = new AuditTrail(join(temp, 'audit.jsonl'), job, clock);
  const request: ProvisionRequest = { backend: 'vault', roles: ['database/creds/ci'], exportModes: ['env'], rename: {} };
  const deps = { runner, job, clock, audit, backend, signal: new AbortController().signal, random: () => 0.5 };
  return { temp, runner, clock, job, audit, request, deps, backend };
}

describe('main: ledger before output, masks before export', () => {
  test('every value is masked and every credential ledgered before the first export', async () => {
    const { runner, request, deps } = setup();
    await provision(request, deps);
    const firstExport = runner.events.findIndex((e) => e.kind === 'env');
    expect(firstExport).toBeGreaterThan(0);
    const before = runner.events.slice(0, firstExport);
    for (const [name, value] of runner.env) {
      expect(before.some((e) => e.kind === 'mask' && e.value === value), `${name} masked before export`).toBe(true);
    }
    const ledger = JSON.parse(runner.getState(StateKey.Ledger)) as LedgerEntry[];
    expect(ledger.map((e) => e.status)).toEqual(['live', 'live']);
    const lastLedgerSave = before.filter((e) => e.kind === 'state' && e.name === StateKey.Ledger).length;
    expect(lastLedgerSave).toBe(2);
    // The ledger holds ids, not the exported values.
    for (const value of runner.env.values()) expect(runner.getState(StateKey.Ledger)).not.toContain(value);
  });

  test('a main that fails after minting revokes what it minted, newest first', async () => {
    const backend = new MemoryBackend(3);
    backend.failMintAfter = 2;
    const { runner, request, deps, audit } = setup(backend);
    await expect(provision(request, deps)).rejects.toThrow('server refused the second read');
    expect(backend.alive.size).toBe(0);
    expect(backend.revokeCalls[0]).toMatch(/^lease-1-/);
    expect(backend.revokeCalls[1]).toMatch(/^lease-0-/);
    expect(runner.env.size).toBe(0);
    const ledger = RevocationLedger.load(runner);
    expect(ledger.live()).toEqual([]);
    expect(verifyAuditTrail(audit.path).ok).toBe(true);
  });

  test('cancellation during mint revokes what exists and reports cancelled', async () => {
    const controller = new AbortController();
    const backend = new MemoryBackend(1);
    const original = backend.mint.bind(backend);
    backend.mint = async (ctx) => {
      const fields = await original(ctx);
      controller.abort(); // SIGTERM lands while the backend is still working
      return fields;
    };
    const { request, deps, runner } = setup(backend);
    await expect(provision(request, { ...deps, signal: controller.signal })).rejects.toThrow(/cancelled/);
    expect(backend.alive.size).toBe(0);
    expect(runner.env.size).toBe(0);
  });

  test('cancellation before anything was minted says so, not what the interrupted call failed with', async () => {
    const controller = new AbortController();
    const backend = new MemoryBackend(1);
    backend.mint = async () => {
      controller.abort(new Error('SIGTERM received'));
      throw new Error('socket hang up'); // what an interrupted login typically rejects with
    };
    const { request, deps } = setup(backend);
    await expect(provision(request, { ...deps, signal: controller.signal })).rejects.toThrow(
      'cancelled (SIGTERM received) before any credential was minted',
    );
  });

  test('file export: 0600 under RUNNER_TEMP, removed by post', async () => {
    const { runner, request, deps, temp } = setup();
    await provision({ ...request, exportModes: ['file'] }, deps);
    const path = runner.env.get('KEYWARD_CREDENTIALS_FILE')!;
    expect(path.startsWith(temp)).toBe(true);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, 'utf8')).toMatch(/^SECRET_0='.+'\nSECRET_1='.+'\n$/);
    expect(runner.env.has('SECRET_0')).toBe(false); // env not asked for
    const post = runner.forPost();
    await postStep({ ...deps, runner: post, backendFor: () => deps.backend });
    expect(existsSync(path)).toBe(false);
    expect(post.env.get('KEYWARD_CREDENTIALS_FILE')).toBe('');
  });

  test('outputs only when asked', async () => {
    const { runner, request, deps } = setup();
    await provision(request, deps);
    expect([...runner.outputs.keys()].sort()).toEqual(['audit-head', 'credential-ids']);
    const second = setup();
    await provision({ ...second.request, exportModes: ['output'] }, second.deps);
    expect(second.runner.outputs.has('SECRET_0')).toBe(true);
  });
});

describe('post', () => {
  test('revokes newest first, blanks env, writes a summary without values; a second post is a no-op', async () => {
    const { runner, request, deps, backend } = setup();
    await provision(request, deps);
    const minted = [...backend.alive];
    const post = runner.forPost();
    const report = await postStep({ ...deps, runner: post, backendFor: () => backend });
    expect(report.revoked.map((r) => r.entry.id)).toEqual([...minted].reverse());
    expect(backend.alive.size).toBe(0);
    expect(post.env.get('SECRET_0')).toBe('');
    expect(post.summary).toMatch(/\| vault \| lease `lease-0-\w+` \| .* \| yes \|/);
    for (const value of runner.env.values()) expect(post.summary).not.toContain(value);
    const again = post.forPost();
    expect((await postStep({ ...deps, runner: again, backendFor: () => backend })).revoked).toEqual([]);
  });

  test('bounded retries; a revoke that keeps failing is one warning and the rest still revoke', async () => {
    const { runner, request, deps, backend, clock } = setup();
    await provision(request, deps);
    backend.failRevokes = 4; // the newest entry fails all 4 attempts
    const post = runner.forPost();
    const report = await postStep({ ...deps, runner: post, backendFor: () => backend });
    expect(report.revoked.map((r) => r.outcome)).toEqual(['failed', 'revoked']);
    expect(post.warnings()).toHaveLength(1);
    expect(post.warnings()[0]).toMatch(/could not revoke vault lease lease-1-\w+: 503 from server\. It stays usable until it expires server-side at 2030-/);
    expect(clock.sleeps).toHaveLength(3);
    expect(post.summary).toMatch(/\| no: 503 from server \|/);
  });

  test('keep-on-failure: a failed job keeps credentials for the duration, then revokes', async () => {
    const { runner, request, deps, backend, clock } = setup();
    await provision(request, deps);
    const post = runner.forPost();
    const report = await postStep({ ...deps, runner: post, backendFor: () => backend, keepOnFailureMs: 600_000, jobFailed: async () => true });
    expect(clock.sleeps).toEqual([600_000]);
    expect(backend.shortened.map(([, until]) => until.toISOString())).toEqual(['2030-01-01T00:10:00.000Z', '2030-01-01T00:10:00.000Z']);
    expect(report.keptUntil).toBe('2030-01-01T00:10:00.000Z');
    expect(backend.alive.size).toBe(0);
    const lines = readFileSync(deps.audit.path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { operation: string });
    expect(lines.filter((l) => l.operation === 'keep')).toHaveLength(2);
  });

  test('keep-on-failure does not wait when the job passed or its outcome is unknown', async () => {
    for (const outcome of [false, undefined]) {
      const { runner, request, deps, backend, clock } = setup();
      await provision(request, deps);
      const post = runner.forPost();
      await postStep({ ...deps, runner: post, backendFor: () => backend, keepOnFailureMs: 600_000, jobFailed: async () => outcome });
      expect(clock.sleeps).toEqual([]);
      expect(backend.alive.size).toBe(0);
      expect(post.warnings().length).toBe(outcome === undefined ? 1 : 0);
    }
  });
});
