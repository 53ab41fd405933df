import { generateKeyPairSync } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type LedgerEntry, verifyAuditTrail } from '../../../packages/provision/src/index.js';
import { createTemplateRole, type PostgresServer, startPostgres, superQuery } from '../../../packages/provision/test/support/postgres-server.js';
import { type OidcIssuer, defaultClaims, startOidcIssuer } from '../../../packages/provision/test/support/oidc-issuer.js';
import { type FakeGitHub, startFakeGitHub } from '../../../packages/provision/test/support/fake-github.js';
import { leakProbes, maskText, revealsSecret } from '../../../packages/provision/test/support/runner-masker.js';
import { ActionJob, oidcEnv } from './support/action-run.js';

let server: PostgresServer;
let issuer: OidcIssuer;
let github: FakeGitHub;

beforeAll(async () => {
  server = await startPostgres();
  await createTemplateRole(server);
  issuer = await startOidcIssuer();
  // Only used by keep-on-failure to ask whether the job failed.
  github = await startFakeGitHub({ appId: '1', publicKey: generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey, owner: 'acme', repositories: ['widgets'] });
});
afterAll(async () => {
  await github?.close();
  await issuer?.close();
  await server?.stop();
});

const inputs = (extra: Record<string, string> = {}): Record<string, string> => ({
  backend: 'postgres',
  'postgres-admin-url': server.adminUrl,
  'postgres-template-role': 'app_readonly',
  ttl: '15m',
  'github-api-url': github.url,
  ...extra,
});

const newJob = (): ActionJob => new ActionJob({ ...oidcEnv(issuer), GITHUB_API_URL: github.url });

async function login(user: string, password: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: server.urlFor(user, password) });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

const ciRoles = async (): Promise<string[]> =>
  (await superQuery<{ rolname: string }>(server, "SELECT rolname FROM pg_roles WHERE rolname LIKE 'ci\\_%'")).map((r) => r.rolname);

const ledgerOf = (job: ActionJob): LedgerEntry[] => JSON.parse(job.state().get('keyward_ledger') ?? '[]') as LedgerEntry[];

