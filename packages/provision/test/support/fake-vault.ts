import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { OidcIssuer } from './oidc-issuer.js';
import { type LocalServer, type RecordedRequest, sendJson, startLocalServer } from './http-server.js';

/**
 * Vault's documented endpoints keyward uses: JWT login, dynamic database creds with leases, lease revoke and
 * lookup (and list), token revoke-self and lookup-self. Revoking a token revokes its leases, as in Vault.
 */
export interface FakeVault {
  server: LocalServer;
  url: string;
  /** A token that may do anything (for the janitor and for inspection). */
  rootToken: string;
  tokens: Map<string, { accessor: string; expiresAt: Date; revoked: boolean; leases: Set<string> }>;
  leases: Map<string, { token: string; issuedAt: Date; expiresAt: Date; revoked: boolean; username: string; password: string }>;
  down: boolean;
  /** Requests to these paths wait until `release()` (to cancel main while it is minting). */
  holdPaths: Set<string>;
  release(): void;
  /** Whether the database would accept these dynamic credentials now. */
  acceptsCredentials(username: string, password: string): boolean;
  tokenValid(token: string): boolean;
  expireToken(token: string): void;
  close(): Promise<void>;
}

export interface FakeVaultOptions {
  issuer: OidcIssuer;
  role: string;
  /** Bound claims of the JWT role, as Vault would check them. */
  boundClaims?: Record<string, string>;
  audience?: string;
  /** Serve HTTPS with this key and certificate. */
  tls?: { key: string; cert: string };
}

const DENIED = { errors: ['permission denied'] };

