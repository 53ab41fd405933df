import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { AuditTrail, RevocationLedger, VaultBackend, provision, revokeAll } from '../src/index.js';
import { type FakeVault, startFakeVault } from './support/fake-vault.js';
import { type OidcIssuer, startOidcIssuer } from './support/oidc-issuer.js';
import { FakeClock, RecordingRunner, testJob } from './support/recording-runner.js';

let issuer: OidcIssuer;
let vault: FakeVault;
beforeAll(async () => {
  issuer = await startOidcIssuer();
  vault = await startFakeVault({ issuer, role: 'ci' });
});
afterAll(async () => {
  await vault?.close();
  await issuer?.close();
});

test('token method: no login, leases revoked, the given token is left alone (it is not keyward\'s)', async () => {
  const temp = mkdtempSync(join(tmpdir(), 'keyward-vt-'));
  const runner = new RecordingRunner();
  const clock = new FakeClock(new Date());
  const job = testJob(temp);
  const audit = new AuditTrail(join(temp, 'audit.jsonl'), job, clock);
  const backend = new VaultBackend({
    addr: vault.url,
    method: 'token',
    token: vault.rootToken,
    secrets: [{ path: 'database/creds/ro', field: 'password', exportName: 'PGPASSWORD' }],
  });
  const start = vault.server.requests.length;
  await provision({ backend: 'vault', roles: ['database/creds/ro'], exportModes: ['env'], rename: {} }, { runner, job, clock, audit, backend, signal: new AbortController().signal });
  expect(vault.server.requests.slice(start).map((r) => `${r.method} ${r.path}`)).toEqual(['GET /v1/database/creds/ro']);
  const ledger = RevocationLedger.load(runner);
  expect(ledger.entries.map((e) => e.kind)).toEqual(['lease']);
  const reports = await revokeAll(ledger, { runner, audit, clock, backendFor: () => backend });
  expect(reports.map((r) => r.outcome)).toEqual(['revoked']);
  expect(vault.leases.get(ledger.entries[0]!.id)?.revoked).toBe(true);
  expect(vault.server.requests.some((r) => r.path === '/v1/auth/token/revoke-self')).toBe(false);
});
