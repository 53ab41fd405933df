import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type CredentialField, type LedgerEntry, POSTGRES_SWEEPER_SQL, PostgresBackend, type MintContext, runJanitor, provisionCommands } from '../src/index.js';
import { createTemplateRole, type PostgresServer, startPostgres, superQuery } from './support/postgres-server.js';

let server: PostgresServer;

beforeAll(async () => {
  server = await startPostgres();
  await createTemplateRole(server, { canCreate: true });
});
afterAll(async () => server?.stop());

function mintContext(entries: LedgerEntry[]): MintContext {
  return {
    record: (entry) => entries.push({ ...entry, seq: entries.length + 1, status: 'live', mintedAt: new Date().toISOString() }),
    protect: () => undefined,
    signal: new AbortController().signal,
    now: () => new Date(),
  };
}

const field = (fields: CredentialField[], name: string): string => fields.find((f) => f.field === name)!.value;

async function login(user: string, password: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: server.urlFor(user, password) });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

describe('PostgreSQL dynamic role', () => {
  test('mint: a ci_ role with a strong password, an expiry and the template membership, usable at once', async () => {
    const backend = new PostgresBackend({ adminUrl: server.adminUrl, templateRole: 'app_readonly', ttlMs: 900_000, runId: '4242', runAttempt: '2' });
    const entries: LedgerEntry[] = [];
    const fields = await backend.mint(mintContext(entries));
    const user = field(fields, 'username');
    const password = field(fields, 'password');
    expect(user).toMatch(/^ci_4242_2_[a-z0-9]{8}$/);
    expect(password).toMatch(/^[A-Za-z0-9]{32,}$/);
    expect(entries).toMatchObject([{ backend: 'postgres', kind: 'role', id: user }]);

    const [role] = await superQuery<{ rolcanlogin: boolean; rolvaliduntil: Date; rolsuper: boolean; rolpassword: string }>(
      server, 'SELECT rolcanlogin, rolvaliduntil, rolsuper, rolpassword FROM pg_authid WHERE rolname = $1', [user]);
    expect(role?.rolcanlogin).toBe(true);
    expect(role?.rolsuper).toBe(false);
    expect(role?.rolpassword).toMatch(/^SCRAM-SHA-256\$4096:/); // only a verifier ever reached the server
    const lifetime = role!.rolvaliduntil.getTime() - Date.now();
    expect(lifetime).toBeGreaterThan(0);
    expect(lifetime).toBeLessThanOrEqual(900_000);

    const client = await login(user, password);
    expect((await client.query('SELECT name FROM widgets')).rows).toEqual([{ name: 'sprocket' }]);
    await client.query('CREATE TABLE made_by_ci (x int)'); // something the role owns, for revoke to reassign
    const viaUrl = new pg.Client({ connectionString: field(fields, 'url') });
    await viaUrl.connect();
    await viaUrl.end();

    // revoke while a session is still open
    const entry = entries[0]!;
    expect(await backend.verifyRevoked(entry)).toBe(false);
    expect(await backend.revoke(entry)).toBe('revoked');
    await expect(client.query('SELECT 1')).rejects.toThrow();
    await expect(login(user, password)).rejects.toThrow(/password authentication failed|does not exist/);
    expect(await backend.verifyRevoked(entry)).toBe(true);
    expect(await superQuery(server, 'SELECT 1 FROM pg_stat_activity WHERE usename = $1', [user])).toEqual([]);
    expect(await superQuery(server, "SELECT tableowner FROM pg_tables WHERE tablename = 'made_by_ci'")).toEqual([{ tableowner: 'keyward_admin' }]);
    // idempotent
    expect(await backend.revoke(entry)).toBe('already-gone');
  });

  test('a missing template role is a clear error and nothing is created', async () => {
    const backend = new PostgresBackend({ adminUrl: server.adminUrl, templateRole: 'no_such_role', ttlMs: 60_000, runId: '1', runAttempt: '1' });
    const entries: LedgerEntry[] = [];
    await expect(backend.mint(mintContext(entries))).rejects.toThrow('template role "no_such_role" does not exist');
    expect(entries).toEqual([]);
  });

  test('keep-on-failure moves VALID UNTIL forward, never later', async () => {
    const backend = new PostgresBackend({ adminUrl: server.adminUrl, templateRole: 'app_readonly', ttlMs: 3_600_000, runId: '7', runAttempt: '1' });
    const entries: LedgerEntry[] = [];
    await backend.mint(mintContext(entries));
    const until = new Date(Date.now() + 120_000);
    expect(await backend.shortenExpiry(entries[0]!, until)).toBe(true);
    const [row] = await superQuery<{ rolvaliduntil: Date }>(server, 'SELECT rolvaliduntil FROM pg_roles WHERE rolname = $1', [entries[0]!.id]);
    expect(row!.rolvaliduntil.getTime()).toBe(until.getTime());
    await backend.revoke(entries[0]!);
  });

  test('janitor drops expired ci_ roles only', async () => {
    await superQuery(server, "CREATE ROLE ci_100_1_expired1 LOGIN VALID UNTIL '2001-01-01'");
    // what the admin that created it holds on it (PostgreSQL 16+ grants this to a role's creator)
    await superQuery(server, 'GRANT ci_100_1_expired1 TO keyward_admin WITH ADMIN OPTION');
    await superQuery(server, "CREATE ROLE ci_101_1_current1 LOGIN VALID UNTIL '2999-01-01'");
    await superQuery(server, "CREATE ROLE ci_shared_expired LOGIN VALID UNTIL '2001-01-01'"); // not our name shape
    let out = '';
    const janitor = provisionCommands.find((c) => c.name === 'janitor')!;
    const dry = await janitor.run(['postgres', '--dry-run'], { stdout: (s) => (out += s), stderr: (s) => (out += s), env: { KEYWARD_POSTGRES_ADMIN_URL: server.adminUrl } });
    expect(dry).toBe(0);
    expect(out).toContain('would drop ci_100_1_expired1');
    const result = await runJanitor({ backend: 'postgres', adminUrl: server.adminUrl });
    expect(result).toEqual({ found: ['ci_100_1_expired1'], removed: ['ci_100_1_expired1'], failed: [] });
    const left = await superQuery<{ rolname: string }>(server, "SELECT rolname FROM pg_roles WHERE rolname LIKE 'ci%' ORDER BY 1");
    expect(left.map((r) => r.rolname)).toEqual(['ci_101_1_current1', 'ci_shared_expired']);
    expect(await janitor.run(['mysql'], { stdout: () => undefined, stderr: () => undefined, env: {} })).toBe(2);
  });

  test('VALID UNTIL refuses new logins, not an open session; the server-side sweeper ends it and drops the role', async () => {
    // Installed as users are told: by the admin role, given CREATE on the database for the keyward schema.
    await superQuery(server, 'GRANT CREATE ON DATABASE postgres TO keyward_admin');
    let printed = '';
    const janitor = provisionCommands.find((c) => c.name === 'janitor')!;
    expect(await janitor.run(['postgres', '--print-sweeper-sql'], { stdout: (s) => (printed += s), stderr: () => undefined, env: {} })).toBe(0);
    expect(printed).toBe(POSTGRES_SWEEPER_SQL);
    const admin = new pg.Client({ connectionString: server.adminUrl });
    await admin.connect();
    try {
      await admin.query(printed);
      const mint = async (runId: string): Promise<{ entry: LedgerEntry; user: string; session: pg.Client; password: string }> => {
        const backend = new PostgresBackend({ adminUrl: server.adminUrl, templateRole: 'app_readonly', ttlMs: 3_600_000, runId, runAttempt: '1' });
        const entries: LedgerEntry[] = [];
        const fields = await backend.mint(mintContext(entries));
        const [user, password] = [field(fields, 'username'), field(fields, 'password')];
        return { entry: entries[0]!, user, password, session: await login(user, password) };
      };
      const lost = await mint('900'); // its runner was lost: no post step will revoke it
      const live = await mint('901'); // a job still running
      // The expiry passes (moved into the past, not waited for).
      await superQuery(server, `ALTER ROLE ${lost.user} VALID UNTIL '2001-01-01'`);
      await expect(login(lost.user, lost.password)).rejects.toThrow(/password authentication failed/);
      // ...but the session opened before it keeps working: VALID UNTIL alone is no backstop.
      expect((await lost.session.query('SELECT name FROM widgets')).rows).toEqual([{ name: 'sprocket' }]);

      const swept = await admin.query('SELECT * FROM keyward.sweep_expired_roles()');
      expect(swept.rows).toEqual([{ role_name: lost.user, sessions_ended: 1, dropped: true, note: null }]);
      await expect(lost.session.query('SELECT 1')).rejects.toThrow();
      expect(await superQuery(server, 'SELECT 1 FROM pg_roles WHERE rolname = $1', [lost.user])).toEqual([]);
      expect(await superQuery(server, 'SELECT 1 FROM pg_stat_activity WHERE usename = $1', [lost.user])).toEqual([]);
      // the running job's role and session are untouched
      expect((await live.session.query('SELECT 1 AS ok')).rows).toEqual([{ ok: 1 }]);
      expect((await admin.query('SELECT * FROM keyward.sweep_expired_roles()')).rows).toEqual([]);
      await live.session.end();
      await new PostgresBackend({ adminUrl: server.adminUrl }).revoke(live.entry);
    } finally {
      await admin.end();
    }
  });
});
