import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  AuditTrail,
  type CreatedValue,
  GeneratedSource,
  GitHubSecretDestination,
  PostgresTwoRoleSource,
  RotationFailedError,
  RotationStateFile,
  VaultKvDestination,
  VaultKvSource,
  rotateSecret,
  systemClock,
  verifyAuditTrail,
  type Clock,
} from '../src/index.js';
import { type GitHubSecretsStandIn, startGitHubSecretsStandIn } from './support/github-secrets-stand-in.js';
import { createTemplateRole, type PostgresServer, startPostgres, superQuery } from './support/postgres-server.js';
import { FakeClock, testJob } from './support/recording-runner.js';

const TOKEN = 'test-token-not-a-credential';
let server: PostgresServer;
let github: GitHubSecretsStandIn;
let dir: string;

beforeAll(async () => {
  server = await startPostgres();
  await createTemplateRole(server);
  github = await startGitHubSecretsStandIn(TOKEN);
  dir = mkdtempSync(join(tmpdir(), 'keyward-rotation-'));
});
afterAll(async () => {
  await github?.close();
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

let counter = 0;
function setup(clock: Clock = new FakeClock()) {
  const n = ++counter;
  const auditPath = join(dir, `audit-${n}.jsonl`);
  const secret = `DB_URL_${n}`;
  return {
    secret,
    auditPath,
    store: new RotationStateFile(join(dir, `state-${n}.json`)),
    audit: new AuditTrail(auditPath, testJob(dir), clock),
    clock,
    log: () => undefined,
    destination: new GitHubSecretDestination({ apiUrl: github.url, token: TOKEN, scope: { repository: 'acme/widgets' }, name: secret }),
    storedPath: `/repos/acme/widgets/actions/secrets/${secret}`,
  };
}

async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

async function canLogIn(url: string): Promise<boolean> {
  try {
    await (await connect(url)).end();
    return true;
  } catch {
    return false;
  }
}

const canLogInRole = async (role: string): Promise<boolean> =>
  (await superQuery<{ rolcanlogin: boolean }>(server, 'SELECT rolcanlogin FROM pg_roles WHERE rolname = $1', [role]))[0]?.rolcanlogin ?? false;

describe('keyward rotate: PostgreSQL two-role switch -> GitHub Actions secret', () => {
  test('a connected client and a reader that reloads the secret never see an auth failure; each old role is dead after its grace', async () => {
    const s = setup(systemClock); // a real (short) grace period: the reader's window between reading and logging in is real
    const source = new PostgresTwoRoleSource({ adminUrl: server.adminUrl, group: 'app_readonly', loginRoles: ['svc_a', 'svc_b'] });
    const request = { secret: s.secret, source, destinations: [s.destination], graceMs: 1_500, waitForGrace: true, lifetimeMs: 30 * 86_400_000 };

    const first = await rotateSecret(request, s);
    expect(first).toEqual({ current: 'svc_a' });
    const firstUrl = github.stored.get(s.storedPath)!;
    expect(new URL(firstUrl).username).toBe('svc_a');

    // The running service: one long-lived connection, plus a reader that reloads the secret and logs in anew.
    const service = await connect(firstUrl);
    const failures: string[] = [];
    let queries = 0;
    let logins = 0;
    let running = true;
    const serviceLoop = (async () => {
      while (running) {
        try {
          await service.query('SELECT name FROM widgets');
          queries++;
        } catch (error) {
          failures.push(`connected client: ${(error as Error).message}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();
    const readerLoop = (async () => {
      while (running) {
        const url = github.stored.get(s.storedPath)!;
        try {
          const client = await connect(url);
          await client.query('SELECT 1');
          await client.end();
          logins++;
        } catch (error) {
          failures.push(`reader as ${new URL(url).username}: ${(error as Error).message}`);
        }
      }
    })();

    const second = await rotateSecret(request, s);
    const secondUrl = github.stored.get(s.storedPath)!;
    const third = await rotateSecret(request, s);
    running = false;
    await Promise.all([serviceLoop, readerLoop]);

    expect(failures).toEqual([]);
    expect(queries).toBeGreaterThan(0);
    expect(logins).toBeGreaterThan(0);
    expect(second).toEqual({ current: 'svc_b', retired: 'svc_a' });
    expect(third).toEqual({ current: 'svc_a', retired: 'svc_b' });
    // Each replaced value is dead: its login role lost LOGIN, and the URL the destination held before fails.
    expect(await canLogIn(firstUrl)).toBe(false); // svc_a has a new password now
    expect(await canLogIn(secondUrl)).toBe(false);
    expect(await canLogInRole('svc_b')).toBe(false);
    expect(await canLogIn(github.stored.get(s.storedPath)!)).toBe(true);
    // The long-lived session of the retired role ran on (no downtime); nothing else of it can start.
    expect((await service.query('SELECT current_user AS u')).rows).toEqual([{ u: 'svc_a' }]);
    await service.end();

    // Metadata only: neither the state nor the audit trail holds a value.
    const state = readFileSync(join(dir, `state-${counter}.json`), 'utf8');
    const trail = readFileSync(s.auditPath, 'utf8');
    for (const url of [firstUrl, secondUrl, github.stored.get(s.storedPath)!]) {
      const password = decodeURIComponent(new URL(url).password);
      expect(state).not.toContain(password);
      expect(trail).not.toContain(password);
    }
    expect(JSON.parse(state)[s.secret]).toMatchObject({ source: 'postgres-two-role', current: 'svc_a' });
    expect(verifyAuditTrail(s.auditPath).ok).toBe(true);
    const operations = trail.trim().split('\n').map((line) => JSON.parse(line) as { operation: string; result: string; credentialId: string });
    expect(operations.filter((r) => r.operation === 'retire').map((r) => r.credentialId)).toEqual(['svc_a', 'svc_b']);
    expect(operations.filter((r) => r.operation === 'write' && r.result === 'ok')).toHaveLength(3);
  });

  test('destination write fails after the new value exists: the old stays valid, the new is retired again, the next run retries', async () => {
    const s = setup();
    const source = new PostgresTwoRoleSource({ adminUrl: server.adminUrl, group: 'app_readonly', loginRoles: ['wf_a', 'wf_b'] });
    const request = { secret: s.secret, source, destinations: [s.destination], graceMs: 60_000, waitForGrace: true, lifetimeMs: 86_400_000 };
    await rotateSecret(request, s);
    const oldUrl = github.stored.get(s.storedPath)!;

    github.failPutsWith = 500;
    try {
      const failed = rotateSecret(request, s);
      await expect(failed).rejects.toThrow(RotationFailedError);
      await expect(failed).rejects.toThrow(/writing github acme\/widgets actions secret DB_URL_\d+ failed: PUT .* answered 500.*the old value wf_a stays valid/);
    } finally {
      delete github.failPutsWith;
    }
    expect(github.stored.get(s.storedPath)).toBe(oldUrl);
    expect(await canLogIn(oldUrl)).toBe(true);
    expect(await canLogInRole('wf_b')).toBe(false); // the abandoned new role was retired again
    const state = JSON.parse(readFileSync(join(dir, `state-${counter}.json`), 'utf8'))[s.secret];
    expect(state).toMatchObject({ current: 'wf_a', lastFailure: { step: 'write' } });

    expect(await rotateSecret(request, s)).toEqual({ current: 'wf_b', retired: 'wf_a' });
    expect(await canLogIn(oldUrl)).toBe(false);
    expect(verifyAuditTrail(s.auditPath).ok).toBe(true);
  });

  test('verification of the new value fails: nothing is written, the old stays valid', async () => {
    const s = setup();
    class BrokenPasswordSource extends PostgresTwoRoleSource {
      // The server took a different password than the one we would hand out (a proxy or a typo'd template).
      override async create(currentId: string | undefined): Promise<CreatedValue> {
        const made = await super.create(currentId);
        const url = new URL(made.value);
        url.password = `${url.password}x`;
        return { ...made, value: url.toString() };
      }
    }
    const good = new PostgresTwoRoleSource({ adminUrl: server.adminUrl, group: 'app_readonly', loginRoles: ['vf_a', 'vf_b'] });
    const base = { secret: s.secret, destinations: [s.destination], graceMs: 0, waitForGrace: true, lifetimeMs: 86_400_000 };
    await rotateSecret({ ...base, source: good }, s);
    const oldUrl = github.stored.get(s.storedPath)!;
    const puts = github.requests.filter((r) => r.method === 'PUT').length;

    const broken = new BrokenPasswordSource({ adminUrl: server.adminUrl, group: 'app_readonly', loginRoles: ['vf_a', 'vf_b'] });
    await expect(rotateSecret({ ...base, source: broken }, s)).rejects.toThrow(/the new value vf_b does not work: the new role vf_b cannot log in: .*password authentication failed.*the old value vf_a stays valid/);
    expect(github.requests.filter((r) => r.method === 'PUT').length).toBe(puts);
    expect(github.stored.get(s.storedPath)).toBe(oldUrl);
    expect(await canLogIn(oldUrl)).toBe(true);
    expect(await canLogInRole('vf_b')).toBe(false);
  });

  test('the grace-period job never runs: the next run retires the old value first; a run inside the grace is refused unless --now', async () => {
    const clock = new FakeClock();
    const s = setup(clock);
    const source = new PostgresTwoRoleSource({ adminUrl: server.adminUrl, group: 'app_readonly', loginRoles: ['gr_a', 'gr_b'] });
    const request = { secret: s.secret, source, destinations: [s.destination], graceMs: 3_600_000, waitForGrace: false, lifetimeMs: 86_400_000 };
    await rotateSecret(request, s);
    const outcome = await rotateSecret(request, s);
    expect(outcome).toMatchObject({ current: 'gr_b', pendingRetire: { id: 'gr_a' } });
    expect(await canLogInRole('gr_a')).toBe(true); // in its grace period

    await expect(rotateSecret(request, s)).rejects.toThrow(/grace period for gr_a runs until .*--now/);
    expect(await canLogInRole('gr_a')).toBe(true);

    await clock.sleep(3_600_001); // the scheduled grace job "never ran"; time passes to the next scheduled run
    expect(await rotateSecret(request, s)).toMatchObject({ current: 'gr_a', pendingRetire: { id: 'gr_b' } });
    const trail = readFileSync(s.auditPath, 'utf8');
    expect(trail).toMatch(/"operation":"retire","backend":"postgres-two-role","credentialId":"gr_a","result":"ok","detail":"DB_URL_\d+: left pending by an earlier rotation"/);

    // Emergency: --now retires the one still in its grace period at once, then rotates.
    expect(await rotateSecret({ ...request, force: true }, s)).toMatchObject({ current: 'gr_b', pendingRetire: { id: 'gr_a' } });
  });
});

describe('keyward rotate: generated value -> GitHub environment and organization secrets', () => {
  test('each destination receives a sealed box that opens to the same new value, following the policy', async () => {
    const s = setup();
    const source = new GeneratedSource({ length: 40, alphabet: 'abcdef0123456789', format: 'whsec_{}' });
    const environment = new GitHubSecretDestination({ apiUrl: github.url, token: TOKEN, scope: { repository: 'acme/widgets', environment: 'staging' }, name: 'WEBHOOK_SECRET' });
    const organization = new GitHubSecretDestination({ apiUrl: github.url, token: TOKEN, scope: { organization: 'acme', visibility: 'private' }, name: 'WEBHOOK_SECRET' });
    const request = { secret: 'WEBHOOK_SECRET', source, destinations: [environment, organization], graceMs: 0, waitForGrace: true, lifetimeMs: 86_400_000 };
    await rotateSecret(request, s);
    const envValue = github.stored.get('/repos/acme/widgets/environments/staging/secrets/WEBHOOK_SECRET');
    expect(envValue).toMatch(/^whsec_[a-f0-9]{40}$/);
    expect(github.stored.get('/orgs/acme/actions/secrets/WEBHOOK_SECRET')).toBe(envValue);
    await rotateSecret(request, s);
    expect(github.stored.get('/repos/acme/widgets/environments/staging/secrets/WEBHOOK_SECRET')).not.toBe(envValue);
    expect(readFileSync(s.auditPath, 'utf8')).not.toContain(envValue!);
  });

  test('a bad token is a clear failure naming the destination, and nothing is half-written', async () => {
    const s = setup();
    const destination = new GitHubSecretDestination({ apiUrl: github.url, token: 'wrong', scope: { repository: 'acme/widgets' }, name: 'OTHER_SECRET' });
    await expect(
      rotateSecret({ secret: 'OTHER_SECRET', source: new GeneratedSource({ length: 32 }), destinations: [destination], graceMs: 0, waitForGrace: true, lifetimeMs: 1 }, s),
    ).rejects.toThrow(/writing github acme\/widgets actions secret OTHER_SECRET failed: GET .*public-key answered 401/);
    expect(github.stored.has('/repos/acme/widgets/actions/secrets/OTHER_SECRET')).toBe(false);
  });
});

describe('keyward rotate: the scheduled run', () => {
  test('rotates only what is due within the window, still retires what is pending, and always retries a failed run', async () => {
    const clock = new FakeClock();
    const s = setup(clock);
    const source = new GeneratedSource({ length: 32 });
    const request = { secret: s.secret, source, destinations: [s.destination], graceMs: 0, waitForGrace: true, lifetimeMs: 90 * 86_400_000, dueWithinMs: 30 * 86_400_000 };
    const first = await rotateSecret(request, s); // nothing recorded yet: rotates
    const value = github.stored.get(s.storedPath);
    expect(first.notDue).toBeUndefined();

    await clock.sleep(59 * 86_400_000); // 31 days left
    expect(await rotateSecret(request, s)).toEqual({ current: first.current, notDue: true });
    expect(github.stored.get(s.storedPath)).toBe(value);

    await clock.sleep(2 * 86_400_000); // 29 days left: due
    github.failPutsWith = 502;
    try {
      await expect(rotateSecret(request, s)).rejects.toThrow(RotationFailedError);
    } finally {
      delete github.failPutsWith;
    }
    // The failure pushed the due date out, but a failed rotation is retried by the next run regardless.
    const retried = await rotateSecret(request, s);
    expect(retried.notDue).toBeUndefined();
    expect(github.stored.get(s.storedPath)).not.toBe(value);
  });
});

describe('keyward rotate: Vault KV v2 destination', () => {
  test('writes a new version with the rotated key changed and the others kept; a concurrent writer makes it fail, not overwrite', async () => {
    const { startVaultKvStandIn } = await import('./support/vault-kv-stand-in.js');
    const vault = await startVaultKvStandIn('vault-test-token');
    try {
      const s = setup();
      vault.versions.set('app/db', [{ host: 'db.internal', password: 'placeholder-old' }]);
      const destination = new VaultKvDestination({ addr: vault.url, token: 'vault-test-token', path: 'app/db', key: 'password' });
      const source = new PostgresTwoRoleSource({ adminUrl: server.adminUrl, group: 'app_readonly', loginRoles: ['kv_a', 'kv_b'] });
      await rotateSecret({ secret: 'APP_DB', source, destinations: [destination, s.destination], graceMs: 0, waitForGrace: true, lifetimeMs: 86_400_000 }, s);
      const latest = vault.versions.get('app/db')!;
      expect(latest).toHaveLength(2);
      expect(latest[1]).toEqual({ host: 'db.internal', password: github.stored.get(s.storedPath) });
      expect(await canLogIn(latest[1]!.password as string)).toBe(true);

      // A writer that lands between our read and our write: check-and-set refuses ours.
      const racing = new VaultKvDestination({
        addr: vault.url, token: 'vault-test-token', path: 'app/db', key: 'password',
        fetch: async (url, init) => {
          if (init?.method === 'POST') vault.versions.get('app/db')!.push({ host: 'moved.internal' });
          return fetch(url, init);
        },
      });
      await expect(racing.write('x'.repeat(16))).rejects.toThrow(/POST \/v1\/secret\/data\/app\/db answered 400: .*check-and-set/);
      expect(vault.versions.get('app/db')!.at(-1)).toEqual({ host: 'moved.internal' });
    } finally {
      await vault.close();
    }
  });
});

describe('keyward rotate: Vault KV v2 source', () => {
  test('the new value is a new version; after the grace the replaced version is destroyed and unreadable', async () => {
    const { startVaultKvStandIn } = await import('./support/vault-kv-stand-in.js');
    const vault = await startVaultKvStandIn('vault-test-token');
    try {
      const s = setup();
      vault.versions.set('app/hook', [{ url: 'https://hooks.example.test', secret: 'placeholder-old' }]);
      const generator = new GeneratedSource({ length: 32 });
      const source = new VaultKvSource({ addr: vault.url, token: 'vault-test-token', path: 'app/hook', key: 'secret', generate: async () => (await generator.create()).value });
      const request = { secret: 'HOOK_SECRET', source, destinations: [s.destination], graceMs: 0, waitForGrace: true, lifetimeMs: 86_400_000 };
      expect(await rotateSecret(request, s)).toEqual({ current: 'v2' });
      expect(await rotateSecret(request, s)).toEqual({ current: 'v3', retired: 'v2' });
      const list = vault.versions.get('app/hook')!;
      expect(list[1]).toBeNull(); // v2 destroyed
      expect(list[2]).toEqual({ url: 'https://hooks.example.test', secret: github.stored.get(s.storedPath) });
      expect(await source.verifyRetired('v2')).toBe(true);
      expect(await source.verifyRetired('v3')).toBe(false);
    } finally {
      await vault.close();
    }
  });
});
