// Every input and every runner variable the action reads, read once into one typed settings object.
// A bad value fails here, before any scanning, with a message that names the input and what it takes.
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { quoteUserText } from '@keyward/engine';

export type Mode = 'auto' | 'diff' | 'history' | 'directory';
export type FailOn = 'any' | 'new' | 'none';

export const MODES: readonly Mode[] = ['auto', 'diff', 'history', 'directory'];
export const FAIL_ON: readonly FailOn[] = ['any', 'new', 'none'];

/** What the triggering event says about the commits to compare; `none` when it says nothing. */
export type EventRange =
  | { kind: 'pull-request'; base: string; head: string; number?: number; fromFork: boolean }
  | { kind: 'push'; before?: string; after: string; defaultBranch?: string }
  | { kind: 'none' };

export interface RunnerContext {
  eventName: string;
  range: EventRange;
  /** Commit the workflow runs on (for pull requests: the merge commit). */
  sha: string;
  /** Full ref, e.g. refs/heads/main or refs/pull/7/merge. */
  ref: string;
  /** owner/name */
  repository: string;
  apiUrl: string;
  serverUrl: string;
}

export interface ScanActionSettings {
  /** GITHUB_WORKSPACE, absolute. */
  workspace: string;
  /** The `path` input resolved against the workspace. */
  scanRoot: string;
  mode: Mode;
  configPath?: string;
  baselinePath?: string;
  /** The `fingerprint-key` input, else KEYWARD_FINGERPRINT_KEY: keyed fingerprints (docs/fingerprints.md). */
  fingerprintKey?: string;
  failOn: FailOn;
  uploadSarif: boolean;
  /** The `category` input; empty: chosen from what was scanned. */
  category?: string;
  token: string;
  /** Where the SARIF file is written (under RUNNER_TEMP). */
  sarifFile: string;
  context: RunnerContext;
}

export class InputError extends Error {
  override name = 'InputError';
}

export type GetInput = (name: string) => string;

/** The runner's convention: INPUT_ + the name upper-cased, spaces as underscores, dashes kept. */
export function envInput(env: NodeJS.ProcessEnv): GetInput {
  return (name) => (env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();
}

function oneOf<T extends string>(name: string, value: string, allowed: readonly T[], fallback: T): T {
  if (value === '') return fallback;
  const lower = value.toLowerCase() as T;
  if (!allowed.includes(lower)) throw new InputError(`input "${name}" must be one of ${allowed.join(', ')}, not "${quoteUserText(value)}"`);
  return lower;
}

function booleanInput(name: string, value: string, fallback: boolean): boolean {
  if (value === '') return fallback;
  if (/^(true|yes|on|1)$/i.test(value)) return true;
  if (/^(false|no|off|0)$/i.test(value)) return false;
  throw new InputError(`input "${name}" must be true or false, not "${quoteUserText(value)}"`);
}

const SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;
const ZERO_SHA = /^0+$/;

function sha(value: unknown): string | undefined {
  return typeof value === 'string' && SHA.test(value) && !ZERO_SHA.test(value) ? value : undefined;
}

function record(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
}

/** The commits an event names, from its payload (the file at GITHUB_EVENT_PATH). */
export function eventRange(eventName: string, payload: unknown): EventRange {
  const p = record(payload);
  if (eventName === 'pull_request' || eventName === 'pull_request_target') {
    const pr = record(p.pull_request);
    const base = sha(record(pr.base).sha);
    const head = sha(record(pr.head).sha);
    if (!base || !head) return { kind: 'none' };
    const headRepo = record(record(pr.head).repo).full_name;
    const baseRepo = record(p.repository).full_name ?? record(record(pr.base).repo).full_name;
    return {
      kind: 'pull-request',
      base,
      head,
      ...(typeof pr.number === 'number' ? { number: pr.number } : {}),
      fromFork: typeof headRepo === 'string' && typeof baseRepo === 'string' && headRepo !== baseRepo,
    };
  }
  if (eventName === 'merge_group') {
    const group = record(p.merge_group);
    const base = sha(group.base_sha);
    const head = sha(group.head_sha);
    return base && head ? { kind: 'pull-request', base, head, fromFork: false } : { kind: 'none' };
  }
  if (eventName === 'push') {
    const after = sha(p.after);
    if (!after) return { kind: 'none' };
    const before = sha(p.before);
    const defaultBranch = record(p.repository).default_branch;
    return {
      kind: 'push',
      after,
      ...(before ? { before } : {}),
      ...(typeof defaultBranch === 'string' && defaultBranch ? { defaultBranch } : {}),
    };
  }
  return { kind: 'none' };
}

function readEvent(file: string | undefined): unknown {
  if (!file) return {};
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new InputError(`cannot read the event payload GITHUB_EVENT_PATH=${file}: ${(error as Error).message}`);
  }
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name]?.trim();
  if (!value) throw new InputError(`${name} is not set: this action runs inside a GitHub Actions job`);
  return value;
}

