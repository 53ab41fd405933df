import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type LedgerEntry, verifyAuditTrail } from '../../../packages/provision/src/index.js';
import { createTemplateRole, type PostgresServer, startPostgres, superQuery } from '../../../packages/provision/test/support/postgres-server.js';
import { type OidcIssuer, defaultClaims, startOidcIssuer } from '../../../packages/provision/test/support/oidc-issuer.js';
import { type FakeGitHub, startFakeGitHub } from '../../../packages/provision/test/support/fake-github.js';
import { leakProbes, leakingLines, maskText, revealsSecret, runnerLog } from '../../../packages/provision/test/support/runner-masker.js';
import { encodersAvailable, printWrapped } from '../../../packages/provision/test/support/wrapping-encoders.js';
import { SaslPausingProxy } from '../../../packages/provision/test/support/sasl-pausing-proxy.js';
import { ActionJob, oidcEnv } from './support/action-run.js';

/** The committed CLI bundle, as a user runs `keyward`. */
const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const CLI = join(REPO, 'packages', 'cli', 'dist', 'index.js');

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
    expect(post.summary).toContain("PostgreSQL's VALID UNTIL only refuses new logins; this step ended the role's sessions");

    const trail = verifyAuditTrail(job.auditPath);
    expect(trail.ok).toBe(true);
    const records = readFileSync(job.auditPath, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, string>);
    expect(records.map((r) => r.operation)).toEqual(['mint', 'mask', 'mask', 'export', 'revoke', 'scrub']);
    expect(records.filter((r) => r.operation !== 'scrub').every((r) => r.credentialId === user && r.backend === 'postgres')).toBe(true);
    // the documented check: `keyward audit verify FILE --head <audit-head>` (the committed CLI bundle), with
    // main's output and with the final head post shows in the job summary
    const mainHead = main.outputs.get('audit-head')!;
    const finalHead = /head `([0-9a-f]{64})`/.exec(post.summary)?.[1];
    expect(finalHead).toBeDefined();
    expect(post.log).toContain(`audit trail head after post: ${finalHead}`);
    for (const heads of [[mainHead], [mainHead, finalHead!]]) {
      const verify = spawnSync(process.execPath, [CLI, 'audit', 'verify', job.auditPath, ...heads.flatMap((h) => ['--head', h])], { encoding: 'utf8' });
      expect(verify.status, verify.stdout + verify.stderr).toBe(0);
      expect(verify.stdout).toContain(`published head ${mainHead} is line 4; 2 line(s) appended after it`);
    }
    // nothing printed or published reveals the minted password, nor the admin password from the input
    for (const secret of [password, decodeURIComponent(new URL(server.adminUrl).password)]) {
      expect(revealsSecret(job.published(), secret)).toBeUndefined();
    }
  });

  test.skipIf(!encodersAvailable)('a later step piping DATABASE_URL or PGPASSWORD through base64, openssl or xxd -p shows no line of it', async () => {
    const job = newJob();
    const main = await job.main(inputs());
    expect(main.code, main.stdout + main.stderr).toBe(0);
    const password = job.jobEnv.get('PGPASSWORD')!;
    const url = job.jobEnv.get('DATABASE_URL')!;
    expect(Buffer.byteLength(url)).toBeGreaterThan(57); // long enough that base64 wraps it
    for (const [name, value] of [['DATABASE_URL', url], ['PGPASSWORD', password]] as const) {
      // The later step: the real tools, on the value as the job's environment hands it over.
      for (const [label, printed] of printWrapped(value)) {
        expect(revealsSecret(printed, password), `${label} of ${name} reveals the password unmasked`).toBeDefined();
        const { log } = runnerLog(printed, new Set(job.masks)); // masked line by line, as the runner does
        expect(revealsSecret(log, password), `${label} of ${name}: masked output still reveals the password on line(s) ${leakingLines(log, password)}`).toBeUndefined();
        expect(revealsSecret(log, url), `${label} of ${name}: masked output still reveals the URL on line(s) ${leakingLines(log, url)}`).toBeUndefined();
      }
    }
    expect((await job.post(inputs())).code).toBe(0);
  });

  test('ten jobs sharing one audit-log path at once: one intact chain, and every job\'s audit-head verifies', async () => {
    const shared = join(mkdtempSync(join(tmpdir(), 'keyward-shared-audit-')), 'audit.jsonl');
    const jobs = Array.from({ length: 10 }, () => newJob());
    const mains = await Promise.all(jobs.map((job) => job.main(inputs({ 'audit-log': shared }))));
    for (const main of mains) expect(main.code, main.log).toBe(0);
    const posts = await Promise.all(jobs.map((job) => job.post(inputs({ 'audit-log': shared }))));
    for (const post of posts) expect(post.code, post.log).toBe(0);
    const heads = mains.map((m) => m.outputs.get('audit-head')!);
    const verify = spawnSync(process.execPath, [CLI, 'audit', 'verify', shared, ...heads.flatMap((h) => ['--head', h])], { encoding: 'utf8' });
    expect(verify.status, verify.stdout + verify.stderr).toBe(0);
    expect(verify.stdout).toMatch(/^ok: 60 line\(s\), chain intact/); // mint, mask x2, export, revoke, scrub per job
    const users = mains.map((m) => m.env.get('PGUSER')!);
    expect(new Set(users).size).toBe(10);
    const left = await ciRoles();
    for (const user of users) expect(left).not.toContain(user);
  });

  test('SIGTERM in the middle of the SCRAM handshake: the error says the job was cancelled while logging in', async () => {
    const proxy = await SaslPausingProxy.start({ host: '127.0.0.1', port: server.port });
    try {
      const before = await ciRoles();
      const viaProxy = server.adminUrl.replace(`:${server.port}/`, `:${proxy.port}/`);
      const job = newJob();
      // The runner's cancellation, delivered while the server's SCRAM challenge is held back.
      const main = await job.main(inputs({ 'postgres-admin-url': viaProxy }), (child) => proxy.once('held', () => child.kill('SIGTERM')));
      expect(main.code, main.log).toBe(1); // the log as the runner shows it: masked
      expect(main.log).toMatch(/::error::the job was cancelled \(SIGTERM received\) while logging in to PostgreSQL; no role was created/);
      expect(main.log + main.stderr).not.toMatch(/message type|SASL/);
      expect(await ciRoles()).toEqual(before);
      expect((await job.post(inputs())).code).toBe(0);
    } finally {
      await proxy.close();
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
    expect(warnings[0]).toMatch(new RegExp(`could not revoke postgres role ${user}: .*PostgreSQL refuses new logins to it after .*, but sessions already open keep working until the role is dropped`));
    expect(post.summary).toMatch(/\| no: /);
    expect(post.summary).toContain('**1 PostgreSQL role(s) not revoked.** VALID UNTIL only refuses new logins');
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

  test('the scheduled janitor workflow template ends the open session of a lost job\'s expired role and drops it', async () => {
    // A job whose runner was lost: main ran, post never will.
    const lost = newJob();
    const main = await lost.main(inputs());
    expect(main.code, main.log).toBe(0);
    const user = main.env.get('PGUSER')!;
    const session = await login(user, main.env.get('PGPASSWORD')!);
    await superQuery(server, `ALTER ROLE ${user} VALID UNTIL '2001-01-01'`); // its expiry passes
    expect((await session.query('SELECT 1 AS ok')).rows).toEqual([{ ok: 1 }]); // VALID UNTIL does not end it

    // The template's step, run as the runner would: in a workspace where the keyward checkout is at keyward/.
    const workflow = parseYaml(readFileSync(join(REPO, 'actions', 'provision', 'examples', 'keyward-janitor.yml'), 'utf8')) as {
      on: { schedule: Array<{ cron: string }> };
      jobs: { postgres: { steps: Array<{ uses?: string; with?: { path?: string }; run?: string; env?: Record<string, string> }> } };
    };
    expect(workflow.on.schedule[0]?.cron).toMatch(/^\S+ \S+ \S+ \S+ \S+$/);
    const steps = workflow.jobs.postgres.steps;
    const checkoutPath = steps.find((step) => step.uses?.startsWith('actions/checkout@'))?.with?.path;
    const step = steps.find((s) => s.run)!;
    expect(step.env).toEqual({ KEYWARD_POSTGRES_ADMIN_URL: '${{ secrets.PG_ADMIN_URL }}' });
    const workspace = mkdtempSync(join(tmpdir(), 'keyward-janitor-'));
    symlinkSync(REPO, join(workspace, checkoutPath!));
    const run = spawnSync('bash', ['-e', '-c', step.run!], {
      cwd: workspace,
      env: { PATH: process.env.PATH, KEYWARD_POSTGRES_ADMIN_URL: server.adminUrl },
      encoding: 'utf8',
    });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain(`dropped ${user}`);
    await expect(session.query('SELECT 1')).rejects.toThrow();
    expect(await ciRoles()).not.toContain(user);
    expect(await superQuery(server, 'SELECT 1 FROM pg_stat_activity WHERE usename = $1', [user])).toEqual([]);
    // The lost job's post, should it run after all, finds the role already gone.
    expect((await lost.post(inputs())).log).toMatch(new RegExp(`revoked postgres role ${user} \\(it was already gone or expired\\)`));
  });
});
