// The diff source: only the lines added between two commits, each with its line number in the newer
// version of the file (Fragment.lineNumbers), as a pull-request check needs them. Needs the two
// commits' trees only, not the history between them, so it works in a shallow clone that holds both;
// when one is missing it says exactly what to fetch.
import type { CommitInfo, SkippedFile } from '../types.js';
import type { SourceEvent } from './directory.js';
import { ByteReader, GitError, GitMissingCommitError, GitRunner, stopGit, type GitRunnerOptions } from './git-runner.js';
import { decodeText } from './text.js';

export interface GitDiffOptions extends GitRunnerOptions {
  base: string;
  head: string;
  /** Files whose added text is larger than this many bytes are skipped and reported. */
  maxFileSize: number;
  skipPath?: (relativePath: string) => boolean;
  /** Diff from the merge base of base and head (`BASE...HEAD`), not from base itself. */
  mergeBase?: boolean;
}

/** `git diff` flags that make the output plain, complete and stable whatever the user's config says. */
export const UNIFIED_DIFF_FLAGS = [
  '--no-color',
  '--no-ext-diff',
  '--no-textconv',
  '--no-relative',
  '--unified=0',
  '--find-renames',
  '--diff-filter=ACMRT',
  '--src-prefix=a/',
  '--dst-prefix=b/',
];

interface FileDiff {
  path: string;
  lines: Buffer[];
  lineNumbers: number[];
  bytes: number;
  binary: boolean;
  /** The diff creates this name (a new file, a rename or a copy); otherwise the name is old and not scanned again. */
  newName: boolean;
}

