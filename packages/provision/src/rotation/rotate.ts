import type { AuditTrail } from '../audit.js';
import { errorMessage } from '../retry.js';
import type { Clock } from '../runner.js';
import type { CreatedValue, RotationDestination, RotationSource, RotationState, RotationStateStore } from './types.js';

export interface RotationRequest {
  /** The stored secret's name (the GitHub secret name): the state key and the audit trail's credential id. */
  secret: string;
  source: RotationSource;
  destinations: RotationDestination[];
  /** How long the replaced value keeps working after the destinations hold the new one. */
  graceMs: number;
  /**
   * Wait out the grace period in this run and retire then (default). False: record the pending retirement and
   * leave it to the next run, which retires it first (so a grace-period job that never runs costs nothing).
   */
  waitForGrace: boolean;
  /** The new value's lifetime, for the state's expiresAt (the scheduled run rotates what is near it). */
  lifetimeMs: number;
  /** Emergency (a leak): retire a value still in its grace period now instead of refusing to rotate. */
  force?: boolean;
  /**
   * For the scheduled run: rotate only when the current value is due within this long (by the state's
   * expiresAt). A retirement left pending is still carried out. Ignored with `force`.
   */
  dueWithinMs?: number;
}

export interface RotationDeps {
  store: RotationStateStore;
  audit: AuditTrail;
  clock: Clock;
  log(line: string): void;
}

export interface RotationOutcome {
  current: string;
  /** Not due yet (dueWithinMs): nothing was created. */
  notDue?: boolean;
  retired?: string;
  /** Still to retire by a later run (waitForGrace false). */
  pendingRetire?: { id: string; after: string };
}

/** The old value stays valid; the message says which step failed and what state things are in. */
export class RotationFailedError extends Error {
  override name = 'RotationFailedError';
  constructor(readonly step: string, message: string) {
    super(message);
  }
}

/** How long a failed rotation extends the current value's due date, so the next (retrying) run is not late. */
const RETRY_EXTENSION_MS = 24 * 3_600_000;

/**
 * create new -> verify new -> write destinations -> grace period -> retire old -> verify old is dead. Every step
 * is audited (ids and destination names only). On failure the old value is untouched and stays valid, a new value
 * no destination holds is retired again, and the failure is recorded in the state for the next run to retry.
 */
