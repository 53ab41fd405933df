import { type LocalServer, sendJson, startLocalServer } from './http-server.js';

/** A stand-in for Vault's KV v2 data and destroy endpoints: versions, check-and-set, destroyed versions, token check. */
export interface VaultKvStandIn extends LocalServer {
  /** Every version written, per path under the mount (`app/db`), oldest first; a destroyed version is null. */
  versions: Map<string, Array<Record<string, unknown> | null>>;
}

export async function startVaultKvStandIn(token: string, mount = 'secret'): Promise<VaultKvStandIn> {
  const versions = new Map<string, Array<Record<string, unknown> | null>>();
  const prefix = `/v1/${mount}/data/`;
  const destroyPrefix = `/v1/${mount}/destroy/`;
  const server = await startLocalServer((request, response) => {
    if (request.headers['x-vault-token'] !== token) return sendJson(response, 403, { errors: ['permission denied'] });
    if (request.method === 'POST' && request.path.startsWith(destroyPrefix)) {
      const list = versions.get(decodeURIComponent(request.path.slice(destroyPrefix.length))) ?? [];
      for (const v of (request.body as { versions?: number[] })?.versions ?? []) if (v >= 1 && v <= list.length) list[v - 1] = null;
      return sendJson(response, 204);
    }
    if (!request.path.startsWith(prefix)) return sendJson(response, 404, { errors: [] });
    const [rawPath, query] = request.path.slice(prefix.length).split('?');
    const path = decodeURIComponent(rawPath!);
    const list = versions.get(path) ?? [];
    if (request.method === 'GET') {
      if (!list.length) return sendJson(response, 404, { errors: [] });
      const version = Number(new URLSearchParams(query ?? '').get('version') ?? list.length);
      const data = list[version - 1];
      // Vault answers a destroyed version with 404 and its metadata (destroyed: true).
      if (data === null) return sendJson(response, 404, { data: { data: null, metadata: { version, destroyed: true } } });
      if (data === undefined) return sendJson(response, 404, { errors: [] });
      return sendJson(response, 200, { data: { data, metadata: { version, destroyed: false } } });
    }
    if (request.method === 'POST') {
      const body = request.body as { options?: { cas?: number }; data?: Record<string, unknown> };
      if (body?.options?.cas !== undefined && body.options.cas !== list.length) {
        // check-and-set compares with the newest version number, destroyed or not
        return sendJson(response, 400, { errors: [`check-and-set parameter did not match the current version`] });
      }
      list.push(body?.data ?? {});
      versions.set(path, list);
      return sendJson(response, 200, { data: { version: list.length } });
    }
    return sendJson(response, 405, { errors: [] });
  });
  return Object.assign(server, { versions });
}
