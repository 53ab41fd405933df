// The scan action as the runner runs it: the committed bundle, copied where no node_modules can be
// reached, started with INPUT_* variables and real-shaped event payloads against a real git repository,
// uploading to a local stand-in for GitHub's code-scanning endpoint.
import { createHmac, randomUUID } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SeededRandom, validators } from '@keyward/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCodeScanningServer, type CodeScanningServer } from '../../../test/support/code-scanning-server.js';
import { TempRepo } from '../../../test/support/git-repo.js';
import { runAction, type ActionRun } from '../../../test/support/run-action.js';
import { validateSarif } from '../../../test/support/sarif-schema.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const bundleDir = path.resolve(here, '../dist');

const REPOSITORY = 'octo-org/demo';
const token = (seed: number) => validators.get('github-crc32')!.generate(new SeededRandom(seed), 'ghp_');

let server: CodeScanningServer;
let repo: TempRepo;
let entry: string;
let base: string;
let head: string;
const oldSecret = token(101);
const newSecret = token(202);
const scratchSecret = token(303);
const releaseSecret = token(404);
const branchSecret = token(505);
const messageSecret = token(606);
const nameSecret = token(707);
const pushedMessageSecrets = [token(808), token(909)];
const secrets = [oldSecret, newSecret, scratchSecret, releaseSecret, branchSecret, messageSecret, nameSecret, ...pushedMessageSecrets];
let scratchCommit: string;

function expectNoSecret(run: ActionRun, extra: string[] = []): void {
  const sarifFile = run.outputs['sarif-file'];
  const texts = [run.stdout, run.stderr, JSON.stringify(run.outputs), run.summary, run.state, ...extra];
  if (sarifFile && existsSync(sarifFile)) texts.push(readFileSync(sarifFile, 'utf8'));
  for (const text of texts) for (const secret of secrets) expect(text.includes(secret)).toBe(false);
}

function pullRequestEvent(): unknown {
  const repository = { full_name: REPOSITORY, name: 'demo', owner: { login: 'octo-org' }, default_branch: 'main', private: false };
  return {
    action: 'synchronize',
    number: 7,
    pull_request: {
      number: 7,
      state: 'open',
      title: 'Add the app',
      base: { ref: 'main', sha: base, repo: repository },
      head: { ref: 'feature', sha: head, repo: repository },
    },
    repository,
    sender: { login: 'octocat' },
  };
}

function pushEvent(before: string, after: string): unknown {
  return {
    ref: 'refs/heads/main',
    before,
    after,
    created: false,
    deleted: false,
    forced: false,
    commits: [{ id: after, message: 'Add the app' }],
    head_commit: { id: after },
    repository: { full_name: REPOSITORY, name: 'demo', default_branch: 'main', master_branch: 'main' },
    pusher: { name: 'octocat' },
  };
}

const scheduleEvent = { schedule: '17 3 * * 1' };

const runnerDirs: string[] = [];

async function run(
  eventName: string,
  event: unknown,
  inputs: Record<string, string> = {},
  env: Record<string, string> = {},
  workspace = repo.dir,
): Promise<ActionRun> {
  const result = await runAction({
    entry,
    workspace,
    eventName,
    event,
    inputs: { token: 'test-token-not-a-secret', ...inputs },
    env: {
      GITHUB_SHA: head,
      GITHUB_REF: eventName === 'pull_request' ? 'refs/pull/7/merge' : 'refs/heads/main',
      GITHUB_REPOSITORY: REPOSITORY,
      GITHUB_API_URL: server.url,
      ...env,
    },
  });
  runnerDirs.push(result.runnerDir);
  return result;
}

/** The `::error file=...` annotation lines a step printed. */
const annotations = (stdout: string) => stdout.split(/\r?\n/).filter((l) => /^::error .*file=/.test(l));