export async function startFakeVault(options: FakeVaultOptions): Promise<FakeVault> {
  const rootToken = `hvs.${randomBytes(18).toString('hex')}`;
  let releaseHeld: Array<() => void> = [];
  const fake = {
    rootToken,
    tokens: new Map(),
    leases: new Map(),
    down: false,
    holdPaths: new Set<string>(),
  } as unknown as FakeVault;

  const tokenOf = (request: RecordedRequest): string => String(request.headers['x-vault-token'] ?? '');
  const revokeLease = (id: string): void => {
    const lease = fake.leases.get(id);
    if (lease) lease.revoked = true;
  };

  const handle = async (request: RecordedRequest, response: ServerResponse): Promise<void> => {
    if (fake.down) return sendJson(response, 503, { errors: ['Vault is sealed'] });
    const url = new URL(request.path, 'http://localhost');
    const path = url.pathname;
    if (fake.holdPaths.has(path)) await new Promise<void>((resolve) => releaseHeld.push(resolve));
    const token = tokenOf(request);
    const authed = token === rootToken || fake.tokenValid(token);

    if (request.method === 'POST' && path === `/v1/auth/jwt/login`) {
      const body = (request.body ?? {}) as { role?: string; jwt?: string };
      if (body.role !== options.role) return sendJson(response, 400, { errors: [`role "${body.role}" could not be found`] });
      try {
        const claims = await options.issuer.verify(String(body.jwt), options.audience);
        for (const [claim, value] of Object.entries(options.boundClaims ?? {})) {
          if (claims[claim] !== value) return sendJson(response, 400, { errors: ['error validating claims: claim "' + claim + '" does not match any associated bound claim values'] });
        }
      } catch {
        return sendJson(response, 400, { errors: ['error validating token: invalid signature or claims'] });
      }
      const clientToken = `hvs.${randomBytes(18).toString('base64url')}`;
      const accessor = randomBytes(12).toString('base64url');
      fake.tokens.set(clientToken, { accessor, expiresAt: new Date(Date.now() + 900_000), revoked: false, leases: new Set() });
      return sendJson(response, 200, {
        auth: { client_token: clientToken, accessor, policies: ['ci'], lease_duration: 900, renewable: true },
      });
    }
    const creds = /^\/v1\/database\/creds\/([^/]+)$/.exec(path);
    if (request.method === 'GET' && creds) {
      if (!authed) return sendJson(response, 403, DENIED);
      const leaseId = `database/creds/${creds[1]}/${randomBytes(12).toString('base64url')}`;
      const username = `v-jwt-${creds[1]}-${randomBytes(10).toString('hex')}`;
      // The `short` role plays a misconfigured engine handing out a password too short to mask.
      const password = creds[1] === 'short' ? randomBytes(3).toString('hex').slice(0, 5) : randomBytes(18).toString('base64url');
      fake.leases.set(leaseId, { token, issuedAt: new Date(), expiresAt: new Date(Date.now() + 3_600_000), revoked: false, username, password });
      fake.tokens.get(token)?.leases.add(leaseId);
      return sendJson(response, 200, { lease_id: leaseId, lease_duration: 3600, renewable: true, data: { username, password } });
    }
    if (request.method === 'PUT' && path === '/v1/sys/leases/revoke') {
      if (!authed) return sendJson(response, 403, DENIED);
      const id = String((request.body as { lease_id?: string })?.lease_id ?? '');
      if (!fake.leases.has(id)) return sendJson(response, 400, { errors: ['invalid lease'] });
      revokeLease(id);
      return sendJson(response, 204);
    }
    if (request.method === 'PUT' && path === '/v1/sys/leases/lookup') {
      if (!authed) return sendJson(response, 403, DENIED);
      const id = String((request.body as { lease_id?: string })?.lease_id ?? '');
      const lease = fake.leases.get(id);
      if (!lease || lease.revoked || lease.expiresAt.getTime() < Date.now()) return sendJson(response, 400, { errors: ['invalid lease'] });
      return sendJson(response, 200, { data: { id, issue_time: lease.issuedAt.toISOString(), expire_time: lease.expiresAt.toISOString() } });
    }
    if (request.method === 'GET' && path.startsWith('/v1/sys/leases/lookup/') && url.searchParams.get('list') === 'true') {
      if (token !== rootToken) return sendJson(response, 403, DENIED);
      const prefix = path.slice('/v1/sys/leases/lookup/'.length);
      const keys = new Set<string>();
      for (const [id, lease] of fake.leases) {
        if (lease.revoked || !id.startsWith(prefix)) continue;
        const rest = id.slice(prefix.length);
        keys.add(rest.includes('/') ? `${rest.split('/')[0]}/` : rest);
      }
      if (keys.size === 0) return sendJson(response, 404, { errors: [] });
      return sendJson(response, 200, { data: { keys: [...keys] } });
    }
    if (request.method === 'POST' && path === '/v1/auth/token/revoke-self') {
      if (!fake.tokenValid(token)) return sendJson(response, 403, DENIED);
      const entry = fake.tokens.get(token);
      if (entry) {
        entry.revoked = true;
        for (const id of entry.leases) revokeLease(id);
      }
      return sendJson(response, 204);
    }
    if (request.method === 'GET' && path === '/v1/auth/token/lookup-self') {
      if (!authed) return sendJson(response, 403, DENIED);
      return sendJson(response, 200, { data: { accessor: fake.tokens.get(token)?.accessor ?? 'root' } });
    }
    return sendJson(response, 404, { errors: [] });
  };

  const server = await startLocalServer(handle, options.tls);
  Object.assign(fake, {
    server,
    url: server.url,
    release() {
      const waiting = releaseHeld;
      releaseHeld = [];
      for (const resolve of waiting) resolve();
    },
    tokenValid(token: string) {
      const entry = fake.tokens.get(token);
      return entry !== undefined && !entry.revoked && entry.expiresAt.getTime() > Date.now();
    },
    expireToken(token: string) {
      const entry = fake.tokens.get(token);
      if (!entry) return;
      entry.expiresAt = new Date(Date.now() - 1000);
      for (const id of entry.leases) revokeLease(id); // Vault revokes an expired token's leases
    },
    acceptsCredentials(username: string, password: string) {
      for (const lease of fake.leases.values()) {
        if (lease.username === username && lease.password === password) return !lease.revoked && lease.expiresAt.getTime() > Date.now();
      }
      return false;
    },
    close: async () => {
      fake.release();
      await server.close();
    },
  });
  return fake;
}
