import { parseArgs, type ParseArgsConfig } from 'node:util';
import { verifyAuditTrail } from './audit.js';
import { parseDuration } from './duration.js';
import { type JanitorOptions, runJanitor } from './janitor.js';
import { POSTGRES_SWEEPER_SQL } from './postgres-sweeper.js';
import { errorMessage } from './retry.js';

export interface CommandIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  env: Record<string, string | undefined>;
}

export interface ProvisionCommand {
  name: string;
  summary: string;
  /** Exit codes: 0 ok, 1 problem found or operation failed, 2 usage error. */
  run(argv: string[], io: CommandIo): Promise<number>;
}

const JANITOR_USAGE = `usage: keyward janitor postgres|vault [--dry-run] [--prefix PATH] [--min-age DURATION]
       keyward janitor postgres --print-sweeper-sql
  postgres  ends the sessions of expired ci_* roles and drops them; admin URL from KEYWARD_POSTGRES_ADMIN_URL
            (or DATABASE_URL). --print-sweeper-sql prints SQL installing keyward.sweep_expired_roles(), the
            same sweep as a server-side function to schedule with pg_cron or cron
  vault     revokes leases under --prefix issued longer ago than --min-age (default 6h);
            VAULT_ADDR, VAULT_TOKEN and optional VAULT_NAMESPACE from the environment
`;

const AUDIT_USAGE = `usage: keyward audit verify FILE [--head SHA256]...
  checks the hash chain of a keyward audit trail. --head (repeatable) is a head the job published: main's
  audit-head output, or the head in the job summary, written after post's revocations. The trail must hold a
  line with that hash, so nothing up to it was cut off or edited; lines after it must chain on from it.
`;

type CommandOptions = NonNullable<ParseArgsConfig['options']>;

/**
 * parseArgs with the commands' shared conventions: a parse error prints it and the usage (exit 2), `--help`
 * prints the usage (exit 0). Returns the parsed arguments, or the exit code when the command is done.
 */
function parseCommand<O extends CommandOptions>(
  argv: string[],
  options: O,
  usage: string,
  io: CommandIo,
): ReturnType<typeof parseArgs<{ args: string[]; allowPositionals: true; options: O }>> | number {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options });
  } catch (error) {
    io.stderr(`${errorMessage(error)}\n${usage}`);
    return 2;
  }
  if ((parsed.values as Record<string, unknown>).help) {
    io.stdout(usage);
    return 0;
  }
  return parsed;
}

const janitor: ProvisionCommand = {
  name: 'janitor',
  summary: 'remove credentials that lost runners left behind (expired ci_ roles and their sessions, old Vault leases)',
  async run(argv, io) {
    const parsed = parseCommand(
      argv,
      {
        'dry-run': { type: 'boolean' },
        prefix: { type: 'string' },
        'min-age': { type: 'string' },
        'print-sweeper-sql': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      JANITOR_USAGE,
      io,
    );
    if (typeof parsed === 'number') return parsed;
    const { values, positionals } = parsed;
    const [backend, ...rest] = positionals;
    if ((backend !== 'postgres' && backend !== 'vault') || rest.length) {
      io.stderr(JANITOR_USAGE);
      return 2;
    }
    if (values['print-sweeper-sql']) {
      if (backend !== 'postgres') {
        io.stderr(`--print-sweeper-sql is for postgres\n${JANITOR_USAGE}`);
        return 2;
      }
      io.stdout(POSTGRES_SWEEPER_SQL);
      return 0;
    }
    let options: JanitorOptions;
    if (backend === 'postgres') {
      const adminUrl = io.env.KEYWARD_POSTGRES_ADMIN_URL || io.env.DATABASE_URL;
      if (!adminUrl) {
        io.stderr('set KEYWARD_POSTGRES_ADMIN_URL to an admin connection string (never pass it as an argument)\n');
        return 2;
      }
      options = { backend, adminUrl, dryRun: values['dry-run'] };
    } else {
      const { VAULT_ADDR: addr, VAULT_TOKEN: token, VAULT_NAMESPACE: namespace } = io.env;
      if (!addr || !token || !values.prefix) {
        io.stderr(`vault needs VAULT_ADDR, VAULT_TOKEN and --prefix\n${JANITOR_USAGE}`);
        return 2;
      }
      let minAgeMs: number | undefined;
      try {
        minAgeMs = values['min-age'] ? parseDuration(values['min-age']) : undefined;
      } catch (error) {
        io.stderr(`--min-age: ${errorMessage(error)}\n`);
        return 2;
      }
      options = { backend, addr, token, namespace, prefix: values.prefix, minAgeMs, dryRun: values['dry-run'] };
    }
    try {
      const result = await runJanitor(options, { log: (line) => io.stdout(`${line}\n`) });
      io.stdout(
        `${result.found.length} leftover(s) found, ${result.removed.length} removed, ${result.failed.length} failed\n`,
      );
      return result.failed.length ? 1 : 0;
    } catch (error) {
      io.stderr(`janitor ${backend}: ${errorMessage(error)}\n`);
      return 1;
    }
  },
};

const audit: ProvisionCommand = {
  name: 'audit',
  summary: 'verify the hash chain of a keyward audit trail (keyward audit verify FILE)',
  async run(argv, io) {
    const parsed = parseCommand(argv, { head: { type: 'string', multiple: true }, help: { type: 'boolean', short: 'h' } }, AUDIT_USAGE, io);
    if (typeof parsed === 'number') return parsed;
    const [verb, file, ...rest] = parsed.positionals;
    if (verb !== 'verify' || !file || rest.length) {
      io.stderr(AUDIT_USAGE);
      return 2;
    }
    let result;
    try {
      result = verifyAuditTrail(file, parsed.values.head ?? []);
    } catch (error) {
      io.stderr(`cannot read ${file}: ${errorMessage(error)}\n`);
      return 2;
    }
    if (result.ok) {
      io.stdout(`ok: ${result.lines} line(s), chain intact, head ${result.head}\n`);
      for (const { head, line, after } of result.checkpoints) {
        io.stdout(`published head ${head} is line ${line}; ${after} line(s) appended after it, chained to it\n`);
      }
      return 0;
    }
    for (const problem of result.problems) io.stdout(`${file}:${problem.line}: ${problem.message}\n`);
    io.stdout(`tampered: ${result.problems.length} problem(s) in ${result.lines} line(s)\n`);
    return 1;
  },
};

export const provisionCommands: ProvisionCommand[] = [janitor, audit];
