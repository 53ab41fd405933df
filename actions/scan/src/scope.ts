// What one run scans, decided from the mode and the event alone (no git, no files): a pull request
// scans what it adds, a push what it pushed, schedule and manual runs the whole history.
import type { EventRange, Mode } from './inputs.js';
import { InputError } from './inputs.js';

export type ScanScope =
  | { kind: 'diff'; base: string; head: string; pullRequest: boolean; reason: string }
  /** A push that created a branch: compare with the default branch's merge base, else the whole history. */
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
