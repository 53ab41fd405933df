// The staged source, for pre-commit hooks: lines added in the index compared with HEAD (or with
// nothing, before the first commit), with their line numbers in the staged version of each file.
// Runs with the caller's environment, so a hook's GIT_INDEX_FILE (`git commit -a`, `git commit PATH`)
// is the index that gets scanned.
import type { SourceEvent } from './directory.js';
import { UNIFIED_DIFF_FLAGS, runUnifiedDiff } from './git-diff.js';
import { GitError, GitRunner, type GitRunnerOptions } from './git-runner.js';

export interface GitStagedOptions extends GitRunnerOptions {
  maxFileSize: number;
  skipPath?: (relativePath: string) => boolean;
}

export async function* scanGitStaged(options: GitStagedOptions): AsyncGenerator<SourceEvent> {
  const git = new GitRunner(options);
  const topLevel = (await git.probe(['rev-parse', '--show-toplevel']))?.trim();
  if (!topLevel) {
    const bare = (await git.probe(['rev-parse', '--is-bare-repository']))?.trim() === 'true';
    throw new GitError(bare ? `a bare repository has no index to scan: ${options.cwd} (--history and --diff work here)` : `not a git repository (or inside one): ${options.cwd}`);
  }
  // Paths in diff output are relative to the top level whatever the cwd; run there so they match.
  const atTop = new GitRunner({ ...options, cwd: topLevel });
  const hasHead = (await atTop.probe(['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'])) !== undefined;
  yield* runUnifiedDiff(atTop, ['diff', '--cached', ...UNIFIED_DIFF_FLAGS, ...(hasHead ? ['HEAD'] : []), '--'], {
    maxFileSize: options.maxFileSize,
    ...(options.skipPath ? { skipPath: options.skipPath } : {}),
  });
}
