import sodium from 'libsodium-wrappers';
import { type LocalServer, sendJson, startLocalServer } from './http-server.js';

/**
 * A stand-in for GitHub's secrets API: serves a test key pair's public key, and on PUT opens the sealed box with
 * the private key, so a test sees the value exactly as GitHub would store it (and a box sealed wrongly fails).
 */
export interface GitHubSecretsStandIn extends LocalServer {
  /** Plaintext stored per PUT path (`/repos/o/r/actions/secrets/NAME`). */
  stored: Map<string, string>;
  /** Set to a status to make the next PUTs fail with it. */
  failPutsWith?: number;
  keyId: string;
}

export async function startGitHubSecretsStandIn(token: string): Promise<GitHubSecretsStandIn> {
  await sodium.ready;
  const pair = sodium.crypto_box_keypair();
  const keyId = `key-${sodium.to_hex(sodium.randombytes_buf(4))}`;
  const stored = new Map<string, string>();
  const standIn = { stored, keyId } as GitHubSecretsStandIn;
  const server = await startLocalServer((request, response) => {
    if (request.headers.authorization !== `Bearer ${token}`) return sendJson(response, 401, { message: 'Bad credentials' });
    if (request.headers['x-github-api-version'] !== '2022-11-28') return sendJson(response, 400, { message: 'missing API version' });
    const path = request.path;
    if (request.method === 'GET' && /\/secrets\/public-key$/.test(path)) {
      return sendJson(response, 200, { key_id: keyId, key: sodium.to_base64(pair.publicKey, sodium.base64_variants.ORIGINAL) });
    }
    if (request.method === 'PUT' && /\/secrets\/[A-Za-z0-9_]+$/.test(path)) {
      if (standIn.failPutsWith) return sendJson(response, standIn.failPutsWith, { message: 'stand-in told to fail' });
      const body = request.body as { encrypted_value?: string; key_id?: string; visibility?: string };
      if (body?.key_id !== keyId) return sendJson(response, 422, { message: 'key_id does not match the current key' });
      if (path.startsWith('/orgs/') && !body.visibility) return sendJson(response, 422, { message: 'visibility is required' });
      let plain: string;
      try {
        plain = sodium.to_string(sodium.crypto_box_seal_open(sodium.from_base64(body.encrypted_value ?? '', sodium.base64_variants.ORIGINAL), pair.publicKey, pair.privateKey));
      } catch {
        return sendJson(response, 422, { message: 'encrypted_value is not a sealed box for this key' });
      }
      const existed = stored.has(path);
      stored.set(path, plain);
      return sendJson(response, existed ? 204 : 201, existed ? undefined : {});
    }
    return sendJson(response, 404, { message: 'Not Found' });
  });
  return Object.assign(standIn, server);
}
