import { type FetchLike, httpFailure, requestJson } from '../http.js';
import type { RotationDestination } from './types.js';

export interface VaultKvDestinationConfig {
  addr: string;
  token: string;
  namespace?: string;
  /** KV version 2 mount (default `secret`). */
  mount?: string;
  /** Secret path under the mount. */
  path: string;
  /** The key inside the secret's data that holds the value; the other keys are kept. */
  key: string;
  fetch?: FetchLike;
}

/**
 * A Vault KV v2 secret as a rotation destination: read the current version, write a new one with the rotated key
 * changed and every other key kept, using check-and-set on the version read, so a concurrent writer makes this
 * fail instead of being overwritten. (developer.hashicorp.com/vault/api-docs/secret/kv/kv-v2: "Read secret
 * version", "Create/Update secret" with options.cas.) Older versions stay readable per the mount's max_versions.
 */
export class VaultKvDestination implements RotationDestination {
  readonly name: string;
  private readonly url: string;

  constructor(private readonly config: VaultKvDestinationConfig) {
    const mount = (config.mount ?? 'secret').replace(/^\/+|\/+$/g, '');
    const path = config.path.replace(/^\/+|\/+$/g, '');
    if (!path || path.split('/').some((part) => part === '..' || part === '.')) throw new Error(`"${config.path}" is not a Vault secret path`);
    this.url = `${config.addr.replace(/\/+$/, '')}/v1/${mount}/data/${path.split('/').map(encodeURIComponent).join('/')}`;
    this.name = `vault kv ${mount}/${path} key ${config.key}`;
  }

  private headers(): Record<string, string> {
    return { 'x-vault-token': this.config.token, ...(this.config.namespace ? { 'x-vault-namespace': this.config.namespace } : {}) };
  }

  async write(value: string): Promise<void> {
    const fetchImpl = this.config.fetch ?? fetch;
    const current = await requestJson<{ data?: { data?: Record<string, unknown>; metadata?: { version?: number } } }>(fetchImpl, {
      method: 'GET',
      url: this.url,
      headers: this.headers(),
    });
    let data: Record<string, unknown> = {};
    let version = 0; // cas 0: write only if the secret does not exist yet
    if (current.status === 200) {
      data = current.body?.data?.data ?? {};
      version = current.body?.data?.metadata?.version ?? 0;
    } else if (current.status !== 404) {
      throw httpFailure(current.status, 'GET', this.url, current.text);
    }
    const written = await requestJson(fetchImpl, {
      method: 'POST',
      url: this.url,
      headers: this.headers(),
      body: { options: { cas: version }, data: { ...data, [this.config.key]: value } },
    });
    if (written.status !== 200 && written.status !== 204) throw httpFailure(written.status, 'POST', this.url, written.text);
  }
}
