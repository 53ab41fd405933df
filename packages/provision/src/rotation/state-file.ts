import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { RotationState, RotationStateStore } from './types.js';

/**
 * Rotation state in one JSON file, keyed by secret name: ids, times and the last failure, never a value, so
 * the file may be committed, cached between workflow runs or uploaded as an artifact. Written atomically.
 */
export class RotationStateFile implements RotationStateStore {
  constructor(readonly where: string) {}

  private read(): Record<string, RotationState> {
    if (!existsSync(this.where)) return {};
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(this.where, 'utf8'));
    } catch (error) {
      throw new Error(`rotation state ${this.where} is not valid JSON: ${(error as Error).message}`);
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error(`rotation state ${this.where} must be a JSON object keyed by secret name`);
    return parsed as Record<string, RotationState>;
  }

  async load(secret: string): Promise<RotationState | undefined> {
    return this.read()[secret];
  }

  async save(state: RotationState): Promise<void> {
    const all = this.read();
    all[state.secret] = state;
    const temp = `${this.where}.${process.pid}.tmp`;
    writeFileSync(temp, `${JSON.stringify(all, null, 2)}\n`, { mode: 0o600 });
    renameSync(temp, this.where);
  }
}
