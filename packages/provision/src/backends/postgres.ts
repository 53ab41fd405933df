import pg from 'pg';
import { CancelledError, cancellationReason } from '../cancellation.js';
import type { LedgerEntry } from '../ledger.js';
import { PermanentError } from '../retry.js';
import { generatePassword, randomSuffix } from '../random.js';
import type { CredentialBackend, CredentialField, MintContext, RevokeOutcome } from './backend.js';
import { scramSha256Verifier } from './scram.js';

/** Role names this backend creates, and the only ones the janitor will ever drop. */
export const CI_ROLE_PATTERN = /^ci_[0-9a-z]+_[0-9]+_[0-9a-z]+$/;

export interface PostgresBackendConfig {
  /**
   * Admin connection string: a role with CREATEROLE, membership in pg_signal_backend, and (PostgreSQL 16+) ADMIN
   * OPTION on the template role.
   */
  adminUrl: string;
  /** Needed only to mint. */
  templateRole?: string;
  ttlMs?: number;
  runId?: string;
  runAttempt?: string;
  /** Who inherits what the role owned; defaults to the admin role. */
  reassignTo?: string;
  connectTimeoutMs?: number;
}

const { Client, escapeIdentifier, escapeLiteral } = pg;

export function ciRoleName(runId: string, runAttempt: string, suffix = randomSuffix()): string {
  const clean = (s: string): string => s.toLowerCase().replace(/[^0-9a-z]/g, '') || '0';
  return `ci_${clean(runId)}_${clean(runAttempt).replace(/\D/g, '') || '1'}_${suffix}`;
}

export class PostgresBackend implements CredentialBackend {
  readonly name = 'postgres' as const;

  constructor(private readonly config: PostgresBackendConfig) {}

