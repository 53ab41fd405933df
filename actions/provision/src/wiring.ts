import {
  type CredentialBackend,
  GitHubAppBackend,
  type LedgerEntry,
  PostgresBackend,
  type ProvisionRunner,
  VaultBackend,
  maskingForms,
} from '@keyward/provision';
import type { MainSettings, PostSettings } from './inputs.js';

/** The backend main mints with. */
export function mintingBackend(settings: MainSettings, idToken: () => Promise<string>): CredentialBackend {
  if (settings.postgres) {
    return new PostgresBackend({
      adminUrl: settings.postgres.adminUrl,
      templateRole: settings.postgres.templateRole,
      ttlMs: settings.ttlMs,
      runId: settings.job.runId,
      runAttempt: settings.job.runAttempt,
    });
  }
  if (settings.githubApp) return new GitHubAppBackend({ apiUrl: settings.apiUrl, ...settings.githubApp });
  if (settings.vault) return new VaultBackend({ ...settings.vault, getJwt: idToken });
  throw new Error(`no settings for backend ${settings.backend}`);
}

/** The backend post revokes an entry with: from the entry itself plus the secret inputs it cannot store. */
export function revokingBackend(entry: LedgerEntry, settings: PostSettings): CredentialBackend {
  switch (entry.backend) {
    case 'postgres':
      if (!settings.postgresAdminUrl) throw new Error('input "postgres-admin-url" is empty in the post step');
      return new PostgresBackend({ adminUrl: settings.postgresAdminUrl });
    case 'github-app':
      return new GitHubAppBackend({ apiUrl: entry.revocation.apiUrl ?? settings.apiUrl });
    case 'vault':
      return new VaultBackend({ addr: entry.revocation.addr ?? '', namespace: entry.revocation.namespace || undefined, ...(settings.vaultTls ? { tls: settings.vaultTls } : {}) });
  }
}

/**
 * Secret inputs are normally masked by the runner already (they come from `secrets.*`), but an input built
 * from other expressions may not be: mask them again, with derived forms where they are long enough.
 */
export function maskSecretInputs(settings: MainSettings, runner: ProvisionRunner): void {
  const secrets: string[] = [];
  if (settings.postgres) {
    const password = decodeURIComponent(new URL(settings.postgres.adminUrl).password);
    secrets.push(settings.postgres.adminUrl, password);
  }
  if (settings.githubApp) secrets.push(...settings.githubApp.privateKey.split(/\r?\n/));
  if (settings.vault?.token) secrets.push(settings.vault.token);
  for (const secret of secrets.map((s) => s.trim()).filter((s) => s !== '' && !/^-----/.test(s))) {
    for (const form of maskingForms(secret)) runner.setSecret(form); // shorter ones would garble the log
  }
}
