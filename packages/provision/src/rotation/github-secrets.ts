import sealedBox from 'tweetnacl-sealedbox-js';
import { type FetchLike, httpFailure, requestJson } from '../http.js';
import type { RotationDestination } from './types.js';

/** Which secrets API: Actions, Dependabot and Codespaces secrets share one shape. */
export type GitHubSecretsApp = 'actions' | 'dependabot' | 'codespaces';

export type GitHubSecretScope =
  | { repository: string; environment?: string }
  | { organization: string; visibility?: 'all' | 'private' | 'selected' };

export interface GitHubSecretConfig {
  /** https://api.github.com, or GITHUB_API_URL on GitHub Enterprise Server. */
  apiUrl: string;
  token: string;
  scope: GitHubSecretScope;
  name: string;
  app?: GitHubSecretsApp;
  fetch?: FetchLike;
}

const NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * A GitHub secret as a rotation destination, through the REST API: GET the scope's public key, encrypt the
 * value as a libsodium sealed box with it (tweetnacl-sealedbox-js; the test stand-in opens it with libsodium itself), PUT the ciphertext with the key id.
 * (docs.github.com/en/rest/actions/secrets: "Create or update a repository secret", "... an environment
 * secret", "... an organization secret"; dependabot and codespaces secrets take the same requests.)
 */
export class GitHubSecretDestination implements RotationDestination {
  readonly name: string;
  private readonly base: string;
  private readonly fetchImpl: FetchLike;

  constructor(private readonly config: GitHubSecretConfig) {
    if (!NAME_PATTERN.test(config.name) || /^GITHUB_/i.test(config.name)) {
      throw new Error(`"${config.name}" cannot be a GitHub secret name (letters, digits and _, not starting with GITHUB_)`);
    }
    const app = config.app ?? 'actions';
    const api = config.apiUrl.replace(/\/+$/, '');
    const scope = config.scope;
    if ('organization' in scope) {
      this.base = `${api}/orgs/${encodeURIComponent(scope.organization)}/${app}/secrets`;
      this.name = `github org ${scope.organization} ${app} secret ${config.name}`;
    } else {
      const [owner, repo, ...rest] = scope.repository.split('/');
      if (!owner || !repo || rest.length) throw new Error(`"${scope.repository}" is not OWNER/REPO`);
      const repoPath = `${api}/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}`;
      if (scope.environment) {
        if (app !== 'actions') throw new Error('environment secrets exist for Actions only');
        this.base = `${repoPath}/environments/${encodeURIComponent(scope.environment)}/secrets`;
        this.name = `github ${scope.repository} environment ${scope.environment} secret ${config.name}`;
      } else {
        this.base = `${repoPath}/${app}/secrets`;
        this.name = `github ${scope.repository} ${app} secret ${config.name}`;
      }
    }
    this.fetchImpl = config.fetch ?? fetch;
  }

  private headers(): Record<string, string> {
    return { authorization: `Bearer ${this.config.token}`, accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28' };
  }

  async write(value: string): Promise<void> {
    const keyUrl = `${this.base}/public-key`;
    const key = await requestJson<{ key_id?: string; key?: string }>(this.fetchImpl, { method: 'GET', url: keyUrl, headers: this.headers() });
    if (key.status !== 200) throw httpFailure(key.status, 'GET', keyUrl, key.text);
    if (!key.body?.key || !key.body.key_id) throw new Error(`GET ${new URL(keyUrl).pathname} gave no key and key_id`);
    const publicKey = Buffer.from(key.body.key, 'base64');
    if (publicKey.length !== 32) throw new Error(`GET ${new URL(keyUrl).pathname} gave a key of ${publicKey.length} bytes, not a 32-byte X25519 public key`);
    // libsodium's crypto_box_seal (what GitHub documents), as implemented on tweetnacl: pure JS, so it bundles
    // into the CLI and the actions (libsodium-wrappers' WebAssembly loader does not survive ncc's ESM bundle).
    const sealed = sealedBox.seal(Buffer.from(value, 'utf8'), publicKey);
    const body: Record<string, string> = { encrypted_value: Buffer.from(sealed).toString('base64'), key_id: key.body.key_id };
    if ('organization' in this.config.scope) body.visibility = this.config.scope.visibility ?? 'private';
    const putUrl = `${this.base}/${encodeURIComponent(this.config.name)}`;
    const put = await requestJson(this.fetchImpl, { method: 'PUT', url: putUrl, headers: this.headers(), body });
    if (put.status !== 201 && put.status !== 204) throw httpFailure(put.status, 'PUT', putUrl, put.text);
  }
}
