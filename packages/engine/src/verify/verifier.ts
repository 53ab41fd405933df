// Is a found credential live? One request per distinct secret to its provider's documented read-only
// endpoint (verify/spec.ts), three answers: verified (the provider accepted it, and says whose it is),
// invalid (the provider rejected it), unknown (anything else: timeout, rate limit, network, a redirect,
// an answer the rule does not describe). A network error is never reported as invalid.
// Safety: only the rule's own https host is contacted, redirects are not followed, every request has a
// timeout, a global concurrency cap and a per-host pace apply, and no message carries the secret.
import type { Finding, Rule } from '../types.js';
import { fill, type ResponseMatcher, type VerifySpec } from './spec.js';

export type VerificationStatus = 'verified' | 'invalid' | 'unknown';

export interface Verification {
  status: VerificationStatus;
  /** From the provider's answer, when verified: an account, a user, scopes. Escaped for printing. */
  identity?: Record<string, string>;
  /** Why unknown, or what the provider said: never the secret. */
  detail?: string;
}

export type FetchLike = (url: string, init: { method: string; headers: Record<string, string>; body?: string; redirect: 'manual'; signal: AbortSignal }) => Promise<{
  status: number;
  text(): Promise<string>;
}>;

export interface VerifyOptions {
  fetch: FetchLike;
  /** Per request (default 10 s). */
  timeoutMs?: number;
  /** Requests in flight at once, all providers together (default 8). */
  concurrency?: number;
  /** At least this long between two requests to one host (default 100 ms). */
  perHostIntervalMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export interface VerifyStats {
  requests: number;
  verified: number;
  invalid: number;
  unknown: number;
}

function lookup(doc: unknown, dotted: string): unknown {
  let cur: unknown = doc;
  for (const part of dotted.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

function matches(m: ResponseMatcher, status: number, json: unknown): boolean {
  if (!m.status.includes(status)) return false;
  for (const [pathKey, want] of Object.entries(m.json ?? {})) {
    const got = lookup(json, pathKey);
    if (Array.isArray(want) ? !want.some((w) => w === got) : want !== got) return false;
  }
  return true;
}

/** A value from a remote server, fit to print anywhere: one line, control characters escaped, capped. */
function printable(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return JSON.stringify(text ?? '').slice(1, -1).replace(/^::/, ':\u200b:').slice(0, 120);
}

function request(spec: VerifySpec, secret: string): { url: string; method: string; headers: Record<string, string>; body?: string } {
  if (/[\r\n\0]/.test(secret)) throw new Error('the value holds a line break; not sent');
  const headers: Record<string, string> = { 'user-agent': 'keyward-verify', accept: 'application/json' };
  for (const [k, v] of Object.entries(spec.headers)) headers[k.toLowerCase()] = fill(v, secret);
  if (spec.basic) headers.authorization = `Basic ${Buffer.from(`${fill(spec.basic.username, secret)}:${fill(spec.basic.password, secret)}`).toString('base64')}`;
  const out: { url: string; method: string; headers: Record<string, string>; body?: string } = { url: fill(spec.url, secret, true), method: spec.method, headers };
  if (spec.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    out.body = new URLSearchParams(Object.entries(spec.form).map(([k, v]): [string, string] => [k, fill(v, secret)])).toString();
  }
  return out;
}

export class Verifier {
  readonly stats: VerifyStats = { requests: 0, verified: 0, invalid: 0, unknown: 0 };
  private readonly cache = new Map<string, Promise<Verification>>();
  private readonly lastByHost = new Map<string, number>();
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  private readonly timeoutMs: number;
  private readonly concurrency: number;
  private readonly interval: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: VerifyOptions) {
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.concurrency = Math.max(1, options.concurrency ?? 8);
    this.interval = options.perHostIntervalMs ?? 100;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  /** Each distinct (rule, secret) once per scan, however many places hold it. */
  verify(rule: Rule & { verify?: VerifySpec }, finding: Finding): Promise<Verification> {
    const spec = rule.verify;
    if (!spec) return Promise.resolve({ status: 'unknown', detail: 'no verifier for this rule' });
    const key = `${rule.id}\0${finding.secret}`;
    let pending = this.cache.get(key);
    if (!pending) {
      pending = this.run(spec, finding.secret);
      this.cache.set(key, pending);
    }
    return pending;
  }

  private async slot(host: string): Promise<() => void> {
    while (this.active >= this.concurrency) await new Promise<void>((r) => this.waiting.push(r));
    this.active++;
    // Pace requests to one host; the reservation is taken before waiting so concurrent callers queue.
    const last = this.lastByHost.get(host) ?? -Infinity;
    const at = Math.max(this.now(), last + this.interval);
    this.lastByHost.set(host, at);
    if (at > this.now()) await this.sleep(at - this.now());
    return () => {
      this.active--;
      this.waiting.shift()?.();
    };
  }

  private async run(spec: VerifySpec, secret: string): Promise<Verification> {
    const result = await this.attempt(spec, secret);
    this.stats[result.status]++;
    return result;
  }

  private async attempt(spec: VerifySpec, secret: string): Promise<Verification> {
    let req;
    try {
      req = request(spec, secret);
    } catch (error) {
      return { status: 'unknown', detail: (error as Error).message };
    }
    const host = new URL(req.url).host;
    const release = await this.slot(host);
    try {
      this.stats.requests++;
      const response = await this.options.fetch(req.url, {
        method: req.method,
        headers: req.headers,
        ...(req.body !== undefined ? { body: req.body } : {}),
        redirect: 'manual',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      const status = response.status;
      if (status >= 300 && status < 400) return { status: 'unknown', detail: `HTTP ${status}: a redirect, not followed` };
      if (status === 429) return { status: 'unknown', detail: 'HTTP 429: rate limited by the provider' };
      let json: unknown;
      const text = await response.text().catch(() => '');
      try {
        json = text ? JSON.parse(text) : undefined;
      } catch {
        json = undefined;
      }
      if (matches(spec.verified, status, json)) {
        const identity: Record<string, string> = {};
        for (const [label, dotted] of Object.entries(spec.identity)) {
          const value = lookup(json, dotted);
          if (value !== undefined && value !== null && value !== '') identity[label] = printable(value);
        }
        return Object.keys(identity).length ? { status: 'verified', identity } : { status: 'verified' };
      }
      if (matches(spec.invalid, status, json)) return { status: 'invalid', detail: `HTTP ${status}` };
      return { status: 'unknown', detail: `HTTP ${status}: an answer the rule does not describe` };
    } catch (error) {
      const name = (error as Error).name;
      if (name === 'TimeoutError' || name === 'AbortError') return { status: 'unknown', detail: `no answer within ${Math.round(this.timeoutMs / 1000)} s` };
      // Node's fetch puts the reason in `cause`; its message names the host and the code, never a header.
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      return { status: 'unknown', detail: `network error${cause ? ` (${cause})` : ''} reaching ${host}` };
    } finally {
      release();
    }
  }
}

/** Verify every finding whose rule has a check; findings of other rules are left unverified. */
export async function verifyFindings(findings: Finding[], rules: readonly Rule[], options: VerifyOptions): Promise<VerifyStats> {
  const verifier = new Verifier(options);
  const byId = new Map(rules.map((r) => [r.id, r]));
  await Promise.all(
    findings.map(async (f) => {
      const rule = byId.get(f.ruleId);
      if (!rule?.verify) return;
      f.verification = await verifier.verify(rule, f);
    }),
  );
  return verifier.stats;
}
