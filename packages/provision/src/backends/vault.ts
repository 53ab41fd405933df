import { Agent, fetch as undiciFetch } from 'undici';
import { type FetchLike, httpFailure, requestJson } from '../http.js';
import type { LedgerEntry } from '../ledger.js';
import { PermanentError } from '../retry.js';
import type { CredentialBackend, CredentialField, MintContext, RevokeOutcome } from './backend.js';

/** One `path field | NAME` line of the `vault-secrets` input. */
export interface VaultSecretRequest {
  path: string;
  field: string;
  exportName: string;
}

export interface VaultBackendConfig {
  addr: string;
  namespace?: string;
  /** `jwt`: log in with the job's OIDC token; `token`: use a given token (never revoked: it is not ours). */
  method?: 'jwt' | 'token';
  role?: string;
  jwtMount?: string;
  token?: string;
  secrets?: VaultSecretRequest[];
  /** Supplies the job's OIDC token for JWT login. */
  getJwt?: () => Promise<string>;
  fetch?: FetchLike;
  /** A Vault behind a private CA (PEM, trusted instead of the public CAs), or TLS checks off (vault-action's caCertificate, tlsSkipVerify). */
  tls?: VaultTls;
}

export interface VaultTls {
  ca?: string;
  skipVerify?: boolean;
}

/** fetch with the Vault's own trust settings: its CA added to the trusted ones, or verification off. */
export function vaultFetch(tls: VaultTls): FetchLike {
  const agent = new Agent({ connect: { ...(tls.ca ? { ca: [...tls.ca.split(/(?=-----BEGIN CERTIFICATE-----)/)] } : {}), ...(tls.skipVerify ? { rejectUnauthorized: false } : {}) } });
  return ((url: string, init?: RequestInit) => undiciFetch(url, { ...(init as object), dispatcher: agent } as Parameters<typeof undiciFetch>[1])) as unknown as FetchLike;
}

interface VaultAuth {
  auth?: { client_token: string; accessor: string; lease_duration: number };
}
interface VaultSecret {
  lease_id?: string;
  lease_duration?: number;
  data?: Record<string, unknown>;
}

/** Parses `path field | NAME` entries separated by newlines or `;` (the format hashicorp/vault-action uses). */
export function parseVaultSecrets(text: string): VaultSecretRequest[] {
  return text
    .split(/[;\n]/)
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line) => {
      const [spec = '', rename] = line.split('|').map((part) => part.trim());
      const parts = spec.split(/\s+/);
      if (parts.length !== 2 || rename === '') {
        throw new Error(`"${line}" should read "path field" or "path field | NAME"`);
      }
      const [path, field] = parts as [string, string];
      return {
        path: path.replace(/^\/+/, ''),
        field,
        exportName: rename ?? field.toUpperCase().replace(/[^A-Z0-9_]/g, '_'),
      };
    });
}

export class VaultBackend implements CredentialBackend {
  readonly name = 'vault' as const;
  private readonly fetch: FetchLike;

  constructor(private readonly config: VaultBackendConfig) {
    this.fetch = config.fetch ?? (config.tls && (config.tls.ca || config.tls.skipVerify) ? vaultFetch(config.tls) : fetch);
  }

  private headers(token: string | undefined, namespace: string | undefined): Record<string, string> {
    return {
      ...(token ? { 'x-vault-token': token } : {}),
      ...(namespace ? { 'x-vault-namespace': namespace } : {}),
    };
  }

  private url(addr: string, path: string): string {
    return `${addr.replace(/\/+$/, '')}/v1/${path.replace(/^\/+/, '')}`;
  }

  private async login(ctx: MintContext): Promise<string> {
    const { addr, namespace } = this.config;
    if (this.config.method === 'token') {
      if (!this.config.token) throw new PermanentError('a Vault token is needed for the token method');
      return this.config.token;
    }
    if (!this.config.getJwt || !this.config.role) throw new PermanentError('JWT login needs a Vault role and an OIDC token');
    const jwt = await this.config.getJwt();
    const url = this.url(addr, `auth/${this.config.jwtMount ?? 'jwt'}/login`);
    const response = await requestJson<VaultAuth>(this.fetch, {
      method: 'POST',
      url,
      headers: this.headers(undefined, namespace),
      body: { role: this.config.role, jwt },
      signal: ctx.signal,
    });
    const auth = response.body?.auth;
    if (response.status !== 200 || !auth?.client_token) throw httpFailure(response.status, 'POST', url, response.text);
    ctx.record({
      backend: 'vault',
      kind: 'vault-token',
      id: auth.accessor,
      expiresAt: new Date(ctx.now().getTime() + auth.lease_duration * 1000).toISOString(),
      revocation: { addr, namespace: namespace ?? '', token: auth.client_token },
    });
    ctx.protect(auth.client_token, 'the Vault token');
    return auth.client_token;
  }

