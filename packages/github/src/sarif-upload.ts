// Upload a SARIF log to GitHub code scanning: POST /repos/{owner}/{repo}/code-scanning/sarifs with
// the file gzip-compressed and base64-encoded. The API has no category parameter: the category lives
// in the file, as runs[].automationDetails.id.
// https://docs.github.com/en/rest/code-scanning/code-scanning#upload-an-analysis-as-sarif-data
import { gzipSync } from 'node:zlib';
import type { Log } from 'sarif';
import type { GitHubClient } from './client.js';
import { silentLogger, type Logger } from './logger.js';
import { fitSarifToLimits, GITHUB_SARIF_LIMITS, type SarifLimits } from './sarif-limits.js';

export interface SarifUploadTarget {
  owner: string;
  repo: string;
  /** The commit the analysis describes (for pull requests: the merge commit GitHub checked out). */
  commitSha: string;
  /** Full ref, e.g. refs/heads/main or refs/pull/42/merge. */
  ref: string;
  /** file:// URI of the checkout root; lets GitHub map absolute paths, harmless with relative ones. */
  checkoutUri?: string;
  toolName?: string;
  /** ISO 8601 time the analysis started. */
  startedAt?: string;
}

export interface SarifUploadOptions {
  logger?: Logger;
  limits?: SarifLimits;
  /** Attempts for a server error or a dropped connection (4xx answers are final). */
  attempts?: number;
  /** Injected so tests need no timers. */
  sleep?: (ms: number) => Promise<void>;
}

export interface SarifUploadResult {
  id: string;
  url?: string;
  /** What had to be trimmed to fit GitHub's limits (empty when nothing was). */
  notes: string[];
  results: number;
  gzippedBytes: number;
}

export class SarifUploadError extends Error {
  override name = 'SarifUploadError';
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

/** Category as GitHub reads automationDetails.id: everything up to the last `/`, so we end it with one. */
export function automationId(category: string): string {
  const trimmed = category.trim();
  if (!trimmed) throw new Error('the SARIF category must not be empty');
  return trimmed.endsWith('/') ? trimmed : `${trimmed}/`;
}

/** A copy of the log with every run carrying the category. */
export function withCategory(log: Log, category: string): Log {
  const id = automationId(category);
  return { ...log, runs: log.runs.map((run) => ({ ...run, automationDetails: { ...run.automationDetails, id } })) };
}

/** gzip, then base64: the encoding the upload endpoint's `sarif` field takes. */
export function encodeSarif(log: Log): { sarif: string; gzippedBytes: number } {
  const gzipped = gzipSync(JSON.stringify(log));
  return { sarif: gzipped.toString('base64'), gzippedBytes: gzipped.length };
}

function explain(status: number | undefined, message: string): string {
  if (status === 403 && /advanced security|code scanning is not enabled/i.test(message)) {
    return `${message}. Code scanning is not enabled for this repository (private repositories need GitHub Advanced Security); set upload-sarif: false to skip the upload.`;
  }
  if (status === 403 || status === 401) {
    return `${message}. The token cannot upload code-scanning results: give the job \`permissions: security-events: write\` (and \`contents: read\`).`;
  }
  if (status === 404) return `${message}. The repository was not found, or the token cannot see it.`;
  if (status === 413) return `${message}. The SARIF file is larger than GitHub accepts.`;
  return message;
}

const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function uploadSarif(client: GitHubClient, log: Log, target: SarifUploadTarget, options: SarifUploadOptions = {}): Promise<SarifUploadResult> {
  const logger = options.logger ?? silentLogger;
  const fitted = fitSarifToLimits(log, options.limits ?? GITHUB_SARIF_LIMITS);
  for (const note of fitted.notes) logger.warning(note);
  const { sarif, gzippedBytes } = encodeSarif(fitted.log);
  const attempts = Math.max(1, options.attempts ?? 3);
  const sleep = options.sleep ?? sleepFor;
  for (let attempt = 1; ; attempt++) {
    try {
      const response = await client.rest.codeScanning.uploadSarif({
        owner: target.owner,
        repo: target.repo,
        commit_sha: target.commitSha,
        ref: target.ref,
        sarif,
        ...(target.checkoutUri ? { checkout_uri: target.checkoutUri } : {}),
        ...(target.toolName ? { tool_name: target.toolName } : {}),
        ...(target.startedAt ? { started_at: target.startedAt } : {}),
      });
      const data = response.data as { id?: string; url?: string };
      return {
        id: data.id ?? '',
        ...(data.url ? { url: data.url } : {}),
        notes: fitted.notes,
        results: fitted.resultsAfter,
        gzippedBytes,
      };
    } catch (error) {
      const status = (error as { status?: number }).status;
      const message = (error as Error).message || String(error);
      const retryable = status === undefined || status >= 500;
      if (!retryable || attempt >= attempts) {
        throw new SarifUploadError(`code-scanning upload failed${status ? ` (HTTP ${status})` : ''}: ${explain(status, message)}`, status);
      }
      logger.info(`code-scanning upload attempt ${attempt} failed${status ? ` (HTTP ${status})` : ''}; retrying`);
      await sleep(1000 * 2 ** (attempt - 1));
    }
  }
}