beforeAll(async () => {
  expect(existsSync(path.join(bundleDir, 'index.js')), 'actions/scan/dist is missing: run node scripts/generate.mjs --only actions/scan').toBe(true);
  // The bundle must carry everything it needs: run it from a folder with no node_modules above it.
  const copy = mkdtempSync(path.join(tmpdir(), 'keyward-dist-'));
  cpSync(bundleDir, copy, { recursive: true });
  entry = path.join(copy, 'index.js');
  server = await startCodeScanningServer();
  repo = TempRepo.create();
  // history only: committed, then deleted before the base
  repo.write('scratch.txt', `try ${scratchSecret}\n`);
  scratchCommit = repo.commit('scratch');
  repo.remove('scratch.txt');
  repo.write('README.md', '# demo\n').write('config/old.env', `# deployed long ago\nGITHUB_TOKEN=${oldSecret}\n`);
  base = repo.commit('base');
  repo.write('src/app.ts', `export const name = 'demo';\n\nconst token = '${newSecret}';\nexport default token;\n`);
  repo.write('README.md', '# demo\n\nNow with an app.\n');
  head = repo.commit('head: add the app');
});

afterAll(async () => {
  await server?.close();
  repo?.dispose();
  if (entry) rmSync(path.dirname(entry), { recursive: true, force: true });
  for (const dir of runnerDirs) rmSync(dir, { recursive: true, force: true });
});

describe('pull_request', () => {
  let result: ActionRun;
  beforeAll(async () => {
    server.uploads.length = 0;
    result = await run('pull_request', pullRequestEvent());
  });

  it('annotates only the added line holding the new secret, with the rule, a redacted value and how to allow it', () => {
    const lines = annotations(result.stdout);
    expect(lines).toHaveLength(1);
    const column = `const token = '`.length + 1;
    expect(lines[0]).toMatch(
      new RegExp(`^::error title=github-pat \\(keyward\\),file=src/app.ts,line=3,endLine=3,col=${column},endColumn=${column + newSecret.length}::`),
    );
    expect(lines[0]).toContain('ghp_*****');
    expect(lines[0]).toContain('keyward:allow');
    expect(lines[0]).toContain('.keywardignore');
    expect(result.stdout).not.toMatch(/file=config\/old\.env/);
  });

  it('fails the step for a new secret (fail-on defaults to new) and sets the outputs', () => {
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/^::error::keyward found 1 new secret \(fail-on: new\)$/m);
    expect(result.outputs.findings).toBe('1');
    expect(result.outputs['new-findings']).toBe('1');
    expect(result.outputs['sarif-file']).toBe(path.join(result.runnerDir, 'temp', 'keyward', 'results.sarif'));
    expect(existsSync(result.outputs['sarif-file']!)).toBe(true);
  });

  it('writes a job summary table with rule, file:line, commit and redacted value, and the totals', () => {
    expect(result.summary).toContain('| Rule | File:line | Commit | Redacted value |');
    expect(result.summary).toContain(
      `| \`github-pat\` | [\`src/app.ts:3\`](https://github.com/octo-org/demo/blob/${head}/src/app.ts#L3) | \`${head.slice(0, 12)}\` | \`ghp_*****\` |`,
    );
    expect(result.summary).toContain('**Totals:** 1 finding: 1 new, 0 known from the baseline.');
  });

  it('uploads gzip+base64 SARIF with commit, ref, checkout URI and tool name; the category is in the file', () => {
    expect(server.uploads).toHaveLength(1);
    const upload = server.uploads[0]!;
    expect(upload.request.headers.authorization).toBe('token test-token-not-a-secret');
    expect(upload.owner + '/' + upload.repo).toBe(REPOSITORY);
    expect(upload.fields).toMatchObject({ commit_sha: head, ref: 'refs/pull/7/merge', tool_name: 'keyward' });
    expect(String(upload.fields.checkout_uri)).toMatch(/^file:\/\//);
    expect(upload.sarif.runs).toHaveLength(1);
    expect(upload.sarif.runs[0].automationDetails).toEqual({ id: 'keyward/' });
    expect(validateSarif(upload.sarif)).toEqual([]);
    // The analysis describes the whole checked-out tree (so code scanning keeps the old alert open) plus the diff.
    const where = upload.sarif.runs[0].results.map((r: any) => `${r.ruleId} ${r.locations[0].physicalLocation.artifactLocation.uri}:${r.locations[0].physicalLocation.region.startLine}`);
    expect(where.sort()).toEqual(['github-pat config/old.env:2', 'github-pat src/app.ts:3']);
    for (const r of upload.sarif.runs[0].results) expect(r.partialFingerprints['keywardFingerprint/v2']).toMatch(/^[0-9a-f]{32}$/);
    expect(JSON.parse(readFileSync(result.outputs['sarif-file']!, 'utf8'))).toEqual(upload.sarif);
  });

  it('never prints, writes or uploads a secret', () => {
    expectNoSecret(result, server.uploads.map((u) => u.sarifText + u.request.body));
  });
});

