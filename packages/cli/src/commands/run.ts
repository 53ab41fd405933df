// `keyward run`: a short-lived credential for one local command, revoked when it ends.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { homedir, hostname, tmpdir, userInfo } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import {
  AuditTrail,
  PostgresBackend,
  ProductionRefusedError,
  parseDuration,
  parseProductionMarks,
  refuseProductionOutsideCi,
  runLocal,
  systemClock,
} from '@keyward/provision';
import { UsageError, parseCommandArgs, type CliIo } from '../io.js';

export const RUN_USAGE = `usage: keyward run --backend postgres --role TEMPLATE [--ttl 30m] [--policy FILE] [--audit FILE] -- COMMAND [ARG...]
  Mints a credential, gives it to COMMAND's environment only, redacts it (and its base64, hex, URL- and
  JSON-escaped forms) from COMMAND's stdout and stderr, and revokes it when COMMAND exits, fails, or is
  interrupted. The exit status is COMMAND's (128+N when signal N ended it; 127 when it cannot be found),
  125 when keyward could not mint (nothing was run), 1 when policy refuses.
  postgres  a ci_local_* login role in TEMPLATE, expiring server-side after --ttl (default 30m); the admin
            URL comes from KEYWARD_POSTGRES_ADMIN_URL (never an argument, never passed to COMMAND). COMMAND
            gets PGUSER, PGPASSWORD, DATABASE_URL, PGHOST, PGPORT, PGDATABASE.
  --policy  a policy file whose "production" list names backends/roles refused outside CI
            (default $KEYWARD_POLICY, else .keyward-policy.yaml here if present)
  --audit   the hash-chained audit trail (default $XDG_STATE_HOME/keyward/audit.jsonl)
  COMMAND's stdout and stderr are pipes, not the terminal, so they can be redacted; when keyward's stdout is a
  terminal, FORCE_COLOR=1 and CLICOLOR_FORCE=1 are set (unless NO_COLOR or FORCE_COLOR is) to keep colours.
`;

/** keyward itself failed before or around the command (as env(1) and docker run use 125). */
export const EXIT_RUN_FAILED = 125;

/** Environment variables that hold keyward's own admin credentials: never handed to the command. */
const ADMIN_VARIABLES = ['KEYWARD_POSTGRES_ADMIN_URL', 'VAULT_TOKEN'];

function defaultAuditPath(env: Record<string, string | undefined>): string {
  const base = env.XDG_STATE_HOME || join(homedir(), '.local', 'state');
  return join(base, 'keyward', 'audit.jsonl');
}

export async function runCommand(argv: string[], io: CliIo): Promise<number> {
  const split = argv.indexOf('--');
  const own = split === -1 ? argv : argv.slice(0, split);
  const command = split === -1 ? [] : argv.slice(split + 1);
  const { values, positionals } = parseCommandArgs({
    args: own,
    allowPositionals: true,
    options: {
      backend: { type: 'string' },
      role: { type: 'string' },
      ttl: { type: 'string' },
      policy: { type: 'string' },
      audit: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout(RUN_USAGE);
    return 0;
  }
  if (positionals.length) throw new UsageError(`put the command after "--" (keyward run [options] -- ${positionals.join(' ')})\n${RUN_USAGE}`);
  if (!command.length) throw new UsageError(`no command to run: keyward run [options] -- COMMAND\n${RUN_USAGE}`);
  if (values.backend !== 'postgres') {
    throw new UsageError(
      values.backend ? `--backend ${values.backend} is not supported by keyward run yet (only postgres)` : `--backend is required\n${RUN_USAGE}`,
    );
  }
  if (!values.role) throw new UsageError('--role TEMPLATE is required: the role whose privileges the credential gets');
  let ttlMs: number;
  try {
    ttlMs = parseDuration(values.ttl ?? '30m');
  } catch (error) {
    throw new UsageError(`--ttl: ${(error as Error).message}`);
  }
  const adminUrl = io.env.KEYWARD_POSTGRES_ADMIN_URL;
  if (!adminUrl) throw new UsageError('set KEYWARD_POSTGRES_ADMIN_URL to an admin connection string (never pass it as an argument)');

  const policyPath = values.policy ?? io.env.KEYWARD_POLICY ?? (existsSync(join(io.cwd, '.keyward-policy.yaml')) ? join(io.cwd, '.keyward-policy.yaml') : undefined);
  if (policyPath) {
    let text: string;
    try {
      text = readFileSync(resolve(io.cwd, policyPath), 'utf8');
    } catch (error) {
      throw new UsageError(`cannot read policy ${policyPath}: ${(error as Error).message}`);
    }
    try {
      refuseProductionOutsideCi(parseProductionMarks(text, policyPath), 'postgres', values.role, io.env, policyPath);
    } catch (error) {
      if (error instanceof ProductionRefusedError) {
        io.stderr(`keyward run: ${error.message}\n`);
        return 1;
      }
      throw new UsageError((error as Error).message);
    }
  }

  const auditPath = resolve(io.cwd, values.audit ?? defaultAuditPath(io.env));
  mkdirSync(dirname(auditPath), { recursive: true, mode: 0o700 });
  const user = userInfo().username;
  const job = {
    repository: `local:${hostname()}`,
    runId: 'local',
    runAttempt: String(process.pid),
    job: 'keyward run',
    actor: io.env.GITHUB_ACTOR || user,
    runnerTemp: tmpdir(),
    runnerName: hostname(),
  };
  const baseEnv = { ...io.env };
  for (const name of ADMIN_VARIABLES) delete baseEnv[name];
  try {
    return await runLocal(
      {
        backendName: 'postgres',
        // runAttempt is the pid: the role is ci_local_<pid>_<random>, which `keyward janitor postgres` cleans up.
        backend: new PostgresBackend({ adminUrl, templateRole: values.role, ttlMs, runId: 'local', runAttempt: String(process.pid) }),
        roles: [values.role],
        command,
        baseEnv,
        cwd: io.cwd,
      },
      {
        job,
        clock: systemClock,
        audit: new AuditTrail(auditPath, job, systemClock),
        stdout: process.stdout,
        stderr: process.stderr,
        // One line each: a server's error text must not start a line of its own (a workflow command in CI logs).
        log: (line) => io.stderr(`keyward run: ${line.replace(/[\r\n]+/g, ' ')}\n`),
        signals: process,
      },
    );
  } catch (error) {
    io.stderr(`keyward run: ${(error as Error).message.replace(/[\r\n]+/g, ' ')}\n`);
    return EXIT_RUN_FAILED;
  }
}