export function readSettings(getInput: GetInput, env: NodeJS.ProcessEnv): ScanActionSettings {
  const workspace = path.resolve(required(env, 'GITHUB_WORKSPACE'));
  const scanRoot = path.resolve(workspace, getInput('path') || '.');
  const relativeRoot = path.relative(workspace, scanRoot);
  if (relativeRoot.startsWith('..') || path.isAbsolute(relativeRoot)) {
    throw new InputError(`input "path" must be inside the workspace (${workspace}), not "${quoteUserText(getInput('path'))}"`);
  }
  const mode = oneOf('mode', getInput('mode'), MODES, 'auto');
  const failOn = oneOf('fail-on', getInput('fail-on'), FAIL_ON, 'new');
  const uploadSarif = booleanInput('upload-sarif', getInput('upload-sarif'), true);
  const category = getInput('category');
  if (/\s/.test(category)) throw new InputError(`input "category" must not contain spaces, not "${quoteUserText(category)}"`);
  const token = getInput('token');
  if (uploadSarif && !token) throw new InputError('input "token" is empty: pass ${{ github.token }}, or set upload-sarif: false');
  const eventName = required(env, 'GITHUB_EVENT_NAME');
  const settings: ScanActionSettings = {
    workspace,
    scanRoot,
    mode,
    failOn,
    uploadSarif,
    token,
    sarifFile: path.join(env.RUNNER_TEMP?.trim() || tmpdir(), 'keyward', 'results.sarif'),
    context: {
      eventName,
      range: eventRange(eventName, readEvent(env.GITHUB_EVENT_PATH)),
      sha: env.GITHUB_SHA?.trim() ?? '',
      ref: env.GITHUB_REF?.trim() ?? '',
      repository: env.GITHUB_REPOSITORY?.trim() ?? '',
      apiUrl: env.GITHUB_API_URL?.trim() || 'https://api.github.com',
      serverUrl: env.GITHUB_SERVER_URL?.trim() || 'https://github.com',
    },
  };
  if (category) settings.category = category;
  const config = getInput('config');
  if (config) settings.configPath = path.resolve(workspace, config);
  const baseline = getInput('baseline');
  if (baseline) settings.baselinePath = path.resolve(workspace, baseline);
  const fingerprintKey = getInput('fingerprint-key') || env.KEYWARD_FINGERPRINT_KEY?.trim();
  if (fingerprintKey) settings.fingerprintKey = fingerprintKey;
  if (uploadSarif) {
    if (!SHA.test(settings.context.sha)) throw new InputError('GITHUB_SHA is not a commit id: upload-sarif needs it (or set upload-sarif: false)');
    if (!settings.context.ref.startsWith('refs/')) throw new InputError('GITHUB_REF is not a full ref: upload-sarif needs it (or set upload-sarif: false)');
    if (!/^[^/\s]+\/[^/\s]+$/.test(settings.context.repository)) {
      throw new InputError('GITHUB_REPOSITORY is not owner/name: upload-sarif needs it (or set upload-sarif: false)');
    }
  }
  return settings;
}