describe('push', () => {
  it('scans before..after, annotates the added line, and a second run on the same tree uploads the same alerts', async () => {
    server.uploads.length = 0;
    const first = await run('push', pushEvent(base, head), { 'fail-on': 'none' });
    const second = await run('push', pushEvent(base, head), { 'fail-on': 'none' });
    for (const r of [first, second]) {
      expect(r.status).toBe(0);
      expect(annotations(r.stdout)).toHaveLength(1);
      expect(annotations(r.stdout)[0]).toContain('file=src/app.ts,line=3');
      expect(r.outputs.findings).toBe('1');
      expectNoSecret(r);
    }
    expect(server.uploads).toHaveLength(2);
    const [a, b] = server.uploads.map((u) => u.sarif.runs[0].results);
    expect(a.map((r: any) => r.partialFingerprints)).toEqual(b.map((r: any) => r.partialFingerprints));
    expect(b).toEqual(a);
    expect(server.uploads[0]!.fields.ref).toBe('refs/heads/main');
  });

  it('with nothing new pushed: a clean run, one green summary line, no annotation', async () => {
    const r = await run('push', pushEvent(head, head), {});
    expect(r.status).toBe(0);
    expect(annotations(r.stdout)).toEqual([]);
    expect(r.outputs).toMatchObject({ findings: '0', 'new-findings': '0' });
    expect(r.summary.trim().split('\n')).toHaveLength(1);
    expect(r.summary).toMatch(/^:white_check_mark: \*\*keyward\*\*: no secrets found in /);
  });
});