  private async connect(url = this.config.adminUrl, signal?: AbortSignal): Promise<pg.Client> {
    const client = new Client({ connectionString: url, connectionTimeoutMillis: this.config.connectTimeoutMs ?? 10_000 });
    // An idle-client error (server restart, terminated session) must not crash the process.
    client.on('error', () => undefined);
    const onAbort = (): void => void client.end().catch(() => undefined);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      await client.connect();
    } catch (error) {
      // Ending the client mid-handshake makes the server answer "expected SASL response, got message type 88"
      // (88 is Terminate): the real story is that the job was cancelled.
      if (signal?.aborted) {
        throw new CancelledError(`the job was cancelled (${cancellationReason(signal)}) while logging in to PostgreSQL; no role was created`);
      }
      throw error;
    }
    return client;
  }

  async mint(ctx: MintContext): Promise<CredentialField[]> {
    const { templateRole, ttlMs } = this.config;
    if (!templateRole) throw new PermanentError('a template role is needed to mint a PostgreSQL role');
    if (!ttlMs) throw new PermanentError('a TTL is needed to mint a PostgreSQL role');
    const client = await this.connect(this.config.adminUrl, ctx.signal);
    try {
      const template = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [templateRole]);
      if (template.rowCount === 0) {
        throw new PermanentError(`template role "${templateRole}" does not exist on the server`);
      }
      const role = ciRoleName(this.config.runId ?? '0', this.config.runAttempt ?? '1');
      const expiresAt = new Date(ctx.now().getTime() + ttlMs);
      // The name is ours and revoking a role that never came to exist is a no-op, so record before creating:
      // there is then no moment in which the role exists but the ledger does not know it.
      ctx.record({ backend: 'postgres', kind: 'role', id: role, expiresAt: expiresAt.toISOString(), revocation: {} });
      const password = generatePassword();
      ctx.protect(password, 'the PostgreSQL password');
      await client.query('BEGIN');
      try {
        await client.query(
          `CREATE ROLE ${escapeIdentifier(role)} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION ` +
            `PASSWORD ${escapeLiteral(scramSha256Verifier(password))} ` +
            `VALID UNTIL ${escapeLiteral(expiresAt.toISOString())} IN ROLE ${escapeIdentifier(templateRole)}`,
        );
      } catch (error) {
        // 42501 insufficient_privilege: since PostgreSQL 16, CREATEROLE alone may not grant the template.
        if ((error as { code?: string }).code === '42501') {
          throw new Error(
            `the admin role may not create a role in "${templateRole}": ${(error as Error).message}. It needs CREATEROLE and, ` +
              `on PostgreSQL 16 and later, ADMIN OPTION on the template (GRANT ${templateRole} TO <admin> WITH ADMIN OPTION)`,
          );
        }
        throw error;
      }
      // Membership lets a non-superuser admin REASSIGN/DROP OWNED BY the role at revoke time.
      await client.query(`GRANT ${escapeIdentifier(role)} TO CURRENT_USER`);
      await client.query('COMMIT');
      return this.fields(role, password);
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  private fields(role: string, password: string): CredentialField[] {
    const admin = new URL(this.config.adminUrl);
    const url = new URL(this.config.adminUrl);
    url.username = role;
    url.password = password;
    const fields: CredentialField[] = [
      { field: 'username', exportName: 'PGUSER', value: role, secret: false, credentialId: role },
      { field: 'password', exportName: 'PGPASSWORD', value: password, secret: true, credentialId: role },
      { field: 'url', exportName: 'DATABASE_URL', value: url.toString(), secret: true, credentialId: role },
    ];
    if (admin.hostname) fields.push({ field: 'host', exportName: 'PGHOST', value: admin.hostname, secret: false });
    if (admin.port) fields.push({ field: 'port', exportName: 'PGPORT', value: admin.port, secret: false });
    const database = decodeURIComponent(admin.pathname.replace(/^\//, ''));
    if (database) fields.push({ field: 'database', exportName: 'PGDATABASE', value: database, secret: false });
    return fields;
  }

  async revoke(entry: LedgerEntry): Promise<RevokeOutcome> {
    const role = entry.id;
    const client = await this.connect();
    try {
      const exists = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
      if (exists.rowCount === 0) {
        await this.terminateSessions(client, role); // a dropped role's open sessions would otherwise live on
        return 'already-gone';
      }
      const ident = escapeIdentifier(role);
      // NOLOGIN first so no new session can start while the existing ones are terminated.
      await client.query(`ALTER ROLE ${ident} NOLOGIN`);
      await this.terminateSessions(client, role);
      const heir = this.config.reassignTo ? escapeIdentifier(this.config.reassignTo) : 'CURRENT_USER';
      await this.dropOwned(client, ident, heir);
      try {
        await client.query(`DROP ROLE ${ident}`);
      } catch (error) {
        // 2BP01: it still owns objects in another database; REASSIGN/DROP OWNED only act on the current one.
        if ((error as { code?: string }).code !== '2BP01') throw error;
        await this.dropOwnedInOtherDatabases(client, ident, heir);
        await client.query(`DROP ROLE ${ident}`);
      }
      return 'revoked';
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  private async dropOwned(client: pg.Client, ident: string, heir: string): Promise<void> {
    await client.query(`REASSIGN OWNED BY ${ident} TO ${heir}`);
    await client.query(`DROP OWNED BY ${ident}`);
  }

  private async dropOwnedInOtherDatabases(client: pg.Client, ident: string, heir: string): Promise<void> {
    const dbs = await client.query<{ datname: string }>(
      'SELECT datname FROM pg_database WHERE datallowconn AND datname <> current_database()',
    );
    for (const { datname } of dbs.rows) {
      const url = new URL(this.config.adminUrl);
      url.pathname = `/${encodeURIComponent(datname)}`;
      const other = await this.connect(url.toString()).catch(() => undefined);
      if (!other) continue;
      try {
        await this.dropOwned(other, ident, heir);
      } finally {
        await other.end().catch(() => undefined);
      }
    }
  }

  private async terminateSessions(client: pg.Client, role: string): Promise<void> {
    for (let round = 0; round < 50; round++) {
      const result = await client.query<{ pid: number }>(
        'SELECT pid, pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1 AND pid <> pg_backend_pid()',
        [role],
      );
      if (result.rowCount === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 100)); // termination is asynchronous; wait for it to land
    }
    throw new Error(`sessions of ${role} survived termination`);
  }

  async verifyRevoked(entry: LedgerEntry): Promise<boolean> {
    const client = await this.connect();
    try {
      const result = await client.query<{ roles: number; sessions: number }>(
        `SELECT (SELECT count(*)::int FROM pg_roles WHERE rolname = $1) AS roles,
                (SELECT count(*)::int FROM pg_stat_activity WHERE usename = $1) AS sessions`,
        [entry.id],
      );
      const row = result.rows[0];
      return row !== undefined && row.roles === 0 && row.sessions === 0;
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  async shortenExpiry(entry: LedgerEntry, until: Date): Promise<boolean> {
    const client = await this.connect();
    try {
      const current = await client.query<{ rolvaliduntil: Date | null }>(
        'SELECT rolvaliduntil FROM pg_roles WHERE rolname = $1',
        [entry.id],
      );
      const row = current.rows[0];
      if (!row) return false;
      if (row.rolvaliduntil && row.rolvaliduntil <= until) return true;
      await client.query(`ALTER ROLE ${escapeIdentifier(entry.id)} VALID UNTIL ${escapeLiteral(until.toISOString())}`);
      return true;
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  /** For the janitor: `ci_` roles whose VALID UNTIL has passed (their job's post step never ran). */
  async listExpiredCiRoles(now: Date): Promise<Array<{ role: string; validUntil: Date | null }>> {
    const client = await this.connect();
    try {
      const result = await client.query<{ rolname: string; rolvaliduntil: Date | null }>(
        `SELECT rolname, rolvaliduntil FROM pg_roles WHERE rolname LIKE 'ci\\_%' AND rolvaliduntil < $1 ORDER BY rolname`,
        [now],
      );
      return result.rows
        .filter((r) => CI_ROLE_PATTERN.test(r.rolname))
        .map((r) => ({ role: r.rolname, validUntil: r.rolvaliduntil }));
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}
