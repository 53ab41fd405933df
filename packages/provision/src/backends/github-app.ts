import { createHash, createPrivateKey } from 'node:crypto';
import { SignJWT } from 'jose';
import { type FetchLike, httpFailure, requestJson } from '../http.js';
import type { LedgerEntry } from '../ledger.js';
import { PermanentError } from '../retry.js';
import type { CredentialBackend, CredentialField, MintContext, RevokeOutcome } from './backend.js';

// Plain fetch rather than @octokit/rest: four endpoints, no pagination, and revocation needs its own bounded
// retries (Octokit's retry/throttle plugins would stack on ours); it also keeps the bundled action small and
// lets tests assert the exact requests at a local server.

export interface GitHubAppBackendConfig {
  /** GITHUB_API_URL: https://api.github.com, or a GHES /api/v3 URL. */
  apiUrl: string;
  appId?: string;
  privateKey?: string;
  installationId?: string;
  /** Owner of the repositories; with `repositories` it locates the installation. */
  owner?: string;
  /** Repository names (without owner) the token is limited to. */
  repositories?: string[];
  /** e.g. { contents: 'read', issues: 'write' }; omitted means everything the installation has. */
  permissions?: Record<string, string>;
  fetch?: FetchLike;
}

const API_HEADERS = { 'x-github-api-version': '2022-11-28', 'user-agent': 'keyward-provision' };

/** The ledger id of a token: a short hash, so summaries and audit lines can name it without revealing it. */
export const tokenId = (token: string): string =>
  `sha256:${createHash('sha256').update(token).digest('hex').slice(0, 16)}`;

export class GitHubAppBackend implements CredentialBackend {
  readonly name = 'github-app' as const;
  private readonly fetch: FetchLike;

  constructor(private readonly config: GitHubAppBackendConfig) {
    this.fetch = config.fetch ?? fetch;
  }

  private url(apiUrl: string, path: string): string {
    return `${apiUrl.replace(/\/+$/, '')}${path}`;
  }

  /** App JWT per GitHub's rules: RS256, iss = app id, iat 60 s in the past (clock drift), exp within 10 min. */
  async appJwt(now: Date): Promise<string> {
    const { appId, privateKey } = this.config;
    if (!appId || !privateKey) throw new PermanentError('an app id and a private key are needed to mint a token');
    // createPrivateKey reads both the PKCS#1 PEM GitHub hands out and PKCS#8.
    const key = createPrivateKey(privateKey);
    const seconds = Math.floor(now.getTime() / 1000);
    return new SignJWT({})
      .setProtectedHeader({ alg: 'RS256' })
      .setIssuer(appId)
      .setIssuedAt(seconds - 60)
      .setExpirationTime(seconds + 9 * 60)
      .sign(key);
  }

  private async installationId(jwt: string, signal: AbortSignal): Promise<string> {
    if (this.config.installationId) return this.config.installationId;
    const { owner, repositories } = this.config;
    const repo = repositories?.[0];
    if (!owner || !repo) throw new PermanentError('an installation id, or an owner and a repository, is needed');
    const url = this.url(this.config.apiUrl, `/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}/installation`);
    const response = await requestJson<{ id: number }>(this.fetch, {
      method: 'GET',
      url,
      headers: { ...API_HEADERS, authorization: `Bearer ${jwt}` },
      signal,
    });
    if (response.status !== 200 || !response.body?.id) throw httpFailure(response.status, 'GET', url, response.text);
    return String(response.body.id);
  }

  async mint(ctx: MintContext): Promise<CredentialField[]> {
    const jwt = await this.appJwt(ctx.now());
    ctx.protect(jwt, 'the GitHub App JWT');
    const installation = await this.installationId(jwt, ctx.signal);
    const url = this.url(this.config.apiUrl, `/app/installations/${encodeURIComponent(installation)}/access_tokens`);
    const body: Record<string, unknown> = {};
    if (this.config.repositories?.length) body.repositories = this.config.repositories;
    if (this.config.permissions && Object.keys(this.config.permissions).length) body.permissions = this.config.permissions;
    const response = await requestJson<{ token: string; expires_at: string }>(this.fetch, {
      method: 'POST',
      url,
      headers: { ...API_HEADERS, authorization: `Bearer ${jwt}` },
      body,
      signal: ctx.signal,
    });
    if (response.status !== 201 || !response.body?.token) throw httpFailure(response.status, 'POST', url, response.text);
    const { token, expires_at: expiresAt } = response.body;
    ctx.record({
      backend: 'github-app',
      kind: 'installation-token',
      id: tokenId(token),
      expiresAt,
      // DELETE /installation/token authenticates with the token itself: nothing else can revoke it.
      revocation: { apiUrl: this.config.apiUrl, token },
    });
    ctx.protect(token, 'the installation token');
    return [{ field: 'token', exportName: 'GITHUB_APP_TOKEN', value: token, secret: true, credentialId: tokenId(token) }];
  }

  async revoke(entry: LedgerEntry): Promise<RevokeOutcome> {
    const { apiUrl, token } = entry.revocation;
    if (!apiUrl || !token) throw new PermanentError('the ledger entry lacks what revocation needs');
    const url = this.url(apiUrl, '/installation/token');
    const response = await requestJson(this.fetch, {
      method: 'DELETE',
      url,
      headers: { ...API_HEADERS, authorization: `Bearer ${token}` },
    });
    if (response.status === 204) return 'revoked';
    // 401: already expired or revoked; either way it no longer works, which is what revocation wants.
    if (response.status === 401) return 'already-gone';
    throw httpFailure(response.status, 'DELETE', url, response.text);
  }

  async verifyRevoked(entry: LedgerEntry): Promise<boolean> {
    const { apiUrl, token } = entry.revocation;
    if (!apiUrl || !token) return false;
    const url = this.url(apiUrl, '/installation/repositories?per_page=1');
    const response = await requestJson(this.fetch, {
      method: 'GET',
      url,
      headers: { ...API_HEADERS, authorization: `Bearer ${token}` },
    });
    if (response.status === 401) return true;
    if (response.status === 200) return false;
    throw httpFailure(response.status, 'GET', url, response.text);
  }
}