describe('push of a new branch', () => {
  const ZERO = '0'.repeat(40);
  // A real remote: main holds an old key, release (not the default) another, and feature, pushed from
  // release, adds one more. Checkouts are clones of it, as actions/checkout makes them.
  let origin: string;
  let dev: TempRepo;
  let featureHead: string;
  let mainHead: string;
  let messagesHead: string;
  const clones: string[] = [];

  const newBranchEvent = (after: string, branch: string) => ({ ...(pushEvent(ZERO, after) as object), ref: `refs/heads/${branch}`, created: true });
  const cloneOf = (branch: string, depth?: number): string => {
    const dir = mkdtempSync(path.join(tmpdir(), 'keyward-checkout-'));
    clones.push(dir);
    dev.git('clone', '--quiet', '--no-local', ...(depth ? [`--depth=${depth}`] : []), '--branch', branch, `file://${origin}`, dir);
    return dir;
  };
  const runPush = (workspace: string, after: string, branch: string) =>
    run('push', newBranchEvent(after, branch), { 'fail-on': 'none', 'upload-sarif': 'false' }, { GITHUB_SHA: after, GITHUB_REF: `refs/heads/${branch}` }, workspace);

  beforeAll(() => {
    origin = mkdtempSync(path.join(tmpdir(), 'keyward-origin-'));
    clones.push(origin);
    dev = TempRepo.create('keyward-dev-');
    dev.git('init', '--quiet', '--bare', origin);
    dev.write('config/old.env', `GITHUB_TOKEN=${oldSecret}\n`);
    dev.commit('main: an old key');
    dev.write('README.md', '# demo\n');
    mainHead = dev.commit('main: docs');
    dev.git('checkout', '--quiet', '-b', 'release');
    dev.write('release/notes.env', `TOKEN=${releaseSecret}\n`);
    dev.commit('release: a key of its own');
    dev.git('checkout', '--quiet', '-b', 'feature');
    dev.write('src/feature.ts', `export const t = '${branchSecret}';\n`);
    featureHead = dev.commit('feature: the new work');
    dev.git('checkout', '--quiet', '-b', 'messages', 'main');
    messagesHead = '';
    for (const secret of pushedMessageSecrets) messagesHead = dev.commit(`token ${secret}`);
    dev.git('remote', 'add', 'origin', origin);
    dev.git('push', '--quiet', 'origin', 'main', 'release', 'feature', 'messages');
    dev.git('push', '--quiet', 'origin', `${mainHead}:refs/heads/docs-only`);
  });

  afterAll(() => {
    dev?.dispose();
    for (const dir of clones) rmSync(dir, { recursive: true, force: true });
  });

  it('scans only the commits no other branch of origin has, and annotates what they add', async () => {
    const r = await runPush(cloneOf('feature'), featureHead, 'feature');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('scanning the 1 commit the new branch brings (no other branch has them)');
    // Neither main's old key nor the key release already had: only what feature itself added.
    expect(r.outputs.findings).toBe('1');
    expect(annotations(r.stdout)).toHaveLength(1);
    expect(annotations(r.stdout)[0]).toContain('file=src/feature.ts,line=1');
    expectNoSecret(r);
  });

  it('uploads each pushed commit message key, even two at the same place of two messages', async () => {
    server.uploads.length = 0;
    const r = await run('push', newBranchEvent(messagesHead, 'messages'), { 'fail-on': 'none' }, { GITHUB_SHA: messagesHead, GITHUB_REF: 'refs/heads/messages' }, cloneOf('messages'));
    expect(r.status).toBe(0);
    expect(r.outputs.findings).toBe('2');
    const uris = server.uploads[0]!.sarif.runs[0].results.map((x: any) => x.locations[0].physicalLocation.artifactLocation.uri);
    // Both messages' keys (at the same line and column), with the checked-out files' old key.
    expect(uris).toEqual(['%3Ccommit%20message%3E', '%3Ccommit%20message%3E', 'config/old.env']);
    expectNoSecret(r, [server.uploads[0]!.sarifText]);
  });

  it('a new branch at a commit another branch already has scans no commit and passes', async () => {
    const r = await runPush(cloneOf('docs-only'), mainHead, 'docs-only');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`scanning no new commits (${mainHead.slice(0, 7)} is already on another branch)`);
    expect(r.outputs.findings).toBe('0');
    expect(annotations(r.stdout)).toEqual([]);
  });

  it('in a shallow checkout, compares the branch with the default branch and says so', async () => {
    const r = await runPush(cloneOf('feature', 1), featureHead, 'feature');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('shallow checkout: fetching the tip of main');
    expect(r.stdout).toContain("shallow checkout: the history that tells which commits are new is missing, so the new branch's files are compared with main");
    // main's old key is not reported again; what the branch adds over main (release's key and its own) is.
    expect(r.outputs.findings).toBe('2');
    expect(annotations(r.stdout).map((a) => /file=([^,]+)/.exec(a)?.[1]).sort()).toEqual(['release/notes.env', 'src/feature.ts']);
    expectNoSecret(r);
  });

  it('with no other branch of origin in the checkout, every pushed commit is new', async () => {
    const r = await run('push', pushEvent(ZERO, head), { 'fail-on': 'none', 'upload-sarif': 'false' });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('the new branch brings (no other branch of origin is in the checkout)');
    expect(r.outputs.findings).toBe('3');
    expect(annotations(r.stdout)).toHaveLength(3);
    expectNoSecret(r);
  });
});

