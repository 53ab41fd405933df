import pg from 'pg';
import { generatePassword } from '../random.js';
import { scramSha256Verifier } from '../backends/scram.js';
import type { CreatedValue, RotationSource } from './types.js';

export interface PostgresTwoRoleConfig {
  /** Admin connection: CREATEROLE, and (PostgreSQL 16+) ADMIN OPTION on the group. */
  adminUrl: string;
  /** The NOLOGIN group role that holds the privileges; the two login roles are members of it. */
  group: string;
  /** The two login roles used in turn (default `<group>_a`, `<group>_b`). */
  loginRoles?: [string, string];
  /** On retire, also end the old role's open sessions (for a leak); by default they run on. */
  terminateSessions?: boolean;
}

const { Client, escapeIdentifier, escapeLiteral } = pg;

/**
 * PostgreSQL rotation without downtime: two login roles in one group, used in turn. The new value is the other
 * role with a fresh password, so the role the running service holds keeps working through the grace period;
 * retiring takes LOGIN and the password away (the role is kept, to be the next rotation's new role). The value
 * written to destinations is a connection URL, because the user name changes with each rotation.
 */
export class PostgresTwoRoleSource implements RotationSource {
  readonly kind = 'postgres-two-role';
  private readonly roles: [string, string];

  constructor(private readonly config: PostgresTwoRoleConfig) {
    this.roles = config.loginRoles ?? [`${config.group}_a`, `${config.group}_b`];
    if (this.roles[0] === this.roles[1]) throw new Error('the two login roles must differ');
  }

  private async admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
    const client = new Client({ connectionString: this.config.adminUrl, connectionTimeoutMillis: 10_000 });
    client.on('error', () => undefined);
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  private urlFor(role: string, password: string): string {
    const url = new URL(this.config.adminUrl);
    url.username = role;
    url.password = password;
    return url.toString();
  }

  private next(currentId: string | undefined): string {
    if (currentId !== undefined && !this.roles.includes(currentId)) {
      throw new Error(`the rotation state says the current role is "${currentId}", which is not one of ${this.roles.join(', ')}`);
    }
    return currentId === this.roles[0] ? this.roles[1] : this.roles[0];
  }

  async create(currentId: string | undefined): Promise<CreatedValue> {
    const role = this.next(currentId);
    const password = generatePassword();
    const verifier = escapeLiteral(scramSha256Verifier(password)); // only a verifier reaches the server and its logs
    await this.admin(async (client) => {
      const group = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [this.config.group]);
      if (group.rowCount === 0) throw new Error(`group role "${this.config.group}" does not exist on the server`);
      const exists = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
      const ident = escapeIdentifier(role);
      if (exists.rowCount === 0) {
        await client.query(`CREATE ROLE ${ident} LOGIN PASSWORD ${verifier} IN ROLE ${escapeIdentifier(this.config.group)}`);
      } else {
        await client.query(`ALTER ROLE ${ident} LOGIN PASSWORD ${verifier} VALID UNTIL 'infinity'`);
        await client.query(`GRANT ${escapeIdentifier(this.config.group)} TO ${ident}`);
      }
    });
    return { id: role, value: this.urlFor(role, password) };
  }

  async verify(created: CreatedValue): Promise<void> {
    const client = new Client({ connectionString: created.value, connectionTimeoutMillis: 10_000 });
    client.on('error', () => undefined);
    try {
      await client.connect();
    } catch (error) {
      throw new Error(`the new role ${created.id} cannot log in: ${(error as Error).message}`);
    }
    try {
      const result = await client.query<{ member: boolean }>("SELECT pg_has_role(current_user, $1, 'MEMBER') AS member", [this.config.group]);
      if (!result.rows[0]?.member) throw new Error(`the new role ${created.id} is not a member of ${this.config.group}`);
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  async retire(id: string): Promise<'retired' | 'nothing-to-retire'> {
    if (!this.roles.includes(id)) throw new Error(`refusing to retire "${id}": not one of ${this.roles.join(', ')}`);
    return this.admin(async (client) => {
      const exists = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [id]);
      if (exists.rowCount === 0) return 'nothing-to-retire';
      await client.query(`ALTER ROLE ${escapeIdentifier(id)} NOLOGIN PASSWORD NULL`);
      if (this.config.terminateSessions) {
        await client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1 AND pid <> pg_backend_pid()', [id]);
      }
      return 'retired';
    });
  }

  async verifyRetired(id: string): Promise<boolean> {
    return this.admin(async (client) => {
      const result = await client.query<{ rolcanlogin: boolean }>('SELECT rolcanlogin FROM pg_roles WHERE rolname = $1', [id]);
      const row = result.rows[0];
      if (row?.rolcanlogin) return false;
      if (!this.config.terminateSessions) return true;
      const sessions = await client.query('SELECT 1 FROM pg_stat_activity WHERE usename = $1', [id]);
      return sessions.rowCount === 0;
    });
  }
}
