// One run of the scan action: choose what to scan from the event, scan it, and report it four ways:
// annotations on added lines, a SARIF file uploaded to code scanning, a job summary, and outputs.
// Every effect arrives through `deps`, so tests need no module mocks.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildSarif, runScan, type Finding, type ScanResult } from '@keyward/engine';
import {
  annotateFindings,
  parseRepository,
  uploadSarif,
  withCategory,
  type GitHubClient,
  type GitHubClientOptions,
  type Logger,
} from '@keyward/github';
import { addedLines, hasCommit, isAdded, probe, type AddedLines, type Git } from './git.js';
import { InputError, type ScanActionSettings } from './inputs.js';
import { prepareScan, type ScanSetup } from './scan-setup.js';
import { resolveNewBranch } from './new-branch.js';
import { chooseScope, type ResolvedScope, type ScanScope } from './scope.js';
import type { SourceFactory, SourceRequest } from './sources.js';
import { renderSummary, type ReportedFinding } from './summary.js';
import { VERSION } from './version.js';

/** Output names, declared once (action.yml lists the same). */
export const OUTPUTS = { findings: 'findings', newFindings: 'new-findings', sarifFile: 'sarif-file' } as const;

export interface ActionIo extends Logger {
  setOutput(name: string, value: string): void;
  writeSummary(markdown: string): Promise<void>;
}

export interface RunDeps {
  io: ActionIo;
  sources: SourceFactory;
  git: Git;
  createClient: (options: GitHubClientOptions) => GitHubClient;
  /** Milliseconds since the epoch. */
  now: () => number;
}

export interface ScanOutcome {
  findings: number;
  newFindings: number;
  sarifFile: string;
  /** Set when fail-on says this run fails. */
  failure?: string;
}

const short = (sha: string) => sha.slice(0, 7);
const toPosix = (p: string) => p.split(path.sep).join('/');

async function ensureCommits(git: Git, repoRoot: string, shas: string[], io: ActionIo): Promise<string[]> {
  const missing: string[] = [];
  for (const sha of shas) if (!(await hasCommit(git, repoRoot, sha))) missing.push(sha);
  if (missing.length === 0) return [];
  io.info(`fetching ${missing.map(short).join(' and ')}, which the checkout does not have`);
  // Depth 1 only in a shallow clone (actions/checkout's default): in a full one it would make it shallow.
  const shallow = (await probe(git, ['rev-parse', '--is-shallow-repository'], repoRoot)) === 'true';
  await probe(git, ['fetch', '--no-tags', '--no-recurse-submodules', ...(shallow ? ['--depth=1'] : []), 'origin', ...missing], repoRoot);
  const still: string[] = [];
  for (const sha of missing) if (!(await hasCommit(git, repoRoot, sha))) still.push(sha);
  return still;
}

