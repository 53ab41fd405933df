import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { AuditTrail, RevocationLedger, VaultBackend, oidcTokenSource, provision, revokeAll } from '../src/index.js';
import { type OidcIssuer, startOidcIssuer } from './support/oidc-issuer.js';
import { type PostgresServer, startPostgres, superQuery } from './support/postgres-server.js';
import { FakeClock, RecordingRunner, testJob } from './support/recording-runner.js';

/**
 * Against a real Vault (e.g. `vault server -dev` on this machine) when VAULT_ADDR and VAULT_TOKEN (a root or
 * sudo token) are set; skipped otherwise. It mounts a JWT auth method trusting the local OIDC issuer and a
 * database secrets engine on the local PostgreSQL, runs the backend end to end, and unmounts both.
 */
const { VAULT_ADDR: addr, VAULT_TOKEN: rootToken } = process.env;

describe.skipIf(!addr || !rootToken)('real Vault (VAULT_ADDR set)', () => {
  const suffix = randomBytes(4).toString('hex');
  const jwtMount = `keyward-jwt-${suffix}`;
  const dbMount = `keyward-db-${suffix}`;
  let issuer: OidcIssuer;
  let server: PostgresServer;
  const vault = async (method: string, path: string, body?: unknown): Promise<Response> => {
    const response = await fetch(`${addr}/v1/${path}`, {
      method,
      headers: { 'x-vault-token': rootToken as string, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (response.status >= 400) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return response;
  };

  beforeAll(async () => {
    issuer = await startOidcIssuer();
    server = await startPostgres();
    await superQuery(server, 'CREATE ROLE app_readonly NOLOGIN');
    await vault('POST', `sys/auth/${jwtMount}`, { type: 'jwt' });
    await vault('POST', `auth/${jwtMount}/config`, { jwks_url: `${issuer.issuer}/.well-known/jwks`, bound_issuer: issuer.issuer });
    await vault('PUT', `sys/policies/acl/keyward-ci-${suffix}`, {
      policy: `path "${dbMount}/creds/ci" { capabilities = ["read"] }\npath "sys/leases/revoke" { capabilities = ["update"] }\npath "sys/leases/lookup" { capabilities = ["update"] }`,
    });
    await vault('POST', `auth/${jwtMount}/role/ci`, {
      role_type: 'jwt',
      user_claim: 'repository',
      bound_audiences: ['vault'],
      bound_claims: { repository: 'acme/widgets' },
      token_policies: [`keyward-ci-${suffix}`],
      token_ttl: '10m',
    });
    await vault('POST', `sys/mounts/${dbMount}`, { type: 'database' });
    await vault('POST', `${dbMount}/config/pg`, {
      plugin_name: 'postgresql-database-plugin',
      connection_url: `postgresql://{{username}}:{{password}}@127.0.0.1:${server.port}/postgres`,
      username: 'postgres',
      password: decodeURIComponent(new URL(server.superuserUrl).password),
      allowed_roles: ['ci'],
    });
    await vault('POST', `${dbMount}/roles/ci`, {
      db_name: 'pg',
      creation_statements: [`CREATE ROLE "{{name}}" LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}' IN ROLE app_readonly;`],
      default_ttl: '10m',
    });
  });
  afterAll(async () => {
    await vault('DELETE', `sys/mounts/${dbMount}`).catch(() => undefined);
    await vault('DELETE', `sys/auth/${jwtMount}`).catch(() => undefined);
    await vault('DELETE', `sys/policies/acl/keyward-ci-${suffix}`).catch(() => undefined);
    await server?.stop();
    await issuer?.close();
  });

  test('JWT login, dynamic PostgreSQL creds, revoke lease and token', async () => {
    const temp = mkdtempSync(join(tmpdir(), 'keyward-vault-'));
    const runner = new RecordingRunner(async (audience) => {
      const response = await fetch(`${issuer.requestUrl}&audience=${audience}`, { headers: { authorization: `Bearer ${issuer.requestToken}` } });
      return ((await response.json()) as { value: string }).value;
    });
    const clock = new FakeClock(new Date());
    const job = testJob(temp);
    const audit = new AuditTrail(join(temp, 'audit.jsonl'), job, clock);
    const backend = new VaultBackend({
      addr: addr as string,
      role: 'ci',
      jwtMount,
      secrets: [
        { path: `${dbMount}/creds/ci`, field: 'username', exportName: 'PGUSER' },
        { path: `${dbMount}/creds/ci`, field: 'password', exportName: 'PGPASSWORD' },
      ],
      getJwt: oidcTokenSource(runner, 'vault'),
    });
    const { ledger } = await provision(
      { backend: 'vault', roles: [`${dbMount}/creds/ci`], exportModes: ['env'], rename: {} },
      { runner, job, clock, audit, backend, signal: new AbortController().signal },
    );
    const url = server.urlFor(runner.env.get('PGUSER')!, runner.env.get('PGPASSWORD')!);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.end();
    const reports = await revokeAll(RevocationLedger.load(runner), { runner, audit, clock, backendFor: () => backend });
    expect(reports.map((r) => r.outcome)).toEqual(['revoked', 'revoked']);
    expect(ledger.entries.length).toBe(2);
    await expect(new pg.Client({ connectionString: url }).connect()).rejects.toThrow();
  });
});
