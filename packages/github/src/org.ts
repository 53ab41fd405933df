// Organization scans: list an organization's (or user's) repositories through the REST API, filter
// them, and split them into shards balanced by size for a GitHub Actions matrix. GitHub Actions is the
// distributed engine; this only plans. Rate limits: Octokit's throttling plugin waits out primary limits
// (x-ratelimit-remaining 0 until x-ratelimit-reset) and secondary limits (retry-after), a few times.
import { Octokit } from '@octokit/rest';
import { throttling } from '@octokit/plugin-throttling';
import picomatch from 'picomatch';
import { silentLogger, type Logger } from './logger.js';

export interface OrgRepository {
  /** owner/name */
  fullName: string;
  cloneUrl: string;
  defaultBranch: string;
  /** Size in KB, as the API reports it (the shards are balanced on it). */
  sizeKb: number;
  archived: boolean;
  fork: boolean;
  visibility: string;
  topics: string[];
  pushedAt: string | null;
}

export interface RepositoryFilter {
  /** Include archived repositories (default false). */
  archived?: boolean;
  /** Include forks (default false). */
  forks?: boolean;
  /** Only these visibilities (public, private, internal); default all. */
  visibility?: string[];
  /** Only repositories with at least one of these topics. */
  topics?: string[];
  /** picomatch glob on the repository name (not the owner), e.g. `api-*`. */
  name?: string;
  /** Only repositories pushed at or after this ISO date. */
  pushedSince?: string;
}

export interface ListOptions {
  token: string;
  apiUrl: string;
  /** An organization, or `user:NAME` for a user's repositories. */
  owner: string;
  logger?: Logger;
  /** Retries of a rate-limited request before giving up (default 4). */
  rateLimitRetries?: number;
  fetch?: typeof fetch;
}

const ThrottledOctokit = Octokit.plugin(throttling) as typeof Octokit;

/** An Octokit that waits out rate limits (the throttling plugin); the REST surface is Octokit's. */
export function createOrgClient(options: ListOptions): Octokit {
  const logger = options.logger ?? silentLogger;
  const retries = options.rateLimitRetries ?? 4;
  // The throttle option belongs to the plugin; Octokit's own option type does not list it.
  return new ThrottledOctokit({
    auth: options.token,
    baseUrl: options.apiUrl.replace(/\/+$/, ''),
    userAgent: 'keyward-org',
    log: { debug: () => undefined, info: () => undefined, warn: (m: string) => logger.debug(m), error: (m: string) => logger.debug(m) },
    ...(options.fetch ? { request: { fetch: options.fetch } } : {}),
    throttle: {
      onRateLimit: (after: number, request: { method: string; url: string }, _o: unknown, count: number) => {
        logger.warning(`GitHub rate limit reached for ${request.method} ${request.url}; retrying in ${after} s (${count + 1}/${retries})`);
        return count < retries;
      },
      onSecondaryRateLimit: (after: number, request: { method: string; url: string }, _o: unknown, count: number) => {
        logger.warning(`GitHub secondary rate limit for ${request.method} ${request.url}; retrying in ${after} s (${count + 1}/${retries})`);
        return count < retries;
      },
    },
  } as ConstructorParameters<typeof Octokit>[0]);
}

interface ApiRepository {
  full_name: string;
  clone_url: string;
  default_branch?: string;
  size?: number;
  archived?: boolean;
  fork?: boolean;
  visibility?: string;
  private?: boolean;
  topics?: string[];
  pushed_at?: string | null;
}

function toRepository(r: ApiRepository): OrgRepository {
  return {
    fullName: r.full_name,
    cloneUrl: r.clone_url,
    defaultBranch: r.default_branch ?? 'main',
    sizeKb: r.size ?? 0,
    archived: Boolean(r.archived),
    fork: Boolean(r.fork),
    visibility: r.visibility ?? (r.private ? 'private' : 'public'),
    topics: r.topics ?? [],
    pushedAt: r.pushed_at ?? null,
  };
}

/** Every repository of the owner (all pages), then filtered. */
export async function listRepositories(options: ListOptions, filter: RepositoryFilter = {}): Promise<OrgRepository[]> {
  const client = createOrgClient(options);
  const user = options.owner.startsWith('user:') ? options.owner.slice(5) : undefined;
  const raw = (
    user
      ? await client.paginate('GET /users/{username}/repos', { username: user, per_page: 100, type: 'owner' })
      : await client.paginate('GET /orgs/{org}/repos', { org: options.owner, per_page: 100, type: 'all' })
  ) as ApiRepository[];
  return filterRepositories(raw.map(toRepository), filter);
}

export function filterRepositories(repos: readonly OrgRepository[], filter: RepositoryFilter): OrgRepository[] {
  const nameMatches = filter.name ? picomatch(filter.name, { nocase: true }) : undefined;
  const since = filter.pushedSince ? Date.parse(filter.pushedSince) : undefined;
  return repos.filter((r) => {
    if (r.archived && !filter.archived) return false;
    if (r.fork && !filter.forks) return false;
    if (filter.visibility?.length && !filter.visibility.includes(r.visibility)) return false;
    if (filter.topics?.length && !r.topics.some((t) => filter.topics!.includes(t))) return false;
    if (nameMatches && !nameMatches(r.fullName.split('/')[1] ?? r.fullName)) return false;
    if (since !== undefined && (!r.pushedAt || Date.parse(r.pushedAt) < since)) return false;
    return true;
  });
}

export interface OrgPlan {
  version: 1;
  owner: string;
  createdAt: string;
  shards: Array<{ shard: number; sizeKb: number; repositories: OrgRepository[] }>;
}

/**
 * Largest first, each to the lightest shard so far (LPT): within 4/3 of the best possible balance, and
 * deterministic (ties broken by name), so re-planning the same list gives the same shards.
 */
export function planShards(owner: string, repos: readonly OrgRepository[], shardCount: number, now = new Date()): OrgPlan {
  if (!Number.isInteger(shardCount) || shardCount < 1 || shardCount > 256) throw new Error('the shard count must be a whole number from 1 to 256 (a matrix holds at most 256 jobs)');
  const shards = Array.from({ length: Math.min(shardCount, Math.max(repos.length, 1)) }, (_, shard) => ({ shard, sizeKb: 0, repositories: [] as OrgRepository[] }));
  // A repository's clone and scan have a fixed cost besides their size: weigh each at least 1 MB.
  const weight = (r: OrgRepository) => Math.max(r.sizeKb, 1024);
  const sorted = [...repos].sort((a, b) => weight(b) - weight(a) || (a.fullName < b.fullName ? -1 : 1));
  for (const repo of sorted) {
    const lightest = shards.reduce((min, s) => (s.sizeKb < min.sizeKb ? s : min));
    lightest.repositories.push(repo);
    lightest.sizeKb += weight(repo);
  }
  return { version: 1, owner, createdAt: now.toISOString(), shards };
}

/** `strategy.matrix` for the plan: `{"shard": [0, 1, ...]}`. */
export function planMatrix(plan: OrgPlan): { shard: number[] } {
  return { shard: plan.shards.map((s) => s.shard) };
}
