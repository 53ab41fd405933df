// The seam between the action and the engine's sources. The action asks for "the files", "the lines
// base..head added" or "the whole history"; which engine function answers is decided here only.
import { scanDirectory, scanGitDiff, scanGitHistory, type SourceEvent } from '@keyward/engine';

export interface SourceRequest {
  /** Directory to scan (the `path` input); for git sources, any folder inside the repository. */
  root: string;
  maxFileSize: number;
  respectGitignore: boolean;
  /** Paths an allowlist skips without reading. */
  skipPath: (relativePath: string) => boolean;
}

export interface SourceFactory {
  directory(request: SourceRequest): AsyncIterable<SourceEvent>;
  /** Lines added between two commits, with their line numbers in `head`; paths relative to the repository root. */
  diff(request: SourceRequest & { base: string; head: string }): AsyncIterable<SourceEvent>;
  /**
   * Every unique blob in the history, attributed to the commit that introduced it; repository-relative paths.
   * `revisions` narrows the walk (e.g. `[head, '^base']`); absent: every ref.
   */
  history(request: SourceRequest & { revisions?: readonly string[] }): AsyncIterable<SourceEvent>;
}

export const engineSources: SourceFactory = {
  directory: (request) =>
    scanDirectory(request.root, {
      maxFileSize: request.maxFileSize,
      respectGitignore: request.respectGitignore,
      skipPath: request.skipPath,
    }),
  diff: (request) =>
    scanGitDiff({ cwd: request.root, base: request.base, head: request.head, maxFileSize: request.maxFileSize, skipPath: request.skipPath }),
  // Every ref by default (the engine's), so a secret on any branch the checkout fetched is found.
  history: (request) =>
    scanGitHistory({
      cwd: request.root,
      maxFileSize: request.maxFileSize,
      skipPath: request.skipPath,
      ...(request.revisions ? { revisions: request.revisions } : {}),
    }),
};
