// The few git commands the action runs itself (the engine's sources run the scanning ones): resolve
// commits, fetch missing ones, find a merge base, and list the lines a diff adds.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

export interface Git {
  /** stdout of `git ARGS` in `cwd`; rejects with git's stderr on failure. */
  run(args: readonly string[], cwd: string): Promise<string>;
}

const FIXED_CONFIG = ['-c', 'core.quotePath=false', '-c', 'color.ui=false', '-c', 'diff.noprefix=false', '-c', 'diff.mnemonicPrefix=false'];

export const systemGit: Git = {
  run(args, cwd) {
    return new Promise((resolve, reject) => {
      execFile('git', [...FIXED_CONFIG, ...args], { cwd, maxBuffer: 256 * 1024 * 1024, windowsHide: true }, (error, stdout, stderr) => {
        if (error) reject(new Error(`git ${args[0]} failed: ${String(stderr).trim() || error.message}`));
        else resolve(String(stdout));
      });
    });
  },
};

/** Like run, but undefined where git says no (a probe). */
export async function probe(git: Git, args: readonly string[], cwd: string): Promise<string | undefined> {
  try {
    return (await git.run(args, cwd)).trim();
  } catch {
    return undefined;
  }
}

export async function hasCommit(git: Git, cwd: string, sha: string): Promise<boolean> {
  return (await probe(git, ['cat-file', '-e', `${sha}^{commit}`], cwd)) !== undefined;
}

/** Line numbers (1-based, in the new file) that a diff adds, per repository-relative path. */
export type AddedLines = Map<string, Array<[start: number, end: number]>>;

export function isAdded(added: AddedLines, path: string, line: number): boolean {
  return (added.get(path) ?? []).some(([start, end]) => line >= start && line <= end);
}

/** Undo git's C-style quoting of unusual paths ("a\tb", octal escapes for bytes). */
function unquote(text: string): string {
  if (!text.startsWith('"')) return text;
  const bytes: number[] = [];
  const escapes: Record<string, number> = { n: 10, t: 9, r: 13, a: 7, b: 8, f: 12, v: 11, '"': 34, '\\': 92 };
  for (let i = 1; i < text.length - 1; i++) {
    const ch = text[i]!;
    if (ch !== '\\') {
      bytes.push(...Buffer.from(ch, 'utf8'));
      continue;
    }
    const next = text[++i]!;
    if (/[0-7]/.test(next)) {
      bytes.push(Number.parseInt(text.slice(i, i + 3), 8));
      i += 2;
    } else bytes.push(escapes[next] ?? next.charCodeAt(0));
  }
  return Buffer.from(bytes).toString('utf8');
}

/** Parse `git diff --unified=0` output into the added line ranges. */
export function parseAddedLines(diff: string): AddedLines {
  const added: AddedLines = new Map();
  let current: string | undefined;
  for (const line of diff.split('\n')) {
    if (line.startsWith('+++ ')) {
      const target = unquote(line.slice(4).replace(/\t$/, ''));
      current = target === '/dev/null' ? undefined : target.replace(/^b\//, '');
      continue;
    }
    if (!current || !line.startsWith('@@')) continue;
    const hunk = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/.exec(line);
    if (!hunk) continue;
    const start = Number(hunk[1]);
    const count = hunk[2] === undefined ? 1 : Number(hunk[2]);
    if (count === 0) continue;
    const ranges = added.get(current) ?? [];
    ranges.push([start, start + count - 1]);
    added.set(current, ranges);
  }
  return added;
}

export async function addedLines(git: Git, cwd: string, base: string, head: string): Promise<AddedLines> {
  return parseAddedLines(await git.run(['diff', '--unified=0', '--no-ext-diff', '--no-textconv', '-M', base, head], cwd));
}

/** What the push that created a branch brings, as far as this clone can tell. */
export interface NewBranchCommits {
  /** Commits reachable from the pushed commit and from no other branch of origin, newest first. */
  commits: string[];
  /** Commits just outside that set (parents the other branches already have): `^` each to walk only the new ones. */
  boundaries: string[];
  /** How many other origin branches the clone has: 0 means none to compare with. */
  otherBranches: number;
  /** True when a new commit is cut off by a shallow clone: its parents, and so what it changed, are unknown. */
  truncated: boolean;
}

/**
 * The commits `head` brings that no other branch of origin already has (as `git rev-list head --not
 * <every other origin branch>`), so an old key on the default branch is not reported again on every new branch.
 */
export async function newBranchCommits(git: Git, cwd: string, head: string, branch: string): Promise<NewBranchCommits> {
  const own = `refs/remotes/origin/${branch}`;
  const refs = (await git.run(['for-each-ref', '--format=%(refname)', 'refs/remotes/origin/'], cwd))
    .split('\n')
    .filter((r) => r !== '' && r !== own && r !== 'refs/remotes/origin/HEAD');
  const listed = await git.run(['rev-list', '--boundary', '--end-of-options', head, ...refs.map((r) => `^${r}`), '--'], cwd);
  const commits: string[] = [];
  const boundaries: string[] = [];
  for (const line of listed.split('\n')) {
    if (line.startsWith('-')) boundaries.push(line.slice(1));
    else if (line !== '') commits.push(line);
  }
  let truncated = false;
  if ((await probe(git, ['rev-parse', '--is-shallow-repository'], cwd)) === 'true') {
    // .git/shallow lists the commits whose parents the clone does not have.
    const shallowFile = await probe(git, ['rev-parse', '--git-path', 'shallow'], cwd);
    const cut = new Set(shallowFile ? await readLines(path.resolve(cwd, shallowFile)) : []);
    truncated = commits.some((c) => cut.has(c));
  }
  return { commits, boundaries, otherBranches: refs.length, truncated };
}

async function readLines(file: string): Promise<string[]> {
  try {
    return (await readFile(file, 'utf8')).split('\n').filter(Boolean);
  } catch {
    return [];
  }
}
