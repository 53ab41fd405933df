import { describe, expect, it } from 'vitest';
import { eventRange, InputError, readSettings, type GetInput } from '../src/inputs.js';
import { chooseScope } from '../src/scope.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const ZERO = '0'.repeat(40);

describe('eventRange', () => {
  it('reads base and head from a pull request, and notices a fork', () => {
    const repo = { full_name: 'octo/demo' };
    const pr = (headRepo: string) => ({ pull_request: { number: 3, base: { sha: A, repo }, head: { sha: B, repo: { full_name: headRepo } } }, repository: repo });
    expect(eventRange('pull_request', pr('octo/demo'))).toEqual({ kind: 'pull-request', base: A, head: B, number: 3, fromFork: false });
    expect(eventRange('pull_request_target', pr('someone/demo'))).toMatchObject({ fromFork: true });
  });

  it('reads before and after from a push; a new branch has no before', () => {
    expect(eventRange('push', { before: A, after: B, repository: { default_branch: 'main' } })).toEqual({ kind: 'push', before: A, after: B, defaultBranch: 'main' });
    expect(eventRange('push', { before: ZERO, after: B })).toEqual({ kind: 'push', after: B });
    expect(eventRange('push', { before: A, after: ZERO })).toEqual({ kind: 'none' });
  });

  it('reads a merge group, and says nothing for other events or malformed payloads', () => {
    expect(eventRange('merge_group', { merge_group: { base_sha: A, head_sha: B } })).toMatchObject({ kind: 'pull-request', base: A, head: B });
    expect(eventRange('schedule', { schedule: '* * * * *' })).toEqual({ kind: 'none' });
    expect(eventRange('pull_request', { pull_request: { base: { sha: 'main' }, head: { sha: B } } })).toEqual({ kind: 'none' });
  });
});

describe('chooseScope', () => {
  const pr = { kind: 'pull-request', base: A, head: B, fromFork: false } as const;
  it('auto: pull requests and pushes scan their diff, schedule and manual runs the history, others the files', () => {
    expect(chooseScope('auto', 'pull_request', pr)).toMatchObject({ kind: 'diff', base: A, head: B, pullRequest: true });
    expect(chooseScope('auto', 'push', { kind: 'push', before: A, after: B })).toMatchObject({ kind: 'diff', base: A, head: B, pullRequest: false });
    expect(chooseScope('auto', 'push', { kind: 'push', after: B, defaultBranch: 'main' })).toMatchObject({ kind: 'new-branch', head: B, defaultBranch: 'main' });
    expect(chooseScope('auto', 'schedule', { kind: 'none' })).toMatchObject({ kind: 'history' });
    expect(chooseScope('auto', 'workflow_dispatch', { kind: 'none' })).toMatchObject({ kind: 'history' });
    expect(chooseScope('auto', 'release', { kind: 'none' })).toMatchObject({ kind: 'directory' });
  });

  it('an explicit mode wins; diff without commits is an input error', () => {
    expect(chooseScope('history', 'pull_request', pr)).toMatchObject({ kind: 'history' });
    expect(chooseScope('directory', 'push', { kind: 'push', before: A, after: B })).toMatchObject({ kind: 'directory' });
    expect(() => chooseScope('diff', 'schedule', { kind: 'none' })).toThrow(InputError);
  });
});

describe('readSettings', () => {
  const env = { GITHUB_WORKSPACE: '/work/repo', GITHUB_EVENT_NAME: 'schedule', GITHUB_SHA: A, GITHUB_REF: 'refs/heads/main', GITHUB_REPOSITORY: 'octo/demo', RUNNER_TEMP: '/tmp/runner' };
  const inputs = (values: Record<string, string>): GetInput => (name) => values[name] ?? '';

  it('defaults: auto, fail on new, upload on', () => {
    const s = readSettings(inputs({ token: 't' }), env);
    expect(s).toMatchObject({ mode: 'auto', failOn: 'new', uploadSarif: true, scanRoot: '/work/repo', token: 't' });
    expect(s.sarifFile.replace(/\\/g, '/')).toBe('/tmp/runner/keyward/results.sarif');
    expect(s.category).toBeUndefined();
  });

  it.each([
    [{ mode: 'everything' }, 'input "mode" must be one of auto, diff, history, directory, not "everything"'],
    [{ 'fail-on': 'sometimes' }, 'input "fail-on" must be one of any, new, none, not "sometimes"'],
    [{ 'upload-sarif': 'maybe' }, 'input "upload-sarif" must be true or false, not "maybe"'],
    [{ path: '../elsewhere' }, 'input "path" must be inside the workspace'],
    [{ category: 'two words' }, 'input "category" must not contain spaces'],
    [{ token: '' }, 'input "token" is empty'],
  ])('%j is refused with a clear message', (values, message) => {
    expect(() => readSettings(inputs({ token: 't', ...values }), env)).toThrow(message);
  });

  it('needs the commit and ref only when it uploads', () => {
    const bare = { ...env, GITHUB_SHA: '', GITHUB_REF: '' };
    expect(() => readSettings(inputs({ token: 't' }), bare)).toThrow(/GITHUB_SHA/);
    expect(readSettings(inputs({ 'upload-sarif': 'false' }), bare).uploadSarif).toBe(false);
  });
});
