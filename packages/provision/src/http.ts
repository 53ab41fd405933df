import { PermanentError } from './retry.js';

export type FetchLike = typeof fetch;

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly method: string,
    readonly url: string,
    body: string,
  ) {
    // Server error bodies are short diagnostics; cut them anyway so nothing large lands in a warning.
    super(`${method} ${new URL(url).pathname} answered ${status}${body ? `: ${body.slice(0, 200)}` : ''}`);
    this.name = 'HttpError';
  }
}

export interface JsonRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
  signal?: AbortSignal;
  timeoutMs?: number;
}

/** One JSON request; returns status and parsed body without throwing on HTTP errors. */
export async function requestJson<T = unknown>(
  fetchImpl: FetchLike,
  request: JsonRequest,
): Promise<{ status: number; body: T | undefined; text: string }> {
  const timeout = AbortSignal.timeout(request.timeoutMs ?? 15_000);
  const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
  const response = await fetchImpl(request.url, {
    method: request.method,
    headers: {
      accept: 'application/json',
      ...(request.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...request.headers,
    },
    body: request.body === undefined ? undefined : JSON.stringify(request.body),
    signal,
  });
  const text = await response.text();
  let body: T | undefined;
  try {
    body = text ? (JSON.parse(text) as T) : undefined;
  } catch {
    body = undefined;
  }
  return { status: response.status, body, text };
}

/** Client errors other than throttling will not change on retry. */
export function httpFailure(status: number, method: string, url: string, text: string): Error {
  const error = new HttpError(status, method, url, text);
  if (status >= 400 && status < 500 && status !== 408 && status !== 429) {
    return Object.assign(new PermanentError(error.message), { status });
  }
  return error;
}