describe('bundled action, postgres backend, run as the runner runs it', () => {
  test('main mints and exports; a later step logs in; post revokes, kills the session, scrubs; nothing leaks', async () => {
    const job = newJob();
    const main = await job.main(inputs());
    expect(main.code, main.stdout + main.stderr).toBe(0);
    const user = main.env.get('PGUSER')!;
    const password = main.env.get('PGPASSWORD')!;
    expect(user).toMatch(/^ci_4242_1_[a-z0-9]{8}$/);
    expect(password).toMatch(/^[A-Za-z0-9]{32,}$/);
    expect(main.env.get('DATABASE_URL')).toContain(encodeURIComponent(user));
    expect(main.outputs.get('credential-ids')).toBe(user);

    // ledger saved to state with the id and expiry, never the password
    const ledger = ledgerOf(job);
    expect(ledger).toMatchObject([{ backend: 'postgres', kind: 'role', id: user, status: 'live' }]);
    expect(job.state().get('keyward_ledger')).not.toContain(password);

    // a later step uses the credential and stays connected
    const session = await login(user, password);
    expect((await session.query('SELECT name FROM widgets')).rows).toEqual([{ name: 'sprocket' }]);
    // ...and prints it in every way a careless step might; the runner's masker must hide all of them
    const careless = leakProbes(password).concat(leakProbes(main.env.get('DATABASE_URL')!)).join('\n');
    const shown = maskText(careless, job.masks);
    expect(revealsSecret(shown, password)).toBeUndefined();

    const post = await job.post(inputs());
    expect(post.code, post.stdout + post.stderr).toBe(0);
    await expect(session.query('SELECT 1')).rejects.toThrow();
    await expect(login(user, password)).rejects.toThrow(/password authentication failed|does not exist/);
    expect(await ciRoles()).not.toContain(user);
    expect(await superQuery(server, 'SELECT pid FROM pg_stat_activity WHERE usename = $1', [user])).toEqual([]);

    expect(post.env.get('PGPASSWORD')).toBe('');
    expect(post.env.get('DATABASE_URL')).toBe('');
    expect(post.summary).toContain(`| postgres | role \`${user}\` |`);
    expect(post.summary).toMatch(/\| yes \|/);

    const trail = verifyAuditTrail(job.auditPath);
    expect(trail.ok).toBe(true);
    const records = readFileSync(job.auditPath, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, string>);
    expect(records.map((r) => r.operation)).toEqual(['mint', 'mask', 'mask', 'export', 'revoke', 'scrub']);
    expect(records.filter((r) => r.operation !== 'scrub').every((r) => r.credentialId === user && r.backend === 'postgres')).toBe(true);
    // nothing printed or published reveals the minted password, nor the admin password from the input
    for (const secret of [password, decodeURIComponent(new URL(server.adminUrl).password)]) {
      expect(revealsSecret(job.published(), secret)).toBeUndefined();
    }
  });

  test('a main that fails after minting leaves nothing alive', async () => {
    const before = await ciRoles();
    // RUNNER_TEMP is a file, not a directory, so the file export fails after the role was minted.
    const blocker = join(newJob().dir, 'blocker');
    writeFileSync(blocker, '');
    const broken = new ActionJob({ ...oidcEnv(issuer), RUNNER_TEMP: blocker });
    const failed = await broken.main(inputs({ export: 'file', 'audit-log': join(broken.dir, 'audit.jsonl') }));
    expect(failed.code).toBe(1);
    expect(failed.log).toMatch(/failed after minting 1 credential\(s\); revoking them now/);
    const [entry] = ledgerOf(broken);
    expect(entry?.status).toBe('revoked');
    expect(await ciRoles()).toEqual(before);
    const post = await broken.post(inputs({ 'audit-log': join(broken.dir, 'audit.jsonl') }));
    expect(post.code).toBe(0);
    expect(post.log).not.toMatch(/could not revoke/);
  });

  test('a denied environment mints nothing and leaves an audit record of the denial', async () => {
    const before = await ciRoles();
    issuer.claims = { ...defaultClaims(), environment: 'staging', ref: 'refs/heads/feature', ref_protected: 'false' };
    try {
      const job = newJob();
      writeFileSync(
        join(job.workspace, 'policy.yml'),
        'rules:\n  - backend: postgres\n    roles: [app_readonly]\n    environments: [production]\n    protected-ref: true\n',
      );
      const main = await job.main(inputs({ 'policy-file': 'policy.yml' }));
      expect(main.code).toBe(1);
      expect(main.log).toMatch(/::error::policy policy.yml denies postgres role "app_readonly" to this job \(environment "staging", ref refs\/heads\/feature \(unprotected\).*requires environment in \[production\] and a protected ref/);
      expect(await ciRoles()).toEqual(before);
      const trail = job.published();
      expect(trail).toMatch(/"operation":"deny".*"result":"denied"/);
      expect(verifyAuditTrail(job.auditPath).ok).toBe(true);
      expect((await job.post(inputs())).code).toBe(0);
    } finally {
      issuer.claims = defaultClaims();
    }
  });

  test('the same policy allows production from a protected ref', async () => {
    const job = newJob();
    const main = await job.main(inputs({ policy: 'rules:\n  - backend: postgres\n    roles: [app_*]\n    environments: [production]\n    protected-ref: true\n' }));
    expect(main.code, main.stdout).toBe(0);
    expect((await job.post(inputs())).code).toBe(0);
    expect(await ciRoles()).not.toContain(main.env.get('PGUSER'));
  });

  test('role names and OIDC claims reach the log escaped: they cannot inject workflow commands', async () => {
    // Printed raw, the "policy ... allows ..." line would be several lines the runner runs as commands.
    const environment = 'production\n::add-mask::claim-injected\n::notice::claim-injected ##[warning]claim-injected';
    const role = 'app_readonly ##[warning]role-injected';
    issuer.claims = { ...defaultClaims(), environment, ref_protected: 'true' };
    try {
      const job = newJob();
      const policy = `rules:\n  - backend: postgres\n    roles: ['*']\n    environments: [${JSON.stringify(environment)}]\n`;
      const main = await job.main(inputs({ policy, 'postgres-template-role': role }));
      const lines = main.log.split(/\r?\n/);
      expect(lines).toContain(
        'policy from the "policy" input allows postgres [app_readonly ##%5Bwarning]role-injected] for environment "production%0A::add-mask::claim-injected%0A' +
          '::notice::claim-injected ##%5Bwarning]claim-injected", ref refs/heads/main (protected), event push, repository acme/widgets',
      );
      // The only commands are the action's own: its debug line, masks of its secret inputs, the error for the missing role.
      const commands = lines.filter((l) => /^\s*::/.test(l) || l.includes('##['));
      expect(commands.filter((l) => !/^::(debug|add-mask|error)::/.test(l) || /^::add-mask::.*injected/.test(l))).toEqual([]);
      expect((await job.post(inputs())).code).toBe(0);
    } finally {
      issuer.claims = defaultClaims();
    }
  });

  test('a malformed input fails before anything is minted, naming the input', async () => {
    const before = await ciRoles();
    const job = newJob();
    const main = await job.main(inputs({ ttl: 'soon' }));
    expect(main.code).toBe(1);
    expect(main.log).toContain('::error::input "ttl": "soon" is not a duration');
    const bad = await newJob().main(inputs({ 'postgres-admin-url': 'mysql://root:hunter2hunter2@db/x' })); // keyward:allow (an obviously fake admin URL for a malformed-input test)
    expect(bad.log).toContain('::error::input "postgres-admin-url": is not a postgres:// or postgresql:// URL');
    expect(bad.log).not.toContain('hunter2');
    expect(await ciRoles()).toEqual(before);
    const post = await job.post(inputs({ ttl: 'soon' }));
    expect(post.code).toBe(0);
  });

  test('backend down during post: one warning, summary says no, the server-side expiry stands; a later post cleans up', async () => {
    const job = newJob();
    const main = await job.main(inputs({ ttl: '10m' }));
    const user = main.env.get('PGUSER')!;
    const unreachable = server.urlFor('keyward_admin', 'x').replace(`:${server.port}/`, ':1/');
    const post = await job.post(inputs({ 'postgres-admin-url': unreachable }));
    expect(post.code).toBe(0);
    const warnings = post.log.split('\n').filter((l) => l.startsWith('::warning::'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(new RegExp(`could not revoke postgres role ${user}: .*It stays usable until it expires server-side at `));
    expect(post.summary).toMatch(/\| no: /);
    const [role] = await superQuery<{ rolvaliduntil: Date }>(server, 'SELECT rolvaliduntil FROM pg_roles WHERE rolname = $1', [user]);
    expect(role!.rolvaliduntil.getTime()).toBeLessThanOrEqual(Date.now() + 600_000);
    const retry = await job.post(inputs());
    expect(retry.code).toBe(0);
    expect(await ciRoles()).not.toContain(user);
  });

  test('keep-on-failure: a failed job keeps the role for debugging, with an earlier server-side expiry, then revokes', async () => {
    github.jobs = [{ status: 'in_progress', runner_name: 'keyward-test-runner', steps: [{ conclusion: 'success' }, { conclusion: 'failure' }] }];
    const job = newJob();
    const main = await job.main(inputs({ 'keep-on-failure': '2s', 'github-token': 'test-token-not-secret' }));
    const user = main.env.get('PGUSER')!;
    const post = await job.post(inputs({ 'keep-on-failure': '2s', 'github-token': 'test-token-not-secret' }));
    expect(post.code).toBe(0);
    expect(post.log).toMatch(/the job failed: keeping 1 credential\(s\) for debugging for 2s/);
    expect(job.published()).toMatch(/"operation":"keep".*server-side expiry moved forward/);
    expect(post.summary).toMatch(/kept for debugging until/);
    expect(github.server.requests.some((r) => r.path === '/repos/acme/widgets/actions/runs/4242/attempts/1/jobs?per_page=100' && r.headers.authorization === 'Bearer test-token-not-secret')).toBe(true);
    expect(await ciRoles()).not.toContain(user);
    github.jobs = [];
  });

  test('file export: 0600 file under RUNNER_TEMP, path in the env, deleted by post', async () => {
    const job = newJob();
    const main = await job.main(inputs({ export: 'file' }));
    const path = main.env.get('KEYWARD_CREDENTIALS_FILE')!;
    expect(path.startsWith(job.runnerTemp)).toBe(true);
    expect(main.env.has('PGPASSWORD')).toBe(false);
    expect(existsSync(path)).toBe(true);
    await job.post(inputs());
    expect(existsSync(path)).toBe(false);
  });
});
