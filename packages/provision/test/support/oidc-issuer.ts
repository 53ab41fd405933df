import { randomBytes } from 'node:crypto';
import { type JWTPayload, SignJWT, exportJWK, generateKeyPair, jwtVerify } from 'jose';
import { type LocalServer, sendJson, startLocalServer } from './http-server.js';

/**
 * A local stand-in for GitHub's OIDC token service: serves ACTIONS_ID_TOKEN_REQUEST_URL (as @actions/core calls
 * it) and the issuer's discovery document and JWKS, signing RS256 tokens with a key made at start-up.
 */
export interface OidcIssuer {
  server: LocalServer;
  issuer: string;
  /** What to put in ACTIONS_ID_TOKEN_REQUEST_URL / _TOKEN. */
  requestUrl: string;
  requestToken: string;
  /** Claims of the next tokens issued; tests change them to play other environments and refs. */
  claims: Record<string, unknown>;
  verify(token: string, audience?: string): Promise<JWTPayload>;
  close(): Promise<void>;
}

export const defaultClaims = (): Record<string, unknown> => ({
  repository: 'acme/widgets',
  repository_owner: 'acme',
  ref: 'refs/heads/main',
  ref_protected: 'true',
  ref_type: 'branch',
  event_name: 'push',
  environment: 'production',
  actor: 'octocat',
  run_id: '4242',
  run_attempt: '1',
  job_workflow_ref: 'acme/widgets/.github/workflows/ci.yml@refs/heads/main',
});

export async function startOidcIssuer(claims = defaultClaims()): Promise<OidcIssuer> {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };
  const requestToken = randomBytes(24).toString('hex');
  const state = { issuer: '' };
  const issuerObject = {} as OidcIssuer;
  const server = await startLocalServer(async (request, response) => {
    const url = new URL(request.path, 'http://localhost');
    if (url.pathname === '/.well-known/openid-configuration') {
      return sendJson(response, 200, { issuer: state.issuer, jwks_uri: `${state.issuer}/.well-known/jwks` });
    }
    if (url.pathname === '/.well-known/jwks') return sendJson(response, 200, { keys: [jwk] });
    if (url.pathname === '/token') {
      if (request.headers.authorization !== `Bearer ${requestToken}`) return sendJson(response, 401, { message: 'bad request token' });
      const c = issuerObject.claims;
      const now = Math.floor(Date.now() / 1000);
      const token = await new SignJWT({ ...c })
        .setProtectedHeader({ alg: 'RS256', kid: 'test-key' })
        .setIssuer(state.issuer)
        .setSubject(`repo:${String(c.repository)}:${c.environment ? `environment:${String(c.environment)}` : `ref:${String(c.ref)}`}`)
        .setAudience(url.searchParams.get('audience') || `https://github.com/${String(c.repository_owner)}`)
        .setIssuedAt(now)
        .setNotBefore(now - 5)
        .setExpirationTime(now + 300)
        .sign(privateKey);
      return sendJson(response, 200, { value: token });
    }
    return sendJson(response, 404, { message: 'not found' });
  });
  state.issuer = server.url;
  Object.assign(issuerObject, {
    server,
    issuer: server.url,
    requestUrl: `${server.url}/token?api-version=2.0`,
    requestToken,
    claims,
    verify: async (token: string, audience?: string) =>
      (await jwtVerify(token, publicKey, { issuer: state.issuer, ...(audience ? { audience } : {}) })).payload,
    close: () => server.close(),
  });
  return issuerObject;
}
