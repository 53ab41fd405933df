import { type FetchLike, requestJson } from './http.js';

export interface JobOutcomeQuery {
  apiUrl: string;
  token: string;
  repository: string;
  runId: string;
  runAttempt: string;
  /** RUNNER_NAME: the one in-progress job of this run on this runner is ours. */
  runnerName: string;
  fetch?: FetchLike;
}

/**
 * Whether the current job has a failed step. A post step has no direct way to know (job.status is evaluated at
 * main time), so this asks the Actions API for this run attempt's jobs. Undefined when it cannot tell.
 */
export async function jobHasFailed(query: JobOutcomeQuery): Promise<boolean | undefined> {
  const url =
    `${query.apiUrl.replace(/\/+$/, '')}/repos/${query.repository}/actions/runs/${encodeURIComponent(query.runId)}` +
    `/attempts/${encodeURIComponent(query.runAttempt)}/jobs?per_page=100`;
  const response = await requestJson<{
    jobs?: Array<{ status: string; runner_name?: string | null; steps?: Array<{ conclusion?: string | null }> }>;
  }>(query.fetch ?? fetch, {
    method: 'GET',
    url,
    headers: { authorization: `Bearer ${query.token}`, 'x-github-api-version': '2022-11-28', 'user-agent': 'keyward-provision' },
    timeoutMs: 10_000,
  });
  if (response.status !== 200) return undefined;
  const job = response.body?.jobs?.find((j) => j.status === 'in_progress' && j.runner_name === query.runnerName);
  if (!job) return undefined;
  return (job.steps ?? []).some((step) => step.conclusion === 'failure');
}
