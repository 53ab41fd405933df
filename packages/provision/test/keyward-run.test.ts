// `keyward run` as a user runs it: the committed CLI bundle, a real PostgreSQL, real child processes, real signals.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { maskingForms, verifyAuditTrail } from '../src/index.js';
import { createTemplateRole, type PostgresServer, startPostgres, superQuery } from './support/postgres-server.js';

const root = path.resolve(import.meta.dirname, '../../..');
const cli = path.join(root, 'packages/cli/dist/index.js');
const pgModule = createRequire(path.join(root, 'packages/provision/package.json')).resolve('pg');

let server: PostgresServer;
let dir: string;

beforeAll(async () => {
  server = await startPostgres();
  await createTemplateRole(server, { canCreate: true });
  dir = mkdtempSync(path.join(tmpdir(), 'keyward-run-'));
});
afterAll(async () => {
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/**
 * The child: leaks its credential every way it can, proves it can log in with it, and hands the password to
 * the test through a private file (the only way the test learns it) so the test can look for it in the output.
 */
const LEAKY_CHILD = `
const { writeFileSync } = require('node:fs');
const pg = require(process.env.TEST_PG_MODULE);
const password = process.env.PGPASSWORD;
writeFileSync(process.env.TEST_SIDE_CHANNEL, password, { mode: 0o600 });
(async () => {
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  const { rows } = await client.query('SELECT name FROM widgets');
  await client.end();
  process.stdout.write('user ' + process.env.PGUSER + ' read ' + rows[0].name + '\\n');
  process.stdout.write('plain ' + password + '\\n');
  process.stdout.write('url ' + process.env.DATABASE_URL + '\\n');
  process.stderr.write('base64 ' + Buffer.from(password).toString('base64') + '\\n');
  process.stderr.write('hex ' + Buffer.from('x' + password).toString('hex') + '\\n');
  process.stdout.write('json ' + JSON.stringify({ password }) + '\\n');
  process.stdout.write('split ' + password.slice(0, 9));
  await new Promise((r) => setTimeout(r, 50));
  process.stdout.write(password.slice(9, 20));
  await new Promise((r) => setTimeout(r, 50));
  process.stdout.write(password.slice(20) + ' done\\n');
  process.stdout.write('admin url ' + (process.env.KEYWARD_POSTGRES_ADMIN_URL ?? 'absent') + '\\n');
  process.exit(3);
})().catch((e) => { console.error('child failed: ' + e.message); process.exit(99); });
`;

interface Run {
  process: ChildProcess;
  stdout: string;
  stderr: string;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function keywardRun(args: string[], env: Record<string, string> = {}): Run {
  const childEnv: Record<string, string | undefined> = {
    ...process.env,
    KEYWARD_POSTGRES_ADMIN_URL: server.adminUrl,
    XDG_STATE_HOME: dir,
    TEST_PG_MODULE: pgModule,
    ...env,
  };
  delete childEnv.CI; // keyward run's production check looks at CI; the test is "a developer's machine"
  delete childEnv.FORCE_COLOR;
  const proc = spawn(process.execPath, [cli, 'run', ...args], { env: childEnv, cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  const run: Run = { process: proc, stdout: '', stderr: '', done: undefined as never };
  proc.stdout!.on('data', (d: Buffer) => (run.stdout += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (run.stderr += d.toString()));
  run.done = new Promise((resolve) => proc.on('close', (code, signal) => resolve({ code, signal })));
  return run;
}

async function until(run: Run, marker: RegExp): Promise<RegExpMatchArray> {
  for (;;) {
    const found = run.stdout.match(marker);
    if (found) return found;
    if (run.process.exitCode !== null) throw new Error(`keyward run exited first: ${run.stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const localRoles = async (): Promise<string[]> =>
  (await superQuery<{ rolname: string }>(server, "SELECT rolname FROM pg_roles WHERE rolname LIKE 'ci\\_local\\_%' ORDER BY 1")).map((r) => r.rolname);

async function canLogIn(user: string, password: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: server.urlFor(user, password) });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

describe('keyward run', () => {
  test('the child gets a working credential in its environment; none of its forms reaches the output; exit code passed; revoked after', async () => {
    const script = path.join(dir, 'leaky.cjs');
    writeFileSync(script, LEAKY_CHILD);
    const side = path.join(dir, 'side-1');
    const run = keywardRun(['--backend', 'postgres', '--role', 'app_readonly', '--ttl', '10m', '--', process.execPath, script], { TEST_SIDE_CHANNEL: side });
    const { code } = await run.done;
    expect(run.stderr).not.toContain('child failed');
    expect(code, run.stderr).toBe(3);
    const password = readFileSync(side, 'utf8');
    expect(password.length).toBeGreaterThanOrEqual(32);
    const output = run.stdout + run.stderr;
    for (const form of maskingForms(password)) expect(output.includes(form), 'a masked form reached the output').toBe(false);
    expect(output).not.toContain(password.slice(0, 12)); // the split writes were not let out piecemeal
    expect(run.stdout).toContain('plain ***\n');
    expect(run.stdout).toContain('split *** done\n');
    expect(run.stdout).toContain('admin url absent\n'); // keyward's admin credential never reaches the child
    const user = run.stdout.match(/user (ci_local_\d+_[a-z0-9]+) read sprocket/)?.[1];
    expect(user).toBeDefined();
    expect(await localRoles()).not.toContain(user);
    expect(await canLogIn(user!, password)).toBe(false);
    const trail = readFileSync(path.join(dir, 'keyward', 'audit.jsonl'), 'utf8');
    expect(trail).not.toContain(password);
    expect(trail).toMatch(new RegExp(`"operation":"revoke","backend":"postgres","credentialId":"${user}","result":"ok"`));
    expect(verifyAuditTrail(path.join(dir, 'keyward', 'audit.jsonl')).ok).toBe(true);
  });

  test('a child killed by a signal: exit 128+N, and the credential is revoked', async () => {
    const run = keywardRun(['--backend', 'postgres', '--role', 'app_readonly', '--', process.execPath, '-e',
      "console.log('user ' + process.env.PGUSER); process.kill(process.pid, 'SIGKILL')"]);
    const { code } = await run.done;
    expect(code, run.stderr).toBe(128 + 9);
    const user = run.stdout.match(/user (ci_local_\S+)/)?.[1];
    expect(user).toBeDefined();
    expect(await localRoles()).not.toContain(user);
  });

  test.each(['SIGTERM', 'SIGINT'] as const)('%s to keyward is forwarded to the child, then the credential is revoked', async (signal) => {
    const run = keywardRun(['--backend', 'postgres', '--role', 'app_readonly', '--', process.execPath, '-e', `
      process.on('${signal}', () => { console.log('child got ${signal}'); process.exit(7); });
      console.log('ready ' + process.env.PGUSER); setInterval(() => {}, 1000);`]);
    const [, user] = await until(run, /ready (ci_local_\S+)/);
    expect(await localRoles()).toContain(user);
    run.process.kill(signal);
    const { code } = await run.done;
    expect(run.stdout).toContain(`child got ${signal}`);
    expect(code, run.stderr).toBe(7);
    expect(await localRoles()).not.toContain(user);
  });

  test('keyward SIGKILLed: the role still expires server-side, and the janitor removes it', async () => {
    const run = keywardRun(['--backend', 'postgres', '--role', 'app_readonly', '--ttl', '1s', '--', process.execPath, '-e', `
      require('node:fs').writeFileSync(process.env.TEST_SIDE_CHANNEL, process.env.PGPASSWORD, { mode: 0o600 });
      console.log('ready ' + process.env.PGUSER + ' ' + process.pid); setInterval(() => {}, 1000);`], { TEST_SIDE_CHANNEL: path.join(dir, 'side-kill') });
    const [, user, childPid] = await until(run, /ready (ci_local_\S+) (\d+)/);
    run.process.kill('SIGKILL');
    await run.done;
    process.kill(Number(childPid), 'SIGKILL'); // orphaned by keyward's death; not what is under test
    expect(await localRoles()).toContain(user); // nothing revoked it
    const [role] = await superQuery<{ rolvaliduntil: Date }>(server, 'SELECT rolvaliduntil FROM pg_roles WHERE rolname = $1', [user]);
    // Wait until the server-side expiry has passed (a wait for a known instant, not a timing assertion).
    while (Date.now() <= role!.rolvaliduntil.getTime() + 50) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await canLogIn(user!, readFileSync(path.join(dir, 'side-kill'), 'utf8'))).toBe(false);

    const janitor = spawn(process.execPath, [cli, 'janitor', 'postgres'], { env: { ...process.env, KEYWARD_POSTGRES_ADMIN_URL: server.adminUrl }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    janitor.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    const janitorCode = await new Promise((resolve) => janitor.on('close', resolve));
    expect(janitorCode, out).toBe(0);
    expect(await localRoles()).not.toContain(user);
  });

  test('a role the policy marks production is refused outside CI, naming the development alternative; nothing is minted', async () => {
    const policy = path.join(dir, 'policy.yaml');
    writeFileSync(policy, 'production:\n  - backend: postgres\n    roles: [app_prod_*]\n    development: app_readonly\n');
    const before = await localRoles();
    const run = keywardRun(['--backend', 'postgres', '--role', 'app_prod_orders', '--policy', policy, '--', process.execPath, '-e', "console.log('ran')"]);
    const { code } = await run.done;
    expect(code).toBe(1);
    expect(run.stdout).not.toContain('ran');
    expect(run.stderr).toContain('marks postgres role "app_prod_orders" as production');
    expect(run.stderr).toContain('"app_readonly"');
    expect(await localRoles()).toEqual(before);
  });

  test('a command that does not exist: exit 127, and the credential is revoked', async () => {
    const before = await localRoles();
    const run = keywardRun(['--backend', 'postgres', '--role', 'app_readonly', '--', path.join(dir, 'no-such-command')]);
    const { code } = await run.done;
    expect(code, run.stderr).toBe(127);
    expect(run.stderr).toContain('cannot start');
    expect(await localRoles()).toEqual(before);
  });
});
