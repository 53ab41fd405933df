/** A freshly created value. `id` names it without revealing it (a role name, a version); `value` is the secret. */
export interface CreatedValue {
  id: string;
  value: string;
}

/**
 * Where a rotated secret's new value comes from, and how an old one is ended. Every method gets ids only
 * (never an old value): rotation state keeps metadata, so a later run can retire what an earlier one replaced.
 */
export interface RotationSource {
  /** `postgres-two-role`, `generated`: recorded in the state and the audit trail. */
  readonly kind: string;
  /** Makes a new value that works alongside the current one (`currentId`, if any). */
  create(currentId: string | undefined): Promise<CreatedValue>;
  /** Throws, saying why, when the new value does not work. */
  verify(created: CreatedValue): Promise<void>;
  /** Ends the value `id` names; idempotent. 'nothing-to-retire' when the source has nothing to end (a generated value). */
  retire(id: string): Promise<'retired' | 'nothing-to-retire'>;
  /** True when the value `id` names can no longer be used. */
  verifyRetired(id: string): Promise<boolean>;
}

/** Where a rotated value is written. `name` is non-secret (`github:OWNER/REPO actions secret DB_URL`). */
export interface RotationDestination {
  readonly name: string;
  write(value: string): Promise<void>;
}

/** What is remembered between runs about one rotated secret: metadata only, never a value. */
export interface RotationState {
  secret: string;
  source: string;
  /** Id of the value the destinations hold now. */
  current?: string;
  rotatedAt?: string;
  /** When the current value is due for rotation (from the policy's lifetime). */
  expiresAt?: string;
  /** The value replaced by the last rotation, still valid until `after` (its grace period). */
  pendingRetire?: { id: string; after: string };
  lastFailure?: { at: string; step: string; message: string };
}

export interface RotationStateStore {
  readonly where: string;
  load(secret: string): Promise<RotationState | undefined>;
  save(state: RotationState): Promise<void>;
}
