export type { ProvisionRunner, JobContext, Clock } from './runner.js';
export { systemClock } from './runner.js';
export { parseDuration, formatDuration } from './duration.js';
export { MIN_MASKABLE_LENGTH, MaskingRefusedError, maskingForms, registerMasks } from './masking.js';
export { StateKey } from './state-keys.js';
export { RevocationLedger, type BackendName, type LedgerEntry, type NewLedgerEntry, type EntryStatus } from './ledger.js';
export { PermanentError, withRetries, errorMessage, type RetryOptions } from './retry.js';
export {
  AuditTrail,
  AuditLockError,
  GENESIS,
  hashLine,
  verifyAuditText,
  verifyAuditTrail,
  type AuditEvent,
  type AuditRecord,
  type AuditVerification,
  type AuditProblem,
} from './audit.js';
export type { CredentialBackend, CredentialField, MintContext, RevokeOutcome } from './backends/backend.js';
export { PostgresBackend, ciRoleName, CI_ROLE_PATTERN, type PostgresBackendConfig } from './backends/postgres.js';
export { scramSha256Verifier } from './backends/scram.js';
export { POSTGRES_SWEEPER_SQL } from './postgres-sweeper.js';
export { GitHubAppBackend, tokenId, type GitHubAppBackendConfig } from './backends/github-app.js';
export { VaultBackend, parseVaultSecrets, vaultFetch, type VaultBackendConfig, type VaultSecretRequest, type VaultTls } from './backends/vault.js';
export {
  parsePolicy,
  evaluatePolicy,
  claimsFromIdToken,
  globMatch,
  PolicyDeniedError,
  type Policy,
  type PolicyRule,
  type JobClaims,
  type PolicyDecision,
} from './policy.js';
export { exportFields, loadExportRecord, assertExportName, CREDENTIALS_FILE_VARIABLE, type ExportMode, type ExportRecord } from './export.js';
export { revokeAll, POST_RETRY, CANCEL_RETRY, type RetryPolicy, type RevokeDeps, type RevokeReport } from './revocation.js';
export { provision, oidcTokenSource, CancelledError, type ProvisionRequest, type ProvisionDeps, type ProvisionResult } from './provision.js';
export { postStep, type PostDeps, type PostReport } from './post.js';
export { renderSummary } from './summary.js';
export { jobHasFailed, type JobOutcomeQuery } from './job-outcome.js';
export { runJanitor, DEFAULT_LEASE_MIN_AGE_MS, type JanitorOptions, type JanitorDeps, type JanitorResult } from './janitor.js';
export { provisionCommands, type ProvisionCommand, type CommandIo } from './cli-commands.js';
export { generatePassword } from './random.js';
export { StreamRedactor, REDACTED } from './stream-redactor.js';
export { runLocal, type LocalRunRequest, type LocalRunDeps } from './local-run.js';
export { parseProductionMarks, refuseProductionOutsideCi, isCi, ProductionRefusedError, type ProductionMark } from './local-policy.js';
export type { CreatedValue, RotationSource, RotationDestination, RotationState, RotationStateStore } from './rotation/types.js';
export { RotationStateFile } from './rotation/state-file.js';
export { GeneratedSource, type GeneratedSourceConfig } from './rotation/generated-source.js';
export { PostgresTwoRoleSource, type PostgresTwoRoleConfig } from './rotation/postgres-two-role.js';
export { GitHubSecretDestination, type GitHubSecretConfig, type GitHubSecretScope, type GitHubSecretsApp } from './rotation/github-secrets.js';
export { rotateSecret, RotationFailedError, type RotationRequest, type RotationDeps, type RotationOutcome } from './rotation/rotate.js';
export { VaultKvDestination, VaultKvSource, type VaultKvDestinationConfig, type VaultKvSourceConfig } from './rotation/vault-kv.js';
