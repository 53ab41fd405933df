// `keyward rotate`: a new value for a stored secret, written to its destinations, the old one retired after a grace period.
import { mkdirSync } from 'node:fs';
import { homedir, hostname, tmpdir, userInfo } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import {
  AuditTrail,
  GeneratedSource,
  GitHubSecretDestination,
  type GitHubSecretsApp,
  PostgresTwoRoleSource,
  type RotationDestination,
  RotationFailedError,
  RotationStateFile,
  type RotationSource,
  parseDuration,
  rotateSecret,
  systemClock,
  VaultKvDestination,
  VaultKvSource,
} from '@keyward/provision';
import { UsageError, parseCommandArgs, type CliIo } from '../io.js';

export const ROTATE_USAGE = `usage: keyward rotate --secret NAME --source postgres|generated|vault --to DESTINATION... [options]
  Order: create the new value, check it works, write every destination, keep the old value valid for --grace,
  retire it, check it is dead. On failure the old value stays valid and the exit status is 1; every step goes to
  the hash-chained audit trail (names and ids only, never a value).
  sources
    postgres   --group ROLE [--login-roles A,B] [--terminate-old-sessions]: two login roles in the NOLOGIN
               group ROLE (default ROLE_a, ROLE_b) used in turn; the value is a connection URL. Admin URL from
               KEYWARD_POSTGRES_ADMIN_URL
    generated  --length N [--alphabet CHARS] [--format TEXT-WITH-{}]: a random value (at least 128 bits)
    vault      --vault-secret MOUNT/PATH#KEY and the generated options: a new KV v2 version of KEY (other keys
               kept); retiring destroys the replaced version. VAULT_ADDR, VAULT_TOKEN, optional VAULT_NAMESPACE
  destinations (--to, repeatable; token from GITHUB_TOKEN, API from GITHUB_API_URL or https://api.github.com)
    github:OWNER/REPO                       a repository secret NAME (--app actions|dependabot|codespaces)
    github:OWNER/REPO/environments/ENV      an environment secret
    github-org:ORG[:all|private|selected]   an organization secret (default visibility private)
    vault:MOUNT/PATH#KEY                    a Vault KV v2 secret's KEY (a new version, other keys kept;
                                            VAULT_ADDR, VAULT_TOKEN, optional VAULT_NAMESPACE)
  --grace DURATION     how long the replaced value keeps working (default 15m)
  --no-wait            do not wait out the grace period: the next run retires the old value first
  --now                emergency: also retire at once a value still in an earlier rotation's grace period
  --lifetime DURATION  when the new value is due for rotation, recorded in the state (default 90d)
  --due-within DURATION  for a scheduled run: rotate only what is due within DURATION (e.g. 30d); a pending
                       retirement is still carried out, and a failed last run is always retried
  --state FILE         rotation state, metadata only (default .keyward-rotation.json)
  --audit FILE         audit trail (default $RUNNER_TEMP/keyward-audit.jsonl in Actions, else $XDG_STATE_HOME/keyward/audit.jsonl)
`;