/** Undo git's C-style quoting of an unusual path ("a\tb" -> a<TAB>b, octal escapes are UTF-8 bytes). */
export function unquoteGitPath(text: string): string {
  if (!text.startsWith('"') || !text.endsWith('"')) return text;
  const bytes: number[] = [];
  const body = Buffer.from(text.slice(1, -1), 'utf8');
  const simple: Record<string, number> = { a: 7, b: 8, t: 9, n: 10, v: 11, f: 12, r: 13, '"': 34, '\\': 92 };
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== 0x5c) {
      bytes.push(c);
      continue;
    }
    const next = String.fromCharCode(body[i + 1] ?? 0);
    if (/[0-7]/.test(next)) {
      bytes.push(Number.parseInt(body.subarray(i + 1, i + 4).toString('latin1'), 8));
      i += 3;
    } else {
      bytes.push(simple[next] ?? body[i + 1]!);
      i += 1;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

function stripPrefix(side: string, prefix: string): string {
  const unquoted = unquoteGitPath(side.replace(/\t$/, ''));
  return unquoted.startsWith(prefix) ? unquoted.slice(prefix.length) : unquoted;
}

const HUNK = /^@@+ (?:-\d+(?:,\d+)? )+\+(\d+)(?:,\d+)? @@/;

/**
 * Turns `git diff --unified=0` output into one fragment per file holding only its added lines.
 * Streams: one file's added lines in memory at a time.
 */
export async function* addedLinesOf(
  stdout: ByteReader,
  options: { maxFileSize: number; skipPath?: (path: string) => boolean; commit?: CommitInfo },
): AsyncGenerator<SourceEvent> {
  let file: FileDiff | undefined;
  let nextLine = 0;
  let inHunk = false;
  const finish = (): SourceEvent | undefined => {
    const done = file;
    file = undefined;
    if (!done || done.path === '') return undefined;
    if (options.skipPath?.(done.path)) return undefined;
    const old = done.newName ? {} : { nameIsOld: true };
    if (done.binary) return { kind: 'skipped', skipped: { path: done.path, reason: 'binary' }, ...old };
    if (done.lines.length === 0) return undefined;
    if (done.bytes > options.maxFileSize) {
      const skipped: SkippedFile = { path: done.path, reason: 'too-large', detail: `${done.bytes} bytes added` };
      return { kind: 'skipped', skipped, ...old };
    }
    const text = decodeText(Buffer.concat(joinLines(done.lines)));
    const fragment = { text, path: done.path, lineNumbers: done.lineNumbers, ...(options.commit ? { commit: options.commit } : {}) };
    return { kind: 'fragment', fragment, bytes: done.bytes, ...old };
  };
  for (;;) {
    const line = await stdout.readUntil(0x0a);
    if (line === undefined) break;
    const first = line[0];
    if (inHunk && first === 0x2b /* + */) {
      if (file && file.bytes <= options.maxFileSize) {
        file.lines.push(line.subarray(1));
        file.lineNumbers.push(nextLine);
      }
      if (file) file.bytes += line.length;
      nextLine++;
      continue;
    }
    if (inHunk && (first === 0x2d /* - */ || first === 0x5c /* \ No newline */)) continue;
    if (inHunk && first === 0x20 /* context */) {
      nextLine++;
      continue;
    }
    const text = line.toString('utf8');
    if (text.startsWith('diff --git ')) {
      const event = finish();
      if (event) yield event;
      inHunk = false;
      // The b/ side of "diff --git a/P b/P" when both names are equal; "+++" or "rename to" refine it.
      const rest = text.slice('diff --git '.length);
      const half = (rest.length - 1) / 2;
      const guess = Number.isInteger(half) && rest.slice(0, half).slice(2) === rest.slice(half + 1).slice(2) ? rest.slice(half + 1) : '';
      file = { path: guess ? stripPrefix(guess, 'b/') : '', lines: [], lineNumbers: [], bytes: 0, binary: false, newName: false };
      continue;
    }
    if (!file) continue;
    const hunk = HUNK.exec(text);
    if (hunk) {
      inHunk = true;
      nextLine = Number(hunk[1]);
      continue;
    }
    if (text.startsWith('+++ ')) {
      const target = text.slice(4);
      if (target !== '/dev/null') file.path = stripPrefix(target, 'b/');
    } else if (text.startsWith('rename to ') || text.startsWith('copy to ')) {
      file.path = unquoteGitPath(text.slice(text.indexOf(' to ') + 4));
      file.newName = true;
    } else if (text.startsWith('new file mode ')) {
      file.newName = true;
    } else if (text.startsWith('Binary files ') && text.endsWith(' differ')) {
      file.binary = true;
      const m = / and (.*) differ$/.exec(text);
      if (m && m[1] !== '/dev/null' && !file.path) file.path = stripPrefix(m[1]!, 'b/');
    }
  }
  const event = finish();
  if (event) yield event;
}

function joinLines(lines: Buffer[]): Buffer[] {
  const out: Buffer[] = [];
  const newline = Buffer.from('\n');
  lines.forEach((l, i) => {
    if (i > 0) out.push(newline);
    out.push(l);
  });
  return out;
}

/** Runs one `git diff` and streams its added lines as fragments. */
export async function* runUnifiedDiff(
  git: GitRunner,
  args: string[],
  options: { maxFileSize: number; skipPath?: (path: string) => boolean; commit?: CommitInfo },
): AsyncGenerator<SourceEvent> {
  const child = git.spawn(args);
  const done = git.finished(child, args);
  done.catch(() => undefined);
  child.stdin.end();
  let completed = false;
  try {
    yield* addedLinesOf(new ByteReader(child.stdout), options);
    await done;
    completed = true;
  } finally {
    if (!completed) await stopGit(child);
  }
}

/** Explain how to get a commit that is not in the clone, as one command the user can paste. */
async function missingCommit(git: GitRunner, revision: string, role: string): Promise<GitMissingCommitError> {
  const shallow = (await git.probe(['rev-parse', '--is-shallow-repository']))?.trim() === 'true';
  const remotes = ((await git.probe(['remote'])) ?? '').split('\n').filter(Boolean);
  const remote = remotes.includes('origin') ? 'origin' : (remotes[0] ?? 'origin');
  let fetch: string;
  const remoteRef = remotes.map((r) => `${r}/`).find((p) => revision.startsWith(p));
  if (remoteRef) {
    const branch = revision.slice(remoteRef.length);
    fetch = `git fetch --no-tags --depth=1 ${remoteRef.slice(0, -1)} +refs/heads/${branch}:refs/remotes/${revision}`;
  } else if (/^[0-9a-f]{7,64}$/i.test(revision)) {
    fetch = `git fetch --no-tags --depth=1 ${remote} ${revision}`;
  } else {
    fetch = `git fetch --no-tags --depth=1 ${remote} ${revision.replace(/^refs\/heads\//, '')}`;
  }
  const where = shallow ? 'this shallow clone' : 'this repository';
  return new GitMissingCommitError(
    `${role} commit "${revision}" is not in ${where}. Fetch it, then run again:\n  ${fetch}\n` +
      '(--diff needs only the two commits, not the history between them; in GitHub Actions, actions/checkout with fetch-depth: 0 also works)',
    revision,
    fetch,
  );
}

async function resolveCommit(git: GitRunner, revision: string, role: string): Promise<string> {
  const sha = await git.probe(['rev-parse', '--verify', '--quiet', '--end-of-options', `${revision}^{commit}`]);
  if (sha === undefined || sha.trim() === '') throw await missingCommit(git, revision, role);
  return sha.trim();
}

/** Lines added from `base` to `head`, with `head`'s line numbers. */
export async function* scanGitDiff(options: GitDiffOptions): AsyncGenerator<SourceEvent> {
  const git = new GitRunner(options);
  if ((await git.probe(['rev-parse', '--git-dir'])) === undefined) throw new GitError(`not a git repository (or inside one): ${options.cwd}`);
  let base = await resolveCommit(git, options.base, 'base');
  const head = await resolveCommit(git, options.head, 'head');
  if (options.mergeBase) {
    // BASE...HEAD: what HEAD added since it forked from BASE, as a pull request shows it.
    const fork = await git.probe(['merge-base', base, head]);
    if (fork === undefined || fork.trim() === '') {
      throw new GitError(`${options.base} and ${options.head} share no history (no merge base); fetch more history or use BASE..HEAD`);
    }
    base = fork.trim();
  }
  yield* runUnifiedDiff(git, ['diff', ...UNIFIED_DIFF_FLAGS, base, head, '--'], {
    maxFileSize: options.maxFileSize,
    ...(options.skipPath ? { skipPath: options.skipPath } : {}),
  });
}
