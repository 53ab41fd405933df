// Local HTTPS stand-ins for the providers' read-only identity endpoints, written from each provider's API
// documentation (the URLs are in the rules' `verify.docs`): how the credential is presented and what the
// endpoint answers for a good one and for a revoked one. One HTTPS server on loopback serves them all,
// told apart by the host the client meant (the test's fetch routes every host here).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:https';
import type { AddressInfo } from 'node:net';
import { Agent, fetch as undiciFetch } from 'undici';
import type { FetchLike } from '../../packages/engine/src/index.js';
import { selfSignedCertificate } from '../../packages/provision/test/support/tls.js';

type Presented = (req: IncomingMessage, url: URL) => string | undefined;

const bearer: Presented = (req) => /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
const tokenScheme: Presented = (req) => /^token (.+)$/.exec(req.headers.authorization ?? '')?.[1];
const basicUser: Presented = (req) => {
  const m = /^Basic (.+)$/.exec(req.headers.authorization ?? '');
  return m ? Buffer.from(m[1]!, 'base64').toString().split(':')[0] : undefined;
};
const header = (name: string): Presented => (req) => req.headers[name] as string | undefined;

interface Endpoint {
  host: string;
  method: string;
  path: string;
  presented: Presented;
  ok: (token: string) => unknown;
  /** Status for an unknown or revoked credential, as documented. */
  rejected: number;
  rejectedBody?: unknown;
}

export const ENDPOINTS: Endpoint[] = [
  { host: 'api.stripe.com', method: 'GET', path: '/v1/account', presented: basicUser, ok: () => ({ id: 'acct_1Test', email: 'ops@example.test' }), rejected: 401 },
  { host: 'api.sendgrid.com', method: 'GET', path: '/v3/scopes', presented: bearer, ok: () => ({ scopes: ['mail.send'] }), rejected: 401 },
  { host: 'api.postmarkapp.com', method: 'GET', path: '/server', presented: header('x-postmark-server-token'), ok: () => ({ ID: 1, Name: 'Staging' }), rejected: 401 },
  { host: 'api.pulumi.com', method: 'GET', path: '/api/user', presented: tokenScheme, ok: () => ({ githubLogin: 'octo', name: 'Octo' }), rejected: 401 },
  { host: 'api.replicate.com', method: 'GET', path: '/v1/account', presented: bearer, ok: () => ({ type: 'user', username: 'octo' }), rejected: 401 },
  { host: 'api.render.com', method: 'GET', path: '/v1/owners', presented: bearer, ok: () => [{ owner: { id: 'own-1' } }], rejected: 401 },
  {
    host: 'api.telegram.org',
    method: 'GET',
    path: '/bot*/getMe',
    presented: (_req, url) => decodeURIComponent(/^\/bot([^/]+)\/getMe$/.exec(url.pathname)?.[1] ?? ''),
    ok: () => ({ ok: true, result: { id: 1, is_bot: true, username: 'test_bot' } }),
    rejected: 401,
    rejectedBody: { ok: false, error_code: 401, description: 'Unauthorized' },
  },
  { host: 'api.vercel.com', method: 'GET', path: '/v2/user', presented: bearer, ok: () => ({ user: { username: 'octo' } }), rejected: 403, rejectedBody: { error: { code: 'forbidden', invalidToken: true } } },
  { host: 'app.terraform.io', method: 'GET', path: '/api/v2/account/details', presented: bearer, ok: () => ({ data: { attributes: { username: 'octo' } } }), rejected: 401 },
  { host: 'api.together.xyz', method: 'GET', path: '/v1/models', presented: bearer, ok: () => [], rejected: 401 },
  { host: 'api.x.ai', method: 'GET', path: '/v1/api-key', presented: bearer, ok: () => ({ name: 'ci key' }), rejected: 401 },
  { host: 'openrouter.ai', method: 'GET', path: '/api/v1/key', presented: bearer, ok: () => ({ data: { label: 'sk-or-v1-abc...' } }), rejected: 401 },
  { host: 'connect.squareup.com', method: 'GET', path: '/v2/merchants/me', presented: bearer, ok: () => ({ merchant: { business_name: 'Cafe' } }), rejected: 401 },
  { host: 'api.snyk.io', method: 'GET', path: '/rest/self', presented: tokenScheme, ok: () => ({ data: { attributes: { username: 'octo' } } }), rejected: 401 },
  { host: 'api.travis-ci.com', method: 'GET', path: '/user', presented: tokenScheme, ok: () => ({ login: 'octo' }), rejected: 403 },
  { host: 'api.typeform.com', method: 'GET', path: '/me', presented: bearer, ok: () => ({ alias: 'octo' }), rejected: 403 },
  { host: 'api.supabase.com', method: 'GET', path: '/v1/projects', presented: bearer, ok: () => [], rejected: 401 },
  { host: 'api.pinecone.io', method: 'GET', path: '/indexes', presented: header('api-key'), ok: () => ({ indexes: [] }), rejected: 401 },
  { host: 'api.getpostman.com', method: 'GET', path: '/me', presented: header('x-api-key'), ok: () => ({ user: { username: 'octo' } }), rejected: 401 },
  { host: 'api.prefect.cloud', method: 'GET', path: '/api/me/', presented: bearer, ok: () => ({ handle: 'octo' }), rejected: 401 },
  { host: 'rubygems.org', method: 'GET', path: '/api/v1/gems.json', presented: header('authorization'), ok: () => [], rejected: 401 },
];

