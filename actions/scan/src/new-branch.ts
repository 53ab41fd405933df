// A push that created a branch (`before` is all zeros) has no "before" to diff against. Scanning the
// whole history would report every old key on the default branch again on every new branch, so this
// scans only the commits the push brings that no other branch of origin already has, the way a
// reviewer would see the branch. A shallow checkout cannot tell which commits are new: then the
// branch's files are compared with the default branch's tip, and the log says so.
import { probe, newBranchCommits, type Git } from './git.js';
import type { ResolvedScope } from './scope.js';

export interface NewBranchPush {
  /** The pushed commit (`after`). */
  head: string;
  /** The pushed branch, without refs/heads/. */
  branch: string;
  defaultBranch?: string;
}

interface Say {
  info(message: string): void;
  warning(message: string): void;
}

const short = (sha: string) => sha.slice(0, 7);
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export async function resolveNewBranch(push: NewBranchPush, repoRoot: string, git: Git, io: Say): Promise<ResolvedScope> {
  const found = await newBranchCommits(git, repoRoot, push.head, push.branch);
  if (!found.truncated) {
    if (found.commits.length === 0) {
      // Nothing to walk: a diff of the commit with itself scans nothing and keeps the upload of the tree.
      return { kind: 'diff', base: push.head, head: push.head, pullRequest: false, label: `no new commits (${short(push.head)} is already on another branch)` };
    }
    const what = found.otherBranches === 0 ? 'no other branch of origin is in the checkout' : 'no other branch has them';
    return {
      kind: 'commits',
      revisions: [push.head, ...found.boundaries.map((b) => `^${b}`)],
      label: `the ${plural(found.commits.length, 'commit')} the new branch brings (${what})`,
    };
  }
  // A shallow clone (actions/checkout's default fetch-depth: 1) lacks the history that says which commits are new.
  if (push.defaultBranch && push.defaultBranch !== push.branch) {
    const ref = `refs/remotes/origin/${push.defaultBranch}`;
    let tip = await probe(git, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`], repoRoot);
    if (!tip) {
      io.info(`shallow checkout: fetching the tip of ${push.defaultBranch} to compare the new branch with`);
      await probe(git, ['fetch', '--no-tags', '--no-recurse-submodules', '--depth=1', 'origin', `+refs/heads/${push.defaultBranch}:${ref}`], repoRoot);
      tip = await probe(git, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`], repoRoot);
    }
    if (tip) {
      io.info(
        `shallow checkout: the history that tells which commits are new is missing, so the new branch's files are compared with ` +
          `${push.defaultBranch} (${short(tip)}); with fetch-depth: 0 the pushed commits are scanned one by one`,
      );
      return {
        kind: 'diff',
        base: tip,
        head: push.head,
        pullRequest: false,
        label: `the lines the new branch adds compared with ${push.defaultBranch} (${short(tip)}..${short(push.head)}; a shallow checkout)`,
      };
    }
  }
  io.warning(
    `shallow checkout with no default branch to compare with: scanning every file of ${short(push.head)}, including keys other branches ` +
      'already have; use actions/checkout with fetch-depth: 0 to scan only the pushed commits',
  );
  return { kind: 'commits', revisions: [push.head], label: `every file of ${short(push.head)} (a shallow checkout without its history)` };
}