describe('secrets in a commit message and a file name', () => {
  it('are found, uploaded with valid locations, and printed nowhere', async () => {
    const named = TempRepo.create('keyward-named-');
    try {
      named.write(`keys/${nameSecret}.txt`, 'nothing here\n');
      const sha = named.commit(`add keys\n\nthe CI token was ${messageSecret}`);
      server.uploads.length = 0;
      const r = await run('schedule', scheduleEvent, { 'fail-on': 'any' }, { GITHUB_SHA: sha }, named.dir);
      expect(r.status).toBe(1);
      expect(r.outputs.findings).toBe('2');
      expect(r.stdout).toContain('keys/ghp_*****.txt');
      expect(r.stdout).toContain('<commit message>:3');
      const sarif = server.uploads[0]!.sarif;
      expect(validateSarif(sarif)).toEqual([]);
      expect(sarif.runs[0].results.map((x: any) => x.locations[0].physicalLocation.artifactLocation.uri).sort()).toEqual(['%3Ccommit%20message%3E', 'keys/ghp_*****.txt']);
      expectNoSecret(r, [server.uploads[0]!.sarifText]);
    } finally {
      named.dispose();
    }
  });
});

describe('missing commits', () => {
  it('a pull request whose base is not in the clone fails with the fix', async () => {
    const event = pullRequestEvent() as any;
    event.pull_request.base.sha = 'c'.repeat(40);
    const r = await run('pull_request', event, { 'upload-sarif': 'false' });
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(`::error::the pull request's base ${'c'.repeat(40)} is not in the checkout: use actions/checkout with fetch-depth: 0`);
  });
});

describe('schedule', () => {
  it('scans the whole history with no annotations, under its own category', async () => {
    server.uploads.length = 0;
    const r = await run('schedule', scheduleEvent, { 'fail-on': 'any' });
    expect(r.status).toBe(1);
    expect(annotations(r.stdout)).toEqual([]);
    expect(r.outputs.findings).toBe('3');
    expect(server.uploads).toHaveLength(1);
    const sarif = server.uploads[0]!.sarif;
    expect(sarif.runs[0].automationDetails.id).toBe('keyward-history/');
    expect(validateSarif(sarif)).toEqual([]);
    const where = sarif.runs[0].results.map((x: any) => `${x.locations[0].physicalLocation.artifactLocation.uri} ${x.properties?.commitSha?.slice(0, 7)}`);
    expect(where.sort()).toEqual([`config/old.env ${base.slice(0, 7)}`, `scratch.txt ${scratchCommit.slice(0, 7)}`, `src/app.ts ${head.slice(0, 7)}`]);
    expect(r.summary).toContain(`| \`${scratchCommit.slice(0, 12)}\` |`);
    expect(r.stdout).toContain(`scratch.txt:1 (commit ${scratchCommit.slice(0, 7)}) ghp_*****`);
    expectNoSecret(r, [server.uploads[0]!.sarifText]);
  });
});