function destinationFor(spec: string, name: string, app: GitHubSecretsApp, env: Record<string, string | undefined>): RotationDestination {
  const vault = /^vault:([^/\s#]+)\/([^#\s]+)#([^#\s]+)$/.exec(spec);
  if (vault) {
    if (!env.VAULT_ADDR || !env.VAULT_TOKEN) throw new UsageError(`--to ${spec} needs VAULT_ADDR and VAULT_TOKEN in the environment`);
    return new VaultKvDestination({ addr: env.VAULT_ADDR, token: env.VAULT_TOKEN, namespace: env.VAULT_NAMESPACE, mount: vault[1], path: vault[2]!, key: vault[3]! });
  }
  const token = env.GITHUB_TOKEN;
  if (!token) throw new UsageError('set GITHUB_TOKEN to a token that may write secrets (never pass it as an argument)');
  const apiUrl = env.GITHUB_API_URL || 'https://api.github.com';
  const repo = /^github:([^/\s]+\/[^/\s]+)(?:\/environments\/([^/\s]+))?$/.exec(spec);
  if (repo) return new GitHubSecretDestination({ apiUrl, token, name, app, scope: { repository: repo[1]!, environment: repo[2] } });
  const org = /^github-org:([^:\s]+)(?::(all|private|selected))?$/.exec(spec);
  if (org) return new GitHubSecretDestination({ apiUrl, token, name, app, scope: { organization: org[1]!, visibility: org[2] as 'all' | 'private' | 'selected' | undefined } });
  throw new UsageError(`--to ${spec}: write github:OWNER/REPO, github:OWNER/REPO/environments/ENV, github-org:ORG or vault:MOUNT/PATH#KEY`);
}

const oneLine = (text: string): string => text.replace(/[\r\n]+/g, ' ');

function duration(flag: string, text: string): number {
  try {
    return parseDuration(text);
  } catch (error) {
    throw new UsageError(`--${flag}: ${(error as Error).message}`);
  }
}

export async function rotateCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs({
    args: argv,
    allowPositionals: true,
    options: {
      secret: { type: 'string' },
      source: { type: 'string' },
      to: { type: 'string', multiple: true },
      app: { type: 'string' },
      group: { type: 'string' },
      'login-roles': { type: 'string' },
      'terminate-old-sessions': { type: 'boolean' },
      length: { type: 'string' },
      'vault-secret': { type: 'string' },
      alphabet: { type: 'string' },
      format: { type: 'string' },
      grace: { type: 'string' },
      'no-wait': { type: 'boolean' },
      now: { type: 'boolean' },
      lifetime: { type: 'string' },
      'due-within': { type: 'string' },
      state: { type: 'string' },
      audit: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout(ROTATE_USAGE);
    return 0;
  }
  if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"\n${ROTATE_USAGE}`);
  if (!values.secret) throw new UsageError(`--secret NAME is required\n${ROTATE_USAGE}`);
  if (!values.to?.length) throw new UsageError(`at least one --to destination is required\n${ROTATE_USAGE}`);
  const app = (values.app ?? 'actions') as GitHubSecretsApp;
  if (!['actions', 'dependabot', 'codespaces'].includes(app)) throw new UsageError('--app must be actions, dependabot or codespaces');

  let source: RotationSource;
  try {
    if (values.source === 'postgres') {
      const adminUrl = io.env.KEYWARD_POSTGRES_ADMIN_URL;
      if (!adminUrl) throw new UsageError('set KEYWARD_POSTGRES_ADMIN_URL to an admin connection string (never pass it as an argument)');
      if (!values.group) throw new UsageError('--group ROLE is required for the postgres source');
      const pair = values['login-roles']?.split(',').map((r) => r.trim());
      if (pair && (pair.length !== 2 || !pair[0] || !pair[1])) throw new UsageError('--login-roles takes two role names: A,B');
      source = new PostgresTwoRoleSource({ adminUrl, group: values.group, loginRoles: pair as [string, string] | undefined, terminateSessions: values['terminate-old-sessions'] });
    } else if (values.source === 'generated' || values.source === 'vault') {
      const length = Number(values.length);
      if (!Number.isInteger(length) || length <= 0) throw new UsageError(`--length N (a positive whole number) is required for the ${values.source} source`);
      const generator = new GeneratedSource({ length, alphabet: values.alphabet, format: values.format });
      if (values.source === 'generated') source = generator;
      else {
        const where = /^([^/\s#]+)\/([^#\s]+)#([^#\s]+)$/.exec(values['vault-secret'] ?? '');
        if (!where) throw new UsageError('--vault-secret MOUNT/PATH#KEY is required for the vault source');
        if (!io.env.VAULT_ADDR || !io.env.VAULT_TOKEN) throw new UsageError('the vault source needs VAULT_ADDR and VAULT_TOKEN in the environment');
        source = new VaultKvSource({
          addr: io.env.VAULT_ADDR, token: io.env.VAULT_TOKEN, namespace: io.env.VAULT_NAMESPACE,
          mount: where[1], path: where[2]!, key: where[3]!,
          generate: async () => (await generator.create()).value,
        });
      }
    } else {
      throw new UsageError(`--source must be postgres, generated or vault\n${ROTATE_USAGE}`);
    }
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError((error as Error).message);
  }
  let destinations: RotationDestination[];
  try {
    destinations = values.to.map((spec) => destinationFor(spec, values.secret!, app, io.env));
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError((error as Error).message);
  }

  const env = io.env;
  const auditPath = resolve(
    io.cwd,
    values.audit ?? (env.RUNNER_TEMP ? join(env.RUNNER_TEMP, 'keyward-audit.jsonl') : join(env.XDG_STATE_HOME || join(homedir(), '.local', 'state'), 'keyward', 'audit.jsonl')),
  );
  mkdirSync(dirname(auditPath), { recursive: true, mode: 0o700 });
  const job = {
    repository: env.GITHUB_REPOSITORY || `local:${hostname()}`,
    runId: env.GITHUB_RUN_ID || 'local',
    runAttempt: env.GITHUB_RUN_ATTEMPT || '1',
    job: env.GITHUB_JOB || (env.GITHUB_WORKFLOW ? `${env.GITHUB_WORKFLOW}` : 'keyward rotate'),
    actor: env.GITHUB_ACTOR || userInfo().username,
    runnerTemp: env.RUNNER_TEMP || tmpdir(),
    runnerName: env.RUNNER_NAME || hostname(),
  };
  const statePath = resolve(io.cwd, values.state ?? '.keyward-rotation.json');
  try {
    const outcome = await rotateSecret(
      {
        secret: values.secret,
        source,
        destinations,
        graceMs: duration('grace', values.grace ?? '15m'),
        waitForGrace: !values['no-wait'],
        lifetimeMs: duration('lifetime', values.lifetime ?? '90d'),
        force: values.now,
        dueWithinMs: values['due-within'] ? duration('due-within', values['due-within']) : undefined,
      },
      {
        store: new RotationStateFile(statePath),
        audit: new AuditTrail(auditPath, job, systemClock),
        clock: systemClock,
        log: (line) => io.stderr(`keyward rotate: ${oneLine(line)}\n`),
      },
    );
    if (outcome.notDue) {
      io.stdout(`${values.secret} is not due for rotation (${outcome.current} is current)\n`);
      return 0;
    }
    const tail = outcome.retired ? `; ${outcome.retired} retired` : outcome.pendingRetire ? `; ${outcome.pendingRetire.id} retires after ${outcome.pendingRetire.after}` : '';
    io.stdout(`rotated ${values.secret}: ${outcome.current} is current${tail}\n`);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const step = error instanceof RotationFailedError ? ` at ${error.step}` : '';
    // One line: a server's error text must not start a line of its own (a workflow command in the runner's log).
    io.stderr(`keyward rotate: ${values.secret} was not rotated (failed${step}): ${oneLine((error as Error).message)}\n`);
    return 1;
  }
}
