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
    } else if (current.status === 404) {
      version = current.body?.data?.metadata?.version ?? 0; // the newest version may be destroyed: cas still counts it
    } else {
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

export interface VaultKvSourceConfig extends Omit<VaultKvDestinationConfig, 'fetch'> {
  /** How the new value is made (a GeneratedSource's policy). */
  generate: () => Promise<string>;
  fetch?: FetchLike;
}

/**
 * A Vault KV v2 secret as the source: the new value is a new version (written with check-and-set, other keys
 * kept); retiring destroys the replaced version, so it cannot be read back, not even by an undelete.
 * (kv-v2 API: "Destroy secret versions".) Ids are `v<version>`.
 */
export class VaultKvSource {
  readonly kind = 'vault-kv';
  private readonly destination: VaultKvDestination;
  private readonly base: string;
  private readonly path: string;

  constructor(private readonly config: VaultKvSourceConfig) {
    this.destination = new VaultKvDestination(config);
    const mount = (config.mount ?? 'secret').replace(/^\/+|\/+$/g, '');
    this.path = config.path.replace(/^\/+|\/+$/g, '').split('/').map(encodeURIComponent).join('/');
    this.base = `${config.addr.replace(/\/+$/, '')}/v1/${mount}`;
  }

  private headers(): Record<string, string> {
    return { 'x-vault-token': this.config.token, ...(this.config.namespace ? { 'x-vault-namespace': this.config.namespace } : {}) };
  }

  private async read(version?: number): Promise<{ status: number; value?: unknown; version?: number; destroyed?: boolean }> {
    const url = `${this.base}/data/${this.path}${version ? `?version=${version}` : ''}`;
    const result = await requestJson<{ data?: { data?: Record<string, unknown> | null; metadata?: { version?: number; destroyed?: boolean } } }>(
      this.config.fetch ?? fetch,
      { method: 'GET', url, headers: this.headers() },
    );
    if (result.status !== 200 && result.status !== 404) throw httpFailure(result.status, 'GET', url, result.text);
    const metadata = result.body?.data?.metadata;
    return { status: result.status, value: result.body?.data?.data?.[this.config.key], version: metadata?.version, destroyed: metadata?.destroyed };
  }

  async create(): Promise<{ id: string; value: string }> {
    const value = await this.config.generate();
    await this.destination.write(value);
    const latest = await this.read();
    if (!latest.version) throw new Error(`${this.destination.name}: no version after writing`);
    return { id: `v${latest.version}`, value };
  }

  async verify(created: { id: string; value: string }): Promise<void> {
    const stored = await this.read(Number(created.id.slice(1)));
    if (stored.value !== created.value) throw new Error(`${this.destination.name} ${created.id} does not hold the new value`);
  }

  async retire(id: string): Promise<'retired' | 'nothing-to-retire'> {
    const version = Number(id.replace(/^v/, ''));
    if (!Number.isInteger(version) || version <= 0) throw new Error(`"${id}" is not a KV version id`);
    const url = `${this.base}/destroy/${this.path}`;
    const result = await requestJson(this.config.fetch ?? fetch, { method: 'POST', url, headers: this.headers(), body: { versions: [version] } });
    if (result.status !== 200 && result.status !== 204) throw httpFailure(result.status, 'POST', url, result.text);
    return 'retired';
  }

  async verifyRetired(id: string): Promise<boolean> {
    const stored = await this.read(Number(id.replace(/^v/, '')));
    return stored.destroyed === true && stored.value === undefined;
  }
}
