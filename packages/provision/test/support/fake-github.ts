import { type KeyObject, randomBytes } from 'node:crypto';
import { jwtVerify } from 'jose';
import { type LocalServer, type RecordedRequest, sendJson, startLocalServer } from './http-server.js';

/**
 * The GitHub REST endpoints keyward uses, as documented: installation lookup, installation token create and
 * delete, a token-authenticated read (to prove a token works or is refused), and the run's jobs list.
 */
export interface FakeGitHub {
  server: LocalServer;
  url: string;
  installationId: number;
  tokens: Map<string, { expiresAt: Date; revoked: boolean; repositories?: string[]; permissions?: Record<string, string> }>;
  /** Payload of GET .../attempts/N/jobs; tests set failing steps here. */
  jobs: unknown[];
  /** When true every endpoint answers 503, as an outage would. */
  down: boolean;
  expire(token: string): void;
  /** Whether GitHub would accept this token now. */
  accepts(token: string): boolean;
  close(): Promise<void>;
}

export interface FakeGitHubOptions {
  appId: string;
  publicKey: KeyObject;
  owner: string;
  repositories: string[];
  installationId?: number;
}

export async function startFakeGitHub(options: FakeGitHubOptions): Promise<FakeGitHub> {
  const installationId = options.installationId ?? 4711;
  const fake = { installationId, tokens: new Map(), jobs: [], down: false } as unknown as FakeGitHub;

  const appJwtValid = async (request: RecordedRequest): Promise<boolean> => {
    const auth = String(request.headers.authorization ?? '');
    if (!auth.startsWith('Bearer ')) return false;
    try {
      const { payload } = await jwtVerify(auth.slice(7), options.publicKey, { issuer: options.appId, algorithms: ['RS256'] });
      // GitHub refuses app JWTs that live longer than 10 minutes.
      return typeof payload.exp === 'number' && typeof payload.iat === 'number' && payload.exp - payload.iat <= 600;
    } catch {
      return false;
    }
  };
  const bearerToken = (request: RecordedRequest): string => String(request.headers.authorization ?? '').replace(/^(Bearer|token) /, '');

  const server = await startLocalServer(async (request, response) => {
    if (fake.down) return sendJson(response, 503, { message: 'Service Unavailable' });
    const url = new URL(request.path, 'http://localhost');
    const path = url.pathname;
    let match = /^\/repos\/([^/]+)\/([^/]+)\/installation$/.exec(path);
    if (request.method === 'GET' && match) {
      if (!(await appJwtValid(request))) return sendJson(response, 401, { message: 'A JSON web token could not be decoded' });
      if (match[1] !== options.owner || !options.repositories.includes(match[2] as string)) return sendJson(response, 404, { message: 'Not Found' });
      return sendJson(response, 200, { id: installationId, app_id: Number(options.appId) });
    }
    match = /^\/app\/installations\/(\d+)\/access_tokens$/.exec(path);
    if (request.method === 'POST' && match) {
      if (!(await appJwtValid(request))) return sendJson(response, 401, { message: 'A JSON web token could not be decoded' });
      if (Number(match[1]) !== installationId) return sendJson(response, 404, { message: 'Not Found' });
      const body = (request.body ?? {}) as { repositories?: string[]; permissions?: Record<string, string> };
      if (body.repositories?.some((r) => !options.repositories.includes(r))) {
        return sendJson(response, 422, { message: 'There is at least one repository that does not exist or is not accessible' });
      }
      const token = `ghs_${randomBytes(27).toString('base64url').replace(/[-_]/g, 'x').slice(0, 36)}`;
      const expiresAt = new Date(Date.now() + 3_600_000);
      fake.tokens.set(token, { expiresAt, revoked: false, repositories: body.repositories, permissions: body.permissions });
      return sendJson(response, 201, {
        token,
        expires_at: expiresAt.toISOString().replace(/\.\d{3}Z$/, 'Z'),
        permissions: body.permissions ?? { metadata: 'read' },
        repository_selection: body.repositories ? 'selected' : 'all',
      });
    }
    if (request.method === 'DELETE' && path === '/installation/token') {
      const token = bearerToken(request);
      if (!fake.accepts(token)) return sendJson(response, 401, { message: 'Bad credentials' });
      (fake.tokens.get(token) as { revoked: boolean }).revoked = true;
      return sendJson(response, 204);
    }
    if (request.method === 'GET' && path === '/installation/repositories') {
      if (!fake.accepts(bearerToken(request))) return sendJson(response, 401, { message: 'Bad credentials' });
      return sendJson(response, 200, { total_count: options.repositories.length, repositories: [] });
    }
    if (request.method === 'GET' && /^\/repos\/[^/]+\/[^/]+\/actions\/runs\/\d+\/attempts\/\d+\/jobs$/.test(path)) {
      return sendJson(response, 200, { total_count: fake.jobs.length, jobs: fake.jobs });
    }
    return sendJson(response, 404, { message: 'Not Found' });
  });

  Object.assign(fake, {
    server,
    url: server.url,
    expire(token: string) {
      const entry = fake.tokens.get(token);
      if (entry) entry.expiresAt = new Date(Date.now() - 1000);
    },
    accepts(token: string) {
      const entry = fake.tokens.get(token);
      return entry !== undefined && !entry.revoked && entry.expiresAt.getTime() > Date.now();
    },
    close: () => server.close(),
  });
  return fake;
}