describe('inputs', () => {
  it('a baseline makes known findings not new: fail-on new passes, fail-on any fails', async () => {
    const first = await run('pull_request', pullRequestEvent(), { 'upload-sarif': 'false', 'fail-on': 'none' });
    const sarif = JSON.parse(readFileSync(first.outputs['sarif-file']!, 'utf8'));
    const app = sarif.runs[0].results.find((r: any) => r.locations[0].physicalLocation.artifactLocation.uri === 'src/app.ts');
    const baselineFile = path.join(first.runnerDir, 'baseline.json');
    writeFileSync(
      baselineFile,
      JSON.stringify({
        version: 2,
        tool: 'keyward',
        findings: [{ fingerprint: app.partialFingerprints['keywardFingerprint/v2'], ruleId: 'github-pat', path: 'src/app.ts' }],
      }),
    );
    const lenient = await run('pull_request', pullRequestEvent(), { 'upload-sarif': 'false', baseline: baselineFile });
    expect(lenient.status).toBe(0);
    expect(lenient.outputs).toMatchObject({ findings: '1', 'new-findings': '0' });
    expect(annotations(lenient.stdout)).toEqual([]);
    expect(lenient.summary).toContain('(baseline)');
    const strict = await run('pull_request', pullRequestEvent(), { 'upload-sarif': 'false', baseline: baselineFile, 'fail-on': 'any' });
    expect(strict.status).toBe(1);
    expect(strict.stdout).toContain('::error::keyward found 1 secret (fail-on: any)');
  });

  it('fingerprint-key: fingerprints become an HMAC under the key, and the key is masked first', async () => {
    const key = `fp-key-${randomUUID()}`;
    const keyed = await run('pull_request', pullRequestEvent(), { 'upload-sarif': 'false', 'fail-on': 'none', 'fingerprint-key': key });
    expect(keyed.stdout).toMatch(/^regex engine: re2js \(the portable RE2 port; no native build needed on this runner\), \d+ rules$/m);
    expect(keyed.stdout.split('\n')[0]).toBe(`::add-mask::${key}`);
    const sarif = JSON.parse(readFileSync(keyed.outputs['sarif-file']!, 'utf8'));
    const app = sarif.runs[0].results.find((r: any) => r.locations[0].physicalLocation.artifactLocation.uri === 'src/app.ts');
    const expected = createHmac('sha256', key).update(`keyward-fingerprint-v2\0github-pat\0src/app.ts\0${newSecret}`).digest('hex').slice(0, 32);
    expect(app.partialFingerprints['keywardFingerprint/v2']).toBe(expected);
    const viaEnv = await run('pull_request', pullRequestEvent(), { 'upload-sarif': 'false', 'fail-on': 'none' }, { KEYWARD_FINGERPRINT_KEY: key });
    const again = JSON.parse(readFileSync(viaEnv.outputs['sarif-file']!, 'utf8'));
    expect(again.runs[0].results.map((r: any) => r.partialFingerprints)).toEqual(sarif.runs[0].results.map((r: any) => r.partialFingerprints));
  });

  it('path: scans one folder, and annotations and SARIF still name repository-relative files', async () => {
    server.uploads.length = 0;
    const r = await run('pull_request', pullRequestEvent(), { path: 'src', 'fail-on': 'none' });
    expect(r.status).toBe(0);
    expect(annotations(r.stdout)).toHaveLength(1);
    expect(annotations(r.stdout)[0]).toContain('file=src/app.ts,line=3');
    const uris = server.uploads[0]!.sarif.runs[0].results.map((x: any) => x.locations[0].physicalLocation.artifactLocation.uri);
    expect(uris).toEqual(['src/app.ts']);
  });

  it('a pull request from a fork is scanned and annotated but not uploaded (its token is read-only)', async () => {
    server.uploads.length = 0;
    const event = pullRequestEvent() as any;
    event.pull_request.head.repo = { full_name: 'someone/demo' };
    const r = await run('pull_request', event, { 'fail-on': 'none' });
    expect(r.status).toBe(0);
    expect(annotations(r.stdout)).toHaveLength(1);
    expect(server.uploads).toHaveLength(0);
    expect(r.summary).toContain('Pull requests from forks get a read-only token');
  });

  it('a bad value fails before scanning, naming the input and what it takes', async () => {
    const r = await run('pull_request', pullRequestEvent(), { 'fail-on': 'sometimes' });
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('::error::input "fail-on" must be one of any, new, none, not "sometimes"');
    expect(r.outputs).toEqual({});
  });

  it('a credential pasted into the wrong input is not quoted back in the error', async () => {
    const pasted = token(606);
    const r = await run('pull_request', pullRequestEvent(), { 'fail-on': pasted });
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('::error::input "fail-on" must be one of any, new, none, not "ghp_*****"');
    for (let i = 0; i + 8 <= pasted.length; i++) expect(r.stdout.includes(pasted.slice(i, i + 8))).toBe(false);
  });

  it('a refused upload is a warning with the fix, not a lost scan', async () => {
    server.failNext(403, 'Resource not accessible by integration');
    const r = await run('pull_request', pullRequestEvent(), { 'fail-on': 'none' });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^::warning::The upload to code scanning failed: .*HTTP 403.*security-events: write/m);
    expect(r.outputs.findings).toBe('1');
    expectNoSecret(r);
  });
});

