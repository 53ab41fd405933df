// One Octokit for everything keyward asks of GitHub. The base URL comes from the caller (the runner's
// GITHUB_API_URL), so GitHub Enterprise Server and tests' local servers need nothing special.
import { Octokit } from '@octokit/rest';
import { silentLogger, type Logger } from './logger.js';

export type GitHubClient = Octokit;

export interface GitHubClientOptions {
  token: string;
  /** REST API root, e.g. https://api.github.com or https://ghe.example/api/v3. */
  apiUrl?: string;
  userAgent?: string;
  logger?: Logger;
  /** Injected fetch (tests, proxies); default: the global fetch. */
  fetch?: typeof fetch;
}

export const DEFAULT_API_URL = 'https://api.github.com';

export function createGitHubClient(options: GitHubClientOptions): GitHubClient {
  const logger = options.logger ?? silentLogger;
  return new Octokit({
    auth: options.token,
    baseUrl: (options.apiUrl ?? DEFAULT_API_URL).replace(/\/+$/, ''),
    userAgent: options.userAgent ?? 'keyward',
    // Octokit's request log lines name the method, the route and the status: never a header or a body.
    log: {
      debug: (m: string) => logger.debug(m),
      info: (m: string) => logger.debug(m),
      warn: (m: string) => logger.warning(m),
      error: (m: string) => logger.debug(m),
    },
    ...(options.fetch ? { request: { fetch: options.fetch } } : {}),
  });
}

/** `owner/name` from GITHUB_REPOSITORY, with a clear error for anything else. */
export function parseRepository(text: string): { owner: string; repo: string } {
  const match = /^([A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)\/([A-Za-z0-9._-]+)$/.exec(text.trim());
  if (!match) throw new Error(`repository must look like owner/name, not "${text}"`);
  return { owner: match[1]!, repo: match[2]! };
}