export interface StandIn {
  fetch: FetchLike;
  /** Credentials the stand-ins accept. */
  live: Set<string>;
  /** Every request, by the host the client meant. */
  requests: Array<{ host: string; method: string; path: string }>;
  /** Per host: answer 429, wait past any timeout, or redirect elsewhere instead. */
  behaviour: Map<string, 'rate-limited' | 'slow' | 'redirect'>;
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body ?? {}));
}

export async function startStandIns(): Promise<StandIn> {
  const tls = selfSignedCertificate();
  const live = new Set<string>();
  const requests: StandIn['requests'] = [];
  const behaviour: StandIn['behaviour'] = new Map();
  const server = createServer(tls, (req, res) => {
    const host = String(req.headers['x-test-host'] ?? '');
    const url = new URL(req.url ?? '/', `https://${host}`);
    requests.push({ host, method: req.method ?? '', path: url.pathname });
    const mode = behaviour.get(host);
    if (mode === 'rate-limited') return send(res, 429, { message: 'slow down' });
    if (mode === 'redirect') {
      res.writeHead(302, { location: 'https://collector.invalid/steal' });
      return res.end();
    }
    if (mode === 'slow') return void setTimeout(() => send(res, 200, {}), 3_000);
    const endpoint = ENDPOINTS.find(
      (e) => e.host === host && e.method === req.method && (e.path.includes('*') ? new RegExp(`^${e.path.replace('*', '[^/]+')}$`).test(url.pathname) : e.path === url.pathname),
    );
    if (!endpoint) return send(res, 404, { message: 'no such endpoint in the stand-in' });
    const token = endpoint.presented(req, url);
    if (token && live.has(token)) return send(res, 200, endpoint.ok(token));
    return send(res, endpoint.rejected, endpoint.rejectedBody ?? { message: 'invalid credentials' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const agent = new Agent({ connect: { ca: tls.cert } });
  const fetch: FetchLike = async (target, init) => {
    const url = new URL(target);
    const routed = `https://127.0.0.1:${port}${url.pathname}${url.search}`;
    return undiciFetch(routed, { ...init, headers: { ...init.headers, 'x-test-host': url.host }, dispatcher: agent });
  };
  return {
    fetch,
    live,
    requests,
    behaviour,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await agent.close();
    },
  };
}
