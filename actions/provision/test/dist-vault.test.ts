import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type LedgerEntry, runJanitor, verifyAuditTrail } from '../../../packages/provision/src/index.js';
import { type FakeVault, startFakeVault } from '../../../packages/provision/test/support/fake-vault.js';
import { type OidcIssuer, startOidcIssuer } from '../../../packages/provision/test/support/oidc-issuer.js';
import { revealsSecret } from '../../../packages/provision/test/support/runner-masker.js';
import { selfSignedCertificate } from '../../../packages/provision/test/support/tls.js';
import { ActionJob, oidcEnv } from './support/action-run.js';

let vault: FakeVault;
let issuer: OidcIssuer;
beforeAll(async () => {
  issuer = await startOidcIssuer();
  vault = await startFakeVault({ issuer, role: 'ci', audience: 'vault', boundClaims: { repository: 'acme/widgets', environment: 'production' } });
});
afterAll(async () => {
  await vault?.close();
  await issuer?.close();
});

const inputs = (extra: Record<string, string> = {}): Record<string, string> => ({
  backend: 'vault',
  'vault-addr': vault.url,
  'vault-role': 'ci',
  'oidc-audience': 'vault',
  'vault-secrets': 'database/creds/readonly username | DB_USER ; database/creds/readonly password | DB_PASSWORD',
  ...extra,
});
const newJob = (): ActionJob => new ActionJob(oidcEnv(issuer));
const callsSince = (start: number): string[] => vault.server.requests.slice(start).map((r) => `${r.method} ${r.path}`);

