// What one run scans, decided from the mode and the event alone (no git, no files): a pull request
// scans what it adds, a push what it pushed, schedule and manual runs the whole history. The action
// then asks git (run.ts, new-branch.ts) and turns a ScanScope into a ResolvedScope.
import type { EventRange, Mode } from './inputs.js';
import { InputError } from './inputs.js';

export type ScanScope =
  | { kind: 'diff'; base: string; head: string; pullRequest: boolean; reason: string }
  /** A push that created a branch: the commits no other branch has (new-branch.ts). */
  | { kind: 'new-branch'; head: string; defaultBranch?: string; reason: string }
  | { kind: 'history'; reason: string }
  | { kind: 'directory'; reason: string };

const FULL_HISTORY_EVENTS = new Set(['schedule', 'workflow_dispatch']);

function fromRange(range: EventRange, eventName: string): ScanScope | undefined {
  if (range.kind === 'pull-request') {
    return { kind: 'diff', base: range.base, head: range.head, pullRequest: true, reason: `${eventName}: the commits the pull request adds` };
  }
  if (range.kind === 'push') {
    if (range.before) return { kind: 'diff', base: range.before, head: range.after, pullRequest: false, reason: 'push: the pushed commits' };
    return {
      kind: 'new-branch',
      head: range.after,
      ...(range.defaultBranch ? { defaultBranch: range.defaultBranch } : {}),
      reason: 'push of a new branch: its commits',
    };
  }
  return undefined;
}

export function chooseScope(mode: Mode, eventName: string, range: EventRange): ScanScope {
  switch (mode) {
    case 'directory':
      return { kind: 'directory', reason: 'mode directory: the checked-out files' };
    case 'history':
      return { kind: 'history', reason: 'mode history: every commit' };
    case 'diff': {
      const scope = fromRange(range, eventName);
      if (!scope) {
        throw new InputError(`mode diff needs a pull_request, merge_group or push event with commit ids; this run is a ${eventName} event`);
      }
      return scope;
    }
    case 'auto': {
      const scope = fromRange(range, eventName);
      if (scope) return scope;
      if (FULL_HISTORY_EVENTS.has(eventName)) return { kind: 'history', reason: `${eventName}: every commit` };
      return { kind: 'directory', reason: `${eventName}: the checked-out files` };
    }
  }
}

/** What to scan once git has had its say (merge base found, missing commits fetched, fallbacks taken). */
export type ResolvedScope =
  | { kind: 'diff'; base: string; head: string; pullRequest: boolean; label: string }
  /** The commits `git log REVISIONS` walks (e.g. a new branch's own commits), each new blob once. */
  | { kind: 'commits'; revisions: string[]; label: string }
  | { kind: 'history'; label: string }
  | { kind: 'directory'; label: string };
