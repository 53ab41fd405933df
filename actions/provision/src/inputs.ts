import type { VaultTls } from '@keyward/provision';
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import * as core from '@actions/core';
import {
  type BackendName,
  type ExportMode,
  type JobContext,
  type Policy,
  type VaultSecretRequest,
  parseDuration,
  parsePolicy,
  parseVaultSecrets,
} from '@keyward/provision';

/** Every input this action reads, in one place. Each is read once; errors name the input. */
export type InputReader = (name: string) => string;
type Env = Record<string, string | undefined>;

export const DEFAULT_POLICY_FILE = '.github/keyward-policy.yml';
const MIN_TTL_MS = 60_000;
const MAX_TTL_MS = 24 * 3_600_000;

export class InputError extends Error {
  constructor(input: string, message: string) {
    super(`input "${input}": ${message}`);
    this.name = 'InputError';
  }
}

export interface PostgresSettings {
  adminUrl: string;
  templateRole: string;
}
export interface GitHubAppSettings {
  appId: string;
  privateKey: string;
  installationId?: string;
  owner: string;
  repositories: string[];
  permissions: Record<string, string>;
}
export interface VaultSettings {
  addr: string;
  namespace?: string;
  /** vault-ca-certificate / vault-tls-skip-verify. */
  tls?: VaultTls;
  method: 'jwt' | 'token';
  role?: string;
  jwtMount: string;
  token?: string;
  secrets: VaultSecretRequest[];
}

export interface MainSettings {
  backend: BackendName;
  ttlMs: number;
  exportModes: ExportMode[];
  rename: Record<string, string>;
  policy?: Policy;
  oidcAudience?: string;
  auditPath: string;
  apiUrl: string;
  job: JobContext;
  postgres?: PostgresSettings;
  githubApp?: GitHubAppSettings;
  vault?: VaultSettings;
}

export interface PostSettings {
  keepOnFailureMs?: number;
  githubToken?: string;
  apiUrl: string;
  auditPath: string;
  job: JobContext;
  postgresAdminUrl?: string;
  vaultTls?: VaultTls;
}

export const coreInputReader: InputReader = (name) => core.getInput(name);

function required(read: InputReader, name: string, why: string): string {
  const value = read(name);
  if (!value) throw new InputError(name, `is required ${why}`);
  return value;
}

function duration(read: InputReader, name: string): number | undefined {
  const text = read(name);
  if (!text) return undefined;
  try {
    return parseDuration(text);
  } catch (error) {
    throw new InputError(name, (error as Error).message);
  }
}