describe('bundled action, vault backend', () => {
  test('JWT login with the job OIDC token, one read per path; post revokes the lease, then the token', async () => {
    const start = vault.server.requests.length;
    const job = newJob();
    const main = await job.main(inputs());
    expect(main.code, main.stdout + main.stderr).toBe(0);
    expect(callsSince(start)).toEqual(['POST /v1/auth/jwt/login', 'GET /v1/database/creds/readonly']);
    const login = vault.server.requests[start]!;
    expect((login.body as { role: string }).role).toBe('ci');
    const claims = await issuer.verify((login.body as { jwt: string }).jwt, 'vault');
    expect(claims).toMatchObject({ repository: 'acme/widgets', environment: 'production' });
    const token = String(vault.server.requests[start + 1]!.headers['x-vault-token']);
    const user = main.env.get('DB_USER')!;
    const password = main.env.get('DB_PASSWORD')!;
    expect(vault.acceptsCredentials(user, password)).toBe(true);

    const ledger = JSON.parse(job.state().get('keyward_ledger')!) as LedgerEntry[];
    expect(ledger.map((e) => e.kind)).toEqual(['vault-token', 'lease']);
    expect(ledger[1]!.id).toMatch(/^database\/creds\/readonly\//);

    const postStart = vault.server.requests.length;
    const post = await job.post(inputs());
    expect(post.code).toBe(0);
    expect(callsSince(postStart)).toEqual([
      'PUT /v1/sys/leases/revoke',
      'PUT /v1/sys/leases/lookup',
      'POST /v1/auth/token/revoke-self',
      'GET /v1/auth/token/lookup-self',
    ]);
    expect(vault.server.requests[postStart]!.body).toEqual({ lease_id: ledger[1]!.id });
    expect(vault.acceptsCredentials(user, password)).toBe(false);
    expect(vault.tokenValid(token)).toBe(false);
    expect(post.env.get('DB_PASSWORD')).toBe('');
    expect(verifyAuditTrail(job.auditPath).ok).toBe(true);
    // (the username is masked too, but shares words like "readonly" with ids, so only the secrets are probed)
    for (const secret of [password, token]) expect(revealsSecret(job.published(), secret)).toBeUndefined();
  });

  test('SIGTERM while minting: what was minted is revoked before main exits, and post finds nothing left', async () => {
    vault.holdPaths.add('/v1/database/creds/second');
    try {
      const job = newJob();
      const start = vault.server.requests.length;
      const main = await job.main(
        inputs({ 'vault-secrets': 'database/creds/readonly password | FIRST ; database/creds/second password | SECOND' }),
        (child) => {
          const poll = setInterval(() => {
            if (vault.server.requests.slice(start).some((r) => r.path === '/v1/database/creds/second')) {
              clearInterval(poll);
              child.kill('SIGTERM');
            }
          }, 20);
        },
      );
      expect(main.code).toBe(1);
      expect(main.log).toMatch(/::warning::SIGTERM received: revoking what was minted/);
      const ledger = JSON.parse(job.state().get('keyward_ledger')!) as LedgerEntry[];
      expect(ledger.map((e) => [e.kind, e.status])).toEqual([['vault-token', 'revoked'], ['lease', 'revoked']]);
      expect(vault.leases.get(ledger[1]!.id)?.revoked).toBe(true);
      expect(vault.tokenValid(ledger[0]!.revocation.token!)).toBe(false);
      expect(main.env.size).toBe(0);
      const post = await job.post(inputs());
      expect(post.code).toBe(0);
      expect(post.log).not.toContain('::warning::');
    } finally {
      vault.holdPaths.clear();
      vault.release();
    }
  });

  test('an expired token at post time: its leases died with it, no warning', async () => {
    const job = newJob();
    const main = await job.main(inputs());
    expect(main.code).toBe(0);
    const [tokenEntry] = JSON.parse(job.state().get('keyward_ledger')!) as LedgerEntry[];
    vault.expireToken(tokenEntry!.revocation.token!);
    const post = await job.post(inputs());
    expect(post.code).toBe(0);
    expect(post.log).not.toContain('::warning::');
    expect(post.summary.match(/yes \(already gone\)/g)).toHaveLength(2);
  });

  test('Vault refusing the job claims fails main with the server reason and mints nothing', async () => {
    issuer.claims.environment = 'staging';
    try {
      const before = vault.leases.size;
      const main = await newJob().main(inputs());
      expect(main.code).toBe(1);
      expect(main.log).toMatch(/::error::POST \/v1\/auth\/jwt\/login answered 400: .*bound claim/);
      expect(vault.leases.size).toBe(before);
    } finally {
      issuer.claims.environment = 'production';
    }
  });

  test('a value too short to mask is refused with a clear error, and what was minted is revoked', async () => {
    const job = newJob();
    const main = await job.main(inputs({ 'vault-secrets': 'database/creds/short password | P' }));
    expect(main.code).toBe(1);
    expect(main.log).toMatch(/::error::vault password is 5 characters long; values shorter than 8 cannot be masked/);
    const ledger = JSON.parse(job.state().get('keyward_ledger')!) as LedgerEntry[];
    expect(ledger.map((e) => e.status)).toEqual(['revoked', 'revoked']);
    expect(vault.leases.get(ledger[1]!.id)?.revoked).toBe(true);
    expect(main.env.size).toBe(0);
  });

  test('janitor revokes leases under a prefix older than the minimum age', async () => {
    const job = newJob();
    await job.main(inputs());
    const [, lease] = JSON.parse(job.state().get('keyward_ledger')!) as LedgerEntry[];
    const young = await runJanitor({ backend: 'vault', addr: vault.url, token: vault.rootToken, prefix: 'database/creds/', minAgeMs: 3_600_000 });
    expect(young.found).toEqual([]);
    const old = await runJanitor({ backend: 'vault', addr: vault.url, token: vault.rootToken, prefix: 'database/creds/', minAgeMs: 0 });
    expect(old.removed).toContain(lease!.id);
    expect(vault.leases.get(lease!.id)?.revoked).toBe(true);
  });
});

describe('bundled action, vault backend behind a private CA', () => {
  let tlsVault: FakeVault;
  let ca: string;
  beforeAll(async () => {
    const tls = selfSignedCertificate();
    ca = tls.cert;
    tlsVault = await startFakeVault({ issuer, role: 'ci', audience: 'vault', tls });
  });
  afterAll(() => tlsVault?.close());

  const tlsInputs = (extra: Record<string, string>) => inputs({ 'vault-addr': tlsVault.url, ...extra });

  test('vault-ca-certificate (PEM or base64 of it) trusts the CA for main and post; without it TLS fails', async () => {
    expect(tlsVault.url).toMatch(/^https:/);
    const refused = await newJob().main(tlsInputs({}));
    expect(refused.code).toBe(1);
    expect(tlsVault.server.requests).toHaveLength(0);
    for (const given of [ca, Buffer.from(ca).toString('base64')]) {
      const job = newJob();
      const main = await job.main(tlsInputs({ 'vault-ca-certificate': given }));
      expect(main.code, main.stdout + main.stderr).toBe(0);
      const user = main.env.get('DB_USER')!;
      const password = main.env.get('DB_PASSWORD')!;
      expect(tlsVault.acceptsCredentials(user, password)).toBe(true);
      const post = await job.post(tlsInputs({ 'vault-ca-certificate': given }));
      expect(post.code).toBe(0);
      expect(tlsVault.acceptsCredentials(user, password)).toBe(false);
    }
  });

  test('vault-tls-skip-verify: true works without the CA, and warns', async () => {
    const job = newJob();
    const main = await job.main(tlsInputs({ 'vault-tls-skip-verify': 'true' }));
    expect(main.code, main.stdout + main.stderr).toBe(0);
    expect(main.stdout).toContain('::warning::vault-tls-skip-verify is true');
    expect((await job.post(tlsInputs({ 'vault-tls-skip-verify': 'true' }))).code).toBe(0);
    const bad = await newJob().main(tlsInputs({ 'vault-tls-skip-verify': 'maybe' }));
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('vault-tls-skip-verify');
  });
});