export async function rotateSecret(request: RotationRequest, deps: RotationDeps): Promise<RotationOutcome> {
  const { source, secret } = request;
  const { audit, clock, store, log } = deps;
  const event = (operation: 'rotate' | 'mint' | 'verify' | 'write' | 'retire', result: 'ok' | 'failed' | 'already-gone' | 'skipped', credentialId: string, detail?: string): void =>
    void audit.append({ operation, backend: source.kind, credentialId, result, detail: detail ? `${secret}: ${detail}` : secret });

  const state: RotationState = (await store.load(secret)) ?? { secret, source: source.kind };
  if (state.source !== source.kind) throw new RotationFailedError('state', `the state of ${secret} in ${store.where} is for a ${state.source} source, not ${source.kind}`);

  const fail = async (step: string, message: string): Promise<never> => {
    const now = clock.now();
    state.lastFailure = { at: now.toISOString(), step, message };
    const due = state.expiresAt ? new Date(state.expiresAt).getTime() : 0;
    state.expiresAt = new Date(Math.max(due, now.getTime() + RETRY_EXTENSION_MS)).toISOString();
    await store.save(state);
    event('rotate', 'failed', state.current ?? '-', `${step}: ${message}`);
    throw new RotationFailedError(step, message);
  };

  // A retirement an earlier run left pending (its grace job never ran, or it ran with waitForGrace false).
  if (state.pendingRetire) {
    const { id, after } = state.pendingRetire;
    if (clock.now().getTime() < new Date(after).getTime() && !request.force) {
      return fail('grace', `the previous rotation's grace period for ${id} runs until ${after}; rotate after it, or with --now to retire it at once`);
    }
    await retireAndCheck(id, 'left pending by an earlier rotation');
    delete state.pendingRetire;
    await store.save(state);
  }

  if (request.dueWithinMs !== undefined && !request.force && state.current && state.expiresAt && !state.lastFailure) {
    const dueIn = new Date(state.expiresAt).getTime() - clock.now().getTime();
    if (dueIn > request.dueWithinMs) {
      event('rotate', 'skipped', state.current, `not due: expires ${state.expiresAt}`);
      return { current: state.current, notDue: true };
    }
  }

  event('rotate', 'ok', state.current ?? '-', `started; ${request.destinations.length} destination(s)`);
  const old = state.current;
  let created: CreatedValue;
  try {
    created = await source.create(old);
  } catch (error) {
    event('mint', 'failed', '-', errorMessage(error));
    return fail('create', `could not create a new value: ${errorMessage(error)}; ${keepsOld(old)}`);
  }
  event('mint', 'ok', created.id);
  log(`created ${created.id}`);

  try {
    await source.verify(created);
  } catch (error) {
    event('verify', 'failed', created.id, `new value: ${errorMessage(error)}`);
    await abandon(created.id);
    return fail('verify-new', `the new value ${created.id} does not work: ${errorMessage(error)}; it was retired again and ${keepsOld(old)}`);
  }
  event('verify', 'ok', created.id, 'new value works');

  const written: string[] = [];
  for (const destination of request.destinations) {
    try {
      await destination.write(created.value);
    } catch (error) {
      event('write', 'failed', created.id, `${destination.name}: ${errorMessage(error)}`);
      if (written.length === 0) {
        await abandon(created.id);
        return fail('write', `writing ${destination.name} failed: ${errorMessage(error)}; no destination holds the new value, which was retired again, and ${keepsOld(old)}`);
      }
      // Some readers may already use the new value: keep both valid; the next run rotates again.
      return fail('write', `writing ${destination.name} failed: ${errorMessage(error)}; ${written.join(', ')} already hold the new value ${created.id}, so it stays valid too, and ${keepsOld(old)}; the next run rotates again`);
    }
    written.push(destination.name);
    event('write', 'ok', created.id, destination.name);
    log(`wrote ${destination.name}`);
  }

  const now = clock.now();
  state.current = created.id;
  state.rotatedAt = now.toISOString();
  state.expiresAt = new Date(now.getTime() + request.lifetimeMs).toISOString();
  delete state.lastFailure;
  if (old !== undefined) state.pendingRetire = { id: old, after: new Date(now.getTime() + request.graceMs).toISOString() };
  await store.save(state);

  if (old === undefined || !state.pendingRetire) {
    event('rotate', 'ok', created.id, 'done; nothing to retire');
    return { current: created.id };
  }
  if (!request.waitForGrace) {
    event('rotate', 'ok', created.id, `done; ${old} retires after ${state.pendingRetire.after}`);
    return { current: created.id, pendingRetire: state.pendingRetire };
  }
  log(`grace period: ${old} stays valid until ${state.pendingRetire.after}`);
  await clock.sleep(Math.max(0, new Date(state.pendingRetire.after).getTime() - clock.now().getTime()));
  await retireAndCheck(old, 'grace period over');
  delete state.pendingRetire;
  await store.save(state);
  event('rotate', 'ok', created.id, `done; ${old} retired`);
  return { current: created.id, retired: old };

  async function retireAndCheck(id: string, why: string): Promise<void> {
    try {
      const outcome = await source.retire(id);
      event('retire', outcome === 'retired' ? 'ok' : 'already-gone', id, why);
      if (!(await source.verifyRetired(id))) throw new Error('it still works after retiring');
      event('verify', 'ok', id, 'old value is dead');
      log(`retired ${id}`);
    } catch (error) {
      event('retire', 'failed', id, errorMessage(error));
      await fail('retire', `could not retire ${id}: ${errorMessage(error)}; the state keeps it pending, and the next run retries`);
    }
  }

  async function abandon(id: string): Promise<void> {
    // Only a value nobody was given: the old one (which readers hold) is never touched on failure.
    if (id === old) return;
    try {
      const outcome = await source.retire(id);
      event('retire', outcome === 'retired' ? 'ok' : 'already-gone', id, 'abandoned new value');
    } catch (error) {
      event('retire', 'failed', id, `abandoned new value: ${errorMessage(error)}`);
    }
  }
}

const keepsOld = (old: string | undefined): string => (old ? `the old value ${old} stays valid` : 'there was no old value');