describe('hostile file names cannot inject workflow commands', () => {
  // A name that, printed raw, is three log lines: the runner would run `add-mask`, `warning` and a
  // legacy `##[...]` command found anywhere on a line.
  const hostile = 'a\n::add-mask::injected-mask\n::warning::injected-warning ##[notice]injected-legacy\n.env';
  const hostileSecret = token(404);
  let hostileRepo: TempRepo;
  let hostileHead: string;

  beforeAll(() => {
    hostileRepo = TempRepo.create();
    hostileRepo.write('README.md', '# hostile\n');
    hostileRepo.commit('base');
    hostileRepo.write(hostile, `TOKEN=${hostileSecret}\n`);
    hostileHead = hostileRepo.commit(`add ${hostile}`);
  });
  afterAll(() => hostileRepo?.dispose());

  /** Lines the runner would take as commands: `::` at the start after spaces, or `##[` anywhere. */
  const commandLines = (stdout: string) => stdout.split(/\r?\n/).filter((l) => /^\s*::/.test(l) || l.includes('##['));

  for (const mode of ['directory', 'history']) {
    it(`mode ${mode}: the path is printed on one line, and only the action's own commands reach the log`, async () => {
      const r = await runAction({
        entry,
        workspace: hostileRepo.dir,
        eventName: 'workflow_dispatch',
        event: {},
        inputs: { token: 'test-token-not-a-secret', mode, 'upload-sarif': 'false', 'fail-on': 'any' },
        env: { GITHUB_SHA: hostileHead, GITHUB_REF: 'refs/heads/main', GITHUB_REPOSITORY: REPOSITORY, GITHUB_API_URL: server.url },
      });
      runnerDirs.push(r.runnerDir);
      expect(r.status, r.stdout + r.stderr).toBe(1);
      expect(r.outputs.findings).toBe('1');
      // The finding's line names the file, percent-encoded, on a single line.
      expect(r.stdout).toContain('a%0A::add-mask::injected-mask%0A::warning::injected-warning ##%5Bnotice]injected-legacy%0A.env:1');
      expect(commandLines(r.stdout)).toEqual(['::error::keyward found 1 secret (fail-on: any)']);
      expect(r.stdout.includes(hostileSecret)).toBe(false);
    });
  }
});

describe('a bad config file', () => {
  it('fails the step with an ::error:: naming the file and key, without the credential pasted into it', async () => {
    const configRepo = TempRepo.create();
    const pasted = token(505);
    configRepo.write('.keyward.yaml', `disabledRules: [${pasted}]\n`);
    const sha = configRepo.commit('config');
    try {
      const r = await runAction({
        entry,
        workspace: configRepo.dir,
        eventName: 'workflow_dispatch',
        event: {},
        inputs: { token: 'test-token-not-a-secret', 'upload-sarif': 'false' },
        env: { GITHUB_SHA: sha, GITHUB_REF: 'refs/heads/main', GITHUB_REPOSITORY: REPOSITORY, GITHUB_API_URL: server.url },
      });
      runnerDirs.push(r.runnerDir);
      expect(r.status).toBe(1);
      expect(r.stdout).toMatch(/^::error::.*\.keyward\.yaml: "ghp_\*{5}": names no rule/m);
      for (let i = 0; i + 8 <= pasted.length; i++) expect(r.stdout.includes(pasted.slice(i, i + 8))).toBe(false);
    } finally {
      configRepo.dispose();
    }
  });
});
