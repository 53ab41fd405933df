import { type LocalServer, sendJson, startLocalServer } from './http-server.js';

/** A stand-in for Vault's KV v2 data endpoint: versions, check-and-set, token check. */
export interface VaultKvStandIn extends LocalServer {
  /** Every version written, per path under the mount (`app/db`), oldest first. */
  versions: Map<string, Array<Record<string, unknown>>>;
}

export async function startVaultKvStandIn(token: string, mount = 'secret'): Promise<VaultKvStandIn> {
  const versions = new Map<string, Array<Record<string, unknown>>>();
  const prefix = `/v1/${mount}/data/`;
  const server = await startLocalServer((request, response) => {
    if (request.headers['x-vault-token'] !== token) return sendJson(response, 403, { errors: ['permission denied'] });
    if (!request.path.startsWith(prefix)) return sendJson(response, 404, { errors: [] });
    const path = decodeURIComponent(request.path.slice(prefix.length));
    const list = versions.get(path) ?? [];
    if (request.method === 'GET') {
      if (!list.length) return sendJson(response, 404, { errors: [] });
      return sendJson(response, 200, { data: { data: list.at(-1), metadata: { version: list.length } } });
    }
    if (request.method === 'POST') {
      const body = request.body as { options?: { cas?: number }; data?: Record<string, unknown> };
      if (body?.options?.cas !== undefined && body.options.cas !== list.length) {
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