async function resolveScope(scope: ScanScope, repoRoot: string | undefined, git: Git, io: ActionIo, ref: string): Promise<ResolvedScope> {
  if (scope.kind === 'directory') return { kind: 'directory', label: 'the checked-out files' };
  if (!repoRoot) {
    if (scope.kind === 'history') throw new InputError('mode history needs a git repository: check it out with actions/checkout and fetch-depth: 0');
    throw new InputError('scanning a diff needs a git repository: check it out with actions/checkout (fetch-depth: 0 recommended)');
  }
  if (scope.kind === 'history') return { kind: 'history', label: 'the whole git history' };
  if (scope.kind === 'new-branch') {
    if ((await ensureCommits(git, repoRoot, [scope.head], io)).length > 0) {
      throw new InputError(`commit ${scope.head} is not in the checkout: use actions/checkout with fetch-depth: 0`);
    }
    const branch = ref.replace(/^refs\/heads\//, '');
    return resolveNewBranch({ head: scope.head, branch, ...(scope.defaultBranch ? { defaultBranch: scope.defaultBranch } : {}) }, repoRoot, git, io);
  }
  const missing = await ensureCommits(git, repoRoot, [scope.base, scope.head], io);
  if (missing.includes(scope.head)) {
    throw new InputError(`commit ${scope.head} is not in the checkout: use actions/checkout with fetch-depth: 0`);
  }
  if (missing.includes(scope.base)) {
    if (scope.pullRequest) throw new InputError(`the pull request's base ${scope.base} is not in the checkout: use actions/checkout with fetch-depth: 0`);
    io.warning(`the commit before this push (${short(scope.base)}) is gone (a force push?): scanning the whole history instead`);
    return { kind: 'history', label: 'the whole git history (the commit before the push is gone)' };
  }
  // A pull request adds what lies between the merge base and its head (GitHub's three-dot diff).
  const base = scope.pullRequest ? ((await probe(git, ['merge-base', scope.base, scope.head], repoRoot)) ?? scope.base) : scope.base;
  const what = scope.pullRequest ? 'the lines the pull request adds' : 'the lines the push adds';
  return { kind: 'diff', base, head: scope.head, pullRequest: scope.pullRequest, label: `${what} (${short(base)}..${short(scope.head)})` };
}

function scanOptions(setup: ScanSetup) {
  return { detector: setup.detector, ignoredFingerprints: setup.ignored };
}

// With the secret (a key in memory, never printed; the fingerprint differs when the scan root is a subfolder):
// two commits can put different keys at one place (the same line, or `<commit message>` 1:7).
const locationKey = (r: ReportedFinding) => `${r.finding.ruleId}\0${r.file}\0${r.finding.startLine}\0${r.finding.startColumn}\0${r.finding.secret}`;

/** The first finding for each key, in order. */
function dedupeBy(findings: readonly ReportedFinding[], key: (r: ReportedFinding) => string): ReportedFinding[] {
  const seen = new Set<string>();
  return findings.filter((r) => {
    const k = key(r);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

export async function run(settings: ScanActionSettings, deps: RunDeps): Promise<ScanOutcome> {
  const { io, git } = deps;
  const startedAt = new Date(deps.now()).toISOString();
  const setup = await prepareScan(settings);
  const scope = chooseScope(settings.mode, settings.context.eventName, settings.context.range);
  const topLevel = await probe(git, ['rev-parse', '--show-toplevel'], settings.scanRoot);
  const repoRoot = topLevel ? path.resolve(topLevel) : undefined;
  const resolved = await resolveScope(scope, repoRoot, git, io, settings.context.ref);
  // Paths in annotations and SARIF are relative to the repository root, wherever the scan started.
  const prefix = toPosix(path.relative(repoRoot ?? settings.workspace, settings.scanRoot));
  const inScanRoot = (file: string) => !prefix || file === prefix || file.startsWith(`${prefix}/`);
  const request: SourceRequest = {
    root: settings.scanRoot,
    maxFileSize: setup.config.maxFileSize,
    respectGitignore: setup.config.respectGitignore,
    skipPath: (p) => setup.detector.allowsPath(p),
  };
  const notes: string[] = [];
  io.info(`keyward ${VERSION} on ${settings.context.eventName}: scanning ${resolved.label}`);
  // Which engine ran, and why: the bundle carries no native addon, so it runs on any runner, self-hosted included.
  io.info(`regex engine: ${setup.detector.backend === 're2js' ? 're2js (the portable RE2 port; no native build needed on this runner)' : 'native RE2'}, ${setup.detector.rules.length} rules`);

  const fromTree = (result: ScanResult): ReportedFinding[] =>
    result.findings.map((finding) => ({ finding, file: prefix ? `${prefix}/${finding.path}` : finding.path, known: setup.baseline.has(finding) }));
  const fromGit = (result: ScanResult): ReportedFinding[] =>
    result.findings
      .filter((f) => inScanRoot(f.path))
      .map((finding) => {
        const commit = finding.commit?.sha ?? (resolved.kind === 'diff' ? resolved.head : undefined);
        return { finding, file: finding.path, known: setup.baseline.has(finding), ...(commit ? { commit } : {}) };
      });

  let primary: ReportedFinding[];
  let primaryResult: ScanResult;
  let tree: ReportedFinding[] = [];
  let added: AddedLines | undefined;
  if (resolved.kind === 'diff') {
    added = await addedLines(git, repoRoot!, resolved.base, resolved.head);
    primaryResult = await runScan(deps.sources.diff({ ...request, base: resolved.base, head: resolved.head }), scanOptions(setup));
    primary = fromGit(primaryResult);
    // For the upload only: the checked-out files (see the SARIF comment below).
    tree = fromTree(await runScan(deps.sources.directory(request), scanOptions(setup)));
  } else if (resolved.kind === 'commits') {
    primaryResult = await runScan(deps.sources.history({ ...request, revisions: resolved.revisions }), scanOptions(setup));
    primary = fromGit(primaryResult);
    tree = fromTree(await runScan(deps.sources.directory(request), scanOptions(setup)));
  } else if (resolved.kind === 'history') {
    primaryResult = await runScan(deps.sources.history(request), scanOptions(setup));
    primary = fromGit(primaryResult);
  } else {
    primaryResult = await runScan(deps.sources.directory(request), scanOptions(setup));
    primary = fromTree(primaryResult);
  }

  const fresh = primary.filter((r) => !r.known);
  io.info(
    `found ${primary.length} secret${primary.length === 1 ? '' : 's'} in ${resolved.label}: ${fresh.length} new, ${primary.length - fresh.length} in the baseline ` +
      `(${primaryResult.stats.files} files scanned, ${primaryResult.stats.skipped.length} skipped)`,
  );

  // Annotations: only findings on lines the diff adds, so nothing outside the change is ever flagged.
  if (added) {
    const onAdded = new Set(fresh.filter((r) => isAdded(added!, r.file, r.finding.startLine)).map((r) => r.finding));
    const fileOf = new Map(fresh.map((r) => [r.finding, r.file]));
    const count = annotateFindings([...onAdded], io, { fileOf: (f) => fileOf.get(f) ?? f.path });
    if (count > 10) io.info(`${count} annotations: GitHub shows the first 10 of a step on the pull request; the job summary lists them all`);
  } else if (resolved.kind === 'commits') {
    // Every finding is in a commit this push brings: annotate each where its commit put it.
    const fileOf = new Map(fresh.map((r) => [r.finding, r.file]));
    annotateFindings(
      fresh.map((r) => r.finding),
      io,
      { fileOf: (f) => fileOf.get(f) ?? f.path },
    );
  } else {
    for (const r of fresh) {
      const f = r.finding;
      io.info(`  ${f.ruleId} ${r.file}:${f.startLine}${r.commit ? ` (commit ${short(r.commit)})` : ''} ${f.redacted} fingerprint ${f.fingerprint}`);
    }
  }

  // SARIF: a code-scanning analysis describes the whole state of a ref (alerts missing from the next
  // analysis of the same category are closed), so a diff run uploads the checked-out files' findings
  // together with what the diff added, and history runs get their own category.
  // History needs no merging here: runScan already reports each secret once, at the commit that added it.
  const uploadSet = resolved.kind === 'history' ? fresh : dedupeBy([...fresh, ...tree.filter((r) => !r.known)], locationKey);
  const sarifFindings: Finding[] = uploadSet.map((r) => ({ ...r.finding, path: r.file }));
  const category = settings.category ?? (resolved.kind === 'history' ? 'keyward-history' : 'keyward');
  const log = withCategory(
    buildSarif({ findings: sarifFindings, stats: primaryResult.stats, rules: primaryResult.rules }, { toolVersion: VERSION }),
    category,
  );
  await mkdir(path.dirname(settings.sarifFile), { recursive: true });
  await writeFile(settings.sarifFile, `${JSON.stringify(log, null, 2)}\n`);

  if (!settings.uploadSarif) {
    io.info('upload-sarif is false: not uploading to code scanning');
  } else if (settings.context.range.kind === 'pull-request' && settings.context.range.fromFork) {
    notes.push('Pull requests from forks get a read-only token: results were not uploaded to code scanning.');
    io.info(notes[notes.length - 1]!);
  } else {
    const { owner, repo } = parseRepository(settings.context.repository);
    try {
      const client = deps.createClient({ token: settings.token, apiUrl: settings.context.apiUrl, userAgent: `keyward-action/${VERSION}`, logger: io });
      const uploaded = await uploadSarif(
        client,
        log,
        {
          owner,
          repo,
          commitSha: settings.context.sha,
          ref: settings.context.ref,
          checkoutUri: pathToFileURL(repoRoot ?? settings.workspace).href,
          toolName: 'keyward',
          startedAt,
        },
        { logger: io },
      );
      notes.push(...uploaded.notes);
      io.info(`uploaded ${uploaded.results} result${uploaded.results === 1 ? '' : 's'} to code scanning (category ${category}, id ${uploaded.id || 'unknown'})`);
    } catch (error) {
      notes.push(`The upload to code scanning failed: ${(error as Error).message}`);
      io.warning(notes[notes.length - 1]!);
    }
  }

  let failure: string | undefined;
  if (settings.failOn === 'any' && primary.length > 0) failure = `keyward found ${primary.length} secret${primary.length === 1 ? '' : 's'} (fail-on: any)`;
  if (settings.failOn === 'new' && fresh.length > 0) failure = `keyward found ${fresh.length} new secret${fresh.length === 1 ? '' : 's'} (fail-on: new)`;

  io.setOutput(OUTPUTS.findings, String(primary.length));
  io.setOutput(OUTPUTS.newFindings, String(fresh.length));
  io.setOutput(OUTPUTS.sarifFile, settings.sarifFile);

  // Link lines at the commit people review: a pull request's head, not the merge commit GitHub made.
  const linkSha = resolved.kind === 'diff' ? resolved.head : settings.context.sha;
  const links = settings.context.repository && linkSha ? { serverUrl: settings.context.serverUrl, repository: settings.context.repository, sha: linkSha } : undefined;
  await io.writeSummary(
    renderSummary({ scope: resolved.label, findings: primary, stats: primaryResult.stats, notes, failed: failure !== undefined, ...(links ? { links } : {}) }),
  );
  return { findings: primary.length, newFindings: fresh.length, sarifFile: settings.sarifFile, ...(failure ? { failure } : {}) };
}
