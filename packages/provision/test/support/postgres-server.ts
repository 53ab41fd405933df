import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/**
 * A throwaway PostgreSQL server on a free loopback port, in a temp dir, for tests and the benchmark.
 * Binaries: Debian's /usr/lib/postgresql/<newest>/bin, else `pg_config --bindir`, else initdb on PATH.
 * PostgreSQL refuses to run as root, so as root the server runs as the `postgres` system user.
 */
export interface PostgresServer {
  /** A non-superuser admin with CREATEROLE and pg_signal_backend, as the action is meant to be given. */
  adminUrl: string;
  /** The bootstrap superuser, for test set-up and inspection only. */
  superuserUrl: string;
  port: number;
  /** URL for any role on this server. */
  urlFor(user: string, password: string): string;
  stop(): Promise<void>;
}

function findBinDir(): string {
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = readdirSync(debian)
      .filter((v) => existsSync(join(debian, v, 'bin', 'initdb')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return join(debian, versions[0], 'bin');
  }
  const fromPgConfig = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  if (fromPgConfig.status === 0 && existsSync(join(fromPgConfig.stdout.trim(), 'initdb'))) return fromPgConfig.stdout.trim();
  const onPath = spawnSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' });
  if (onPath.status === 0 && onPath.stdout.trim()) return join(onPath.stdout.trim(), '..');
  throw new Error(
    'no PostgreSQL server binaries found (looked in /usr/lib/postgresql/*/bin, pg_config --bindir, PATH); ' +
      'install them with `apt-get install -y postgresql` (.ci/run does this)',
  );
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export async function startPostgres(): Promise<PostgresServer> {
  const bin = findBinDir();
  const asRoot = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), 'keyward-pg-'));
  const data = join(dir, 'data');
  const superPassword = randomBytes(18).toString('hex');
  const adminPassword = randomBytes(18).toString('hex');
  writeFileSync(join(dir, 'pwfile'), `${superPassword}\n`);
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
    chownSync(join(dir, 'pwfile'), uid, gid);
  }
  chmodSync(dir, 0o700);
  const run = (tool: string, args: string[]): void => {
    const command = asRoot ? 'runuser' : join(bin, tool);
    const fullArgs = asRoot ? ['-u', 'postgres', '--', join(bin, tool), ...args] : args;
    const result = spawnSync(command, fullArgs, { encoding: 'utf8', cwd: dir });
    if (result.status !== 0) throw new Error(`${tool} failed: ${result.stderr || result.stdout}`);
  };

  run('initdb', ['-D', data, '-U', 'postgres', '--pwfile', join(dir, 'pwfile'), '--auth-host=scram-sha-256', '--auth-local=peer', '-E', 'UTF8', '--no-sync']);
  const port = await freePort();
  run('pg_ctl', [
    '-D', data, '-l', join(dir, 'server.log'), '-w', '-t', '60',
    '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c max_connections=50`,
    'start',
  ]);

  const urlFor = (user: string, password: string): string =>
    `postgresql://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
  const superuserUrl = urlFor('postgres', superPassword);
  const client = new pg.Client({ connectionString: superuserUrl });
  await client.connect();
  try {
    await client.query(`CREATE ROLE keyward_admin LOGIN CREATEROLE PASSWORD '${adminPassword}'`);
    await client.query('GRANT pg_signal_backend TO keyward_admin');
  } finally {
    await client.end();
  }

  return {
    adminUrl: urlFor('keyward_admin', adminPassword),
    superuserUrl,
    port,
    urlFor,
    async stop() {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** Runs SQL as the superuser (test set-up and inspection). */
export async function superQuery<T extends pg.QueryResultRow = pg.QueryResultRow>(
  server: PostgresServer,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const client = new pg.Client({ connectionString: server.superuserUrl });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}