  async mint(ctx: MintContext): Promise<CredentialField[]> {
    const { addr, namespace } = this.config;
    const requests = this.config.secrets ?? [];
    if (requests.length === 0) throw new PermanentError('no Vault secrets were asked for');
    const token = await this.login(ctx);
    const fields: CredentialField[] = [];
    const byPath = new Map<string, VaultSecretRequest[]>();
    for (const request of requests) byPath.set(request.path, [...(byPath.get(request.path) ?? []), request]);
    // Each path is read once: a dynamic path mints new credentials (and a new lease) on every read.
    for (const [path, wanted] of byPath) {
      const url = this.url(addr, path);
      const response = await requestJson<VaultSecret>(this.fetch, {
        method: 'GET',
        url,
        headers: this.headers(token, namespace),
        signal: ctx.signal,
      });
      if (response.status !== 200 || !response.body) throw httpFailure(response.status, 'GET', url, response.text);
      const secret = response.body;
      if (secret.lease_id) {
        ctx.record({
          backend: 'vault',
          kind: 'lease',
          id: secret.lease_id,
          expiresAt: new Date(ctx.now().getTime() + (secret.lease_duration ?? 0) * 1000).toISOString(),
          revocation: { addr, namespace: namespace ?? '', token },
        });
      }
      // KV v2 nests the fields one level deeper.
      const data = (secret.data?.data && typeof secret.data.data === 'object' ? secret.data.data : secret.data ?? {}) as Record<string, unknown>;
      for (const request of wanted) {
        const value = data[request.field];
        if (typeof value !== 'string' && typeof value !== 'number') {
          throw new PermanentError(
            `${path} has no field "${request.field}" (fields: ${Object.keys(data).join(', ') || 'none'})`,
          );
        }
        fields.push({
          field: request.field,
          exportName: request.exportName,
          value: String(value),
          secret: true,
          credentialId: secret.lease_id || path,
        });
      }
    }
    return fields;
  }

  /** True when the token in the entry no longer works (revoked or expired). */
  private async tokenIsDead(entry: LedgerEntry): Promise<boolean> {
    const { addr = '', namespace, token } = entry.revocation;
    const url = this.url(addr, 'auth/token/lookup-self');
    const response = await requestJson(this.fetch, { method: 'GET', url, headers: this.headers(token, namespace) });
    if (response.status === 403 || response.status === 401) return true;
    if (response.status === 200) return false;
    throw httpFailure(response.status, 'GET', url, response.text);
  }

  async revoke(entry: LedgerEntry): Promise<RevokeOutcome> {
    const { addr, namespace, token } = entry.revocation;
    if (!addr || !token) throw new PermanentError('the ledger entry lacks what revocation needs');
    if (entry.kind === 'vault-token') {
      const url = this.url(addr, 'auth/token/revoke-self');
      const response = await requestJson(this.fetch, { method: 'POST', url, headers: this.headers(token, namespace) });
      if (response.status === 204 || response.status === 200) return 'revoked';
      if (response.status === 403) return 'already-gone'; // an expired or revoked token is refused: it is dead
      throw httpFailure(response.status, 'POST', url, response.text);
    }
    const url = this.url(addr, 'sys/leases/revoke');
    const response = await requestJson(this.fetch, {
      method: 'PUT',
      url,
      headers: this.headers(token, namespace),
      body: { lease_id: entry.id },
    });
    if (response.status === 204 || response.status === 200) return 'revoked';
    if (response.status === 400 && /invalid lease/i.test(response.text)) return 'already-gone';
    // Vault revokes a token's leases when the token dies, so a dead token means its lease is gone too.
    if (response.status === 403 && (await this.tokenIsDead(entry))) return 'already-gone';
    throw httpFailure(response.status, 'PUT', url, response.text);
  }

  async verifyRevoked(entry: LedgerEntry): Promise<boolean> {
    if (entry.kind === 'vault-token') return this.tokenIsDead(entry);
    const { addr = '', namespace, token } = entry.revocation;
    const url = this.url(addr, 'sys/leases/lookup');
    const response = await requestJson(this.fetch, {
      method: 'PUT',
      url,
      headers: this.headers(token, namespace),
      body: { lease_id: entry.id },
    });
    if (response.status === 400) return true; // "invalid lease": Vault no longer knows it
    if (response.status === 200) return false;
    if (response.status === 403) return this.tokenIsDead(entry);
    throw httpFailure(response.status, 'PUT', url, response.text);
  }

  /** For the janitor: lease ids under `prefix` (e.g. `database/creds/ci-`), walking sub-prefixes. */
  async listLeases(prefix: string): Promise<string[]> {
    const { addr, namespace, token } = this.config;
    const found: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      // GET ?list=true is Vault's documented alternative to the LIST verb.
      const url = `${this.url(addr, `sys/leases/lookup/${dir}`)}?list=true`;
      const response = await requestJson<{ data?: { keys?: string[] } }>(this.fetch, {
        method: 'GET',
        url,
        headers: this.headers(token, namespace),
      });
      if (response.status === 404) return;
      if (response.status !== 200) throw httpFailure(response.status, 'LIST', url, response.text);
      for (const key of response.body?.data?.keys ?? []) {
        if (key.endsWith('/')) await walk(`${dir}${key}`);
        else found.push(`${dir}${key}`);
      }
    };
    await walk(prefix.endsWith('/') ? prefix : `${prefix}/`);
    return found;
  }

  async leaseIssueTime(leaseId: string): Promise<Date | undefined> {
    const { addr, namespace, token } = this.config;
    const url = this.url(addr, 'sys/leases/lookup');
    const response = await requestJson<{ data?: { issue_time?: string } }>(this.fetch, {
      method: 'PUT',
      url,
      headers: this.headers(token, namespace),
      body: { lease_id: leaseId },
    });
    if (response.status === 400) return undefined;
    if (response.status !== 200) throw httpFailure(response.status, 'PUT', url, response.text);
    const issued = response.body?.data?.issue_time;
    return issued ? new Date(issued) : undefined;
  }

  /** The janitor's revoke: with the janitor's own token rather than a ledger entry's. */
  async revokeLease(leaseId: string): Promise<void> {
    const { addr, namespace, token } = this.config;
    await this.revoke({
      seq: 0,
      backend: 'vault',
      kind: 'lease',
      id: leaseId,
      mintedAt: '',
      expiresAt: '',
      status: 'live',
      revocation: { addr, namespace: namespace ?? '', token: token ?? '' },
    });
  }
}