function list(text: string): string[] {
  return text
    .split(/[,\n]/)
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/** `key=value` / `key: value` pairs, one per line or comma-separated. */
function pairs(read: InputReader, name: string, separator: RegExp): Record<string, string> {
  const result: Record<string, string> = {};
  for (const item of list(read(name))) {
    const match = separator.exec(item);
    if (!match || match.index === 0) throw new InputError(name, `"${item}" should read key${separator.source}value`);
    const key = item.slice(0, match.index).trim();
    const value = item.slice(match.index + match[0].length).trim();
    if (!value) throw new InputError(name, `"${item}" has no value`);
    result[key] = value;
  }
  return result;
}

export function jobContext(env: Env): JobContext {
  return {
    repository: env.GITHUB_REPOSITORY ?? '',
    runId: env.GITHUB_RUN_ID ?? '0',
    runAttempt: env.GITHUB_RUN_ATTEMPT ?? '1',
    job: env.GITHUB_JOB ?? '',
    actor: env.GITHUB_ACTOR ?? '',
    runnerTemp: env.RUNNER_TEMP ?? '',
    runnerName: env.RUNNER_NAME ?? '',
  };
}

function auditPath(read: InputReader, env: Env): string {
  const given = read('audit-log');
  if (given) return given;
  if (!env.RUNNER_TEMP) throw new InputError('audit-log', 'is required when RUNNER_TEMP is not set');
  return join(env.RUNNER_TEMP, 'keyward-audit.jsonl');
}

const apiUrl = (read: InputReader, env: Env): string =>
  read('github-api-url') || env.GITHUB_API_URL || 'https://api.github.com';

function readPolicy(read: InputReader, env: Env): Policy | undefined {
  const inline = read('policy');
  const file = read('policy-file');
  try {
    if (inline) return parsePolicy(inline, 'from the "policy" input');
    const path = file || DEFAULT_POLICY_FILE;
    const resolved = isAbsolute(path) ? path : join(env.GITHUB_WORKSPACE ?? process.cwd(), path);
    if (!existsSync(resolved)) {
      if (file) throw new Error(`${path} does not exist`);
      return undefined;
    }
    return parsePolicy(readFileSync(resolved, 'utf8'), path);
  } catch (error) {
    throw new InputError(inline ? 'policy' : 'policy-file', (error as Error).message);
  }
}

const EXPORT_MODES = new Set<ExportMode>(['env', 'file', 'output']);

export function readMainSettings(read: InputReader = coreInputReader, env: Env = process.env): MainSettings {
  const backend = read('backend');
  if (backend !== 'postgres' && backend !== 'github-app' && backend !== 'vault') {
    throw new InputError('backend', `must be postgres, github-app or vault, not "${backend}"`);
  }
  const ttlMs = duration(read, 'ttl') ?? 3_600_000;
  if (ttlMs < MIN_TTL_MS || ttlMs > MAX_TTL_MS) throw new InputError('ttl', 'must be between 1m and 24h');

  const exportModes = list(read('export') || 'env');
  for (const mode of exportModes) {
    if (!EXPORT_MODES.has(mode as ExportMode)) throw new InputError('export', `"${mode}" is not one of env, file, output`);
  }

  const settings: MainSettings = {
    backend,
    ttlMs,
    exportModes: exportModes as ExportMode[],
    rename: pairs(read, 'export-names', /=/),
    policy: readPolicy(read, env),
    oidcAudience: read('oidc-audience') || undefined,
    auditPath: auditPath(read, env),
    apiUrl: apiUrl(read, env),
    job: jobContext(env),
  };
  // keep-on-failure is used by post, but a bad value should fail main before anything is minted.
  duration(read, 'keep-on-failure');

  if (backend === 'postgres') {
    const adminUrl = required(read, 'postgres-admin-url', 'for the postgres backend');
    try {
      const parsed = new URL(adminUrl);
      if (!/^postgres(ql)?:$/.test(parsed.protocol)) throw new Error();
    } catch {
      // Never echo the value: it holds the admin password.
      throw new InputError('postgres-admin-url', 'is not a postgres:// or postgresql:// URL');
    }
    settings.postgres = { adminUrl, templateRole: required(read, 'postgres-template-role', 'for the postgres backend') };
  } else if (backend === 'github-app') {
    const [repoOwner = '', repoName = ''] = (env.GITHUB_REPOSITORY ?? '').split('/');
    const repositories = list(read('github-app-repositories'));
    settings.githubApp = {
      appId: required(read, 'github-app-id', 'for the github-app backend'),
      privateKey: required(read, 'github-app-private-key', 'for the github-app backend'),
      installationId: read('github-app-installation-id') || undefined,
      owner: read('github-app-owner') || repoOwner,
      repositories: repositories.length ? repositories : repoName ? [repoName] : [],
      permissions: pairs(read, 'github-app-permissions', /:|=/),
    };
    for (const [permission, level] of Object.entries(settings.githubApp.permissions)) {
      if (!['read', 'write', 'admin'].includes(level)) {
        throw new InputError('github-app-permissions', `${permission}: level must be read, write or admin`);
      }
    }
    if (!/^\d+$|^Iv[0-9A-Za-z.]+$/.test(settings.githubApp.appId)) {
      throw new InputError('github-app-id', 'must be a numeric app id or a client id');
    }
    if (!settings.githubApp.privateKey.includes('PRIVATE KEY')) {
      throw new InputError('github-app-private-key', 'is not a PEM private key');
    }
  } else {
    const method = read('vault-method') || 'jwt';
    if (method !== 'jwt' && method !== 'token') throw new InputError('vault-method', 'must be jwt or token');
    let secrets: VaultSecretRequest[];
    try {
      secrets = parseVaultSecrets(required(read, 'vault-secrets', 'for the vault backend'));
    } catch (error) {
      if (error instanceof InputError) throw error;
      throw new InputError('vault-secrets', (error as Error).message);
    }
    settings.vault = {
      addr: required(read, 'vault-addr', 'for the vault backend'),
      namespace: read('vault-namespace') || undefined,
      method,
      role: method === 'jwt' ? required(read, 'vault-role', 'for JWT login') : undefined,
      jwtMount: read('vault-jwt-mount') || 'jwt',
      token: method === 'token' ? required(read, 'vault-token', 'for the token method') : undefined,
      secrets,
    };
    const tls = vaultTls(read);
    if (tls) settings.vault.tls = tls;
  }
  return settings;
}

/** What post needs. Lenient on purpose: a bad main-only input must never stop revocation. */
export function readPostSettings(read: InputReader = coreInputReader, env: Env = process.env): PostSettings {
  let keepOnFailureMs: number | undefined;
  try {
    keepOnFailureMs = duration(read, 'keep-on-failure');
  } catch {
    keepOnFailureMs = undefined;
  }
  return {
    keepOnFailureMs,
    githubToken: read('github-token') || undefined,
    apiUrl: apiUrl(read, env),
    auditPath: read('audit-log') || join(env.RUNNER_TEMP ?? '.', 'keyward-audit.jsonl'),
    job: jobContext(env),
    postgresAdminUrl: read('postgres-admin-url') || undefined,
    ...(safeVaultTls(read) ? { vaultTls: safeVaultTls(read) } : {}),
  };
}

/**
 * vault-ca-certificate: the PEM of the CA that signed the Vault's certificate, or that PEM base64-encoded
 * (as hashicorp/vault-action's caCertificate takes it); vault-tls-skip-verify: true turns checks off.
 */
export function vaultTls(read: InputReader): VaultTls | undefined {
  const raw = read('vault-ca-certificate');
  const skip = read('vault-tls-skip-verify');
  if (skip && skip !== 'true' && skip !== 'false') throw new InputError('vault-tls-skip-verify', 'must be true or false');
  let ca: string | undefined;
  if (raw) {
    ca = raw.includes('-----BEGIN CERTIFICATE-----') ? raw : Buffer.from(raw, 'base64').toString('utf8');
    if (!ca.includes('-----BEGIN CERTIFICATE-----')) throw new InputError('vault-ca-certificate', 'is neither a PEM certificate nor a base64-encoded one');
  }
  if (!ca && skip !== 'true') return undefined;
  return { ...(ca ? { ca } : {}), ...(skip === 'true' ? { skipVerify: true } : {}) };
}

/** The same for post, which must never fail on a main-only input. */
function safeVaultTls(read: InputReader): VaultTls | undefined {
  try {
    return vaultTls(read);
  } catch {
    return undefined;
  }
}

/** The roles the policy judges for this request. */
export function requestedRoles(settings: MainSettings): string[] {
  if (settings.postgres) return [settings.postgres.templateRole];
  if (settings.vault) return [...new Set(settings.vault.secrets.map((s) => s.path))];
  const permissions = Object.entries(settings.githubApp?.permissions ?? {});
  return permissions.length ? permissions.map(([p, level]) => `${p}:${level}`) : ['*'];
}
