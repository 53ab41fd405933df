// A rule's live check, as data (the Kingfisher way): one HTTPS request to the provider's documented,
// read-only identity or introspection endpoint, with the secret templated into a header, the query or
// a form body, and matchers on the answer. The host is fixed in the rule and checked here, so a secret
// only ever goes where its provider documents; a host taken from scanned text is never a destination.

export interface ResponseMatcher {
  status: number[];
  /** Dotted JSON paths and the value (or any of the values) they must hold. */
  json?: Record<string, unknown>;
}

export interface VerifySpec {
  method: 'GET' | 'POST' | 'HEAD';
  /** https:// only; `{{secret}}` may appear in the path or query, never in the host. */
  url: string;
  headers: Record<string, string>;
  /** HTTP basic auth, each part a template. */
  basic?: { username: string; password: string };
  /** A form body (application/x-www-form-urlencoded), values templates. */
  form?: Record<string, string>;
  verified: ResponseMatcher;
  invalid: ResponseMatcher;
  /** Labels -> dotted JSON paths of the answer: who the credential belongs to, its scopes. */
  identity: Record<string, string>;
  /** The provider's documentation of the endpoint. */
  docs: string;
}

export class VerifySpecError extends Error {}

const TEMPLATE = /\{\{\s*secret\s*\}\}/g;
const HAS_TEMPLATE = /\{\{\s*secret\s*\}\}/;
const KEYS = new Set(['method', 'url', 'headers', 'basic', 'form', 'verified', 'invalid', 'identity', 'docs']);

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function matcher(raw: unknown, field: string): ResponseMatcher {
  if (!isObject(raw)) throw new VerifySpecError(`${field} must be a mapping with a status list`);
  const status = Array.isArray(raw.status) ? raw.status : [raw.status];
  if (status.length === 0 || status.some((s) => !Number.isInteger(s) || (s as number) < 100 || (s as number) > 599)) {
    throw new VerifySpecError(`${field}.status must be HTTP status codes`);
  }
  const out: ResponseMatcher = { status: status as number[] };
  if (raw.json !== undefined) {
    if (!isObject(raw.json)) throw new VerifySpecError(`${field}.json must map dotted paths to values`);
    out.json = raw.json;
  }
  return out;
}

function templates(raw: unknown, field: string): Record<string, string> {
  if (raw === undefined) return {};
  if (!isObject(raw) || Object.values(raw).some((v) => typeof v !== 'string')) throw new VerifySpecError(`${field} must map names to strings`);
  return raw as Record<string, string>;
}

export function parseVerifySpec(raw: unknown): VerifySpec {
  if (!isObject(raw)) throw new VerifySpecError('must be a mapping');
  for (const key of Object.keys(raw)) if (!KEYS.has(key)) throw new VerifySpecError(`unknown key "${key}" (allowed: ${[...KEYS].join(', ')})`);
  const method = (raw.method ?? 'GET') as VerifySpec['method'];
  if (!['GET', 'POST', 'HEAD'].includes(method)) throw new VerifySpecError('method must be GET, POST or HEAD (a check never changes state)');
  if (typeof raw.url !== 'string') throw new VerifySpecError('url is required');
  let url: URL;
  try {
    url = new URL(raw.url.replace(TEMPLATE, 'SECRET'));
  } catch {
    throw new VerifySpecError('url must be an absolute https:// URL');
  }
  if (url.protocol !== 'https:') throw new VerifySpecError('url must be https://: a secret never travels in clear text');
  const pathStart = raw.url.indexOf('/', 'https://'.length);
  const hostPart = pathStart < 0 ? raw.url : raw.url.slice(0, pathStart);
  if (HAS_TEMPLATE.test(hostPart) || /[{}]/.test(url.host)) throw new VerifySpecError('url: the secret may go in the path or query, never in the host');
  if (typeof raw.docs !== 'string' || !/^https:\/\/\S+$/.test(raw.docs)) throw new VerifySpecError("docs is required: a link to the provider's documentation of the endpoint");
  const spec: VerifySpec = {
    method,
    url: raw.url,
    headers: templates(raw.headers, 'headers'),
    verified: matcher(raw.verified, 'verified'),
    invalid: matcher(raw.invalid, 'invalid'),
    identity: templates(raw.identity, 'identity'),
    docs: raw.docs,
  };
  if (raw.basic !== undefined) {
    const b = templates(raw.basic, 'basic');
    if (typeof b.username !== 'string') throw new VerifySpecError('basic needs username (and password, default empty)');
    spec.basic = { username: b.username, password: b.password ?? '' };
  }
  if (raw.form !== undefined) spec.form = templates(raw.form, 'form');
  const uses = [spec.url, ...Object.values(spec.headers), spec.basic?.username ?? '', spec.basic?.password ?? '', ...Object.values(spec.form ?? {})].some((t) => HAS_TEMPLATE.test(t));
  if (!uses) throw new VerifySpecError('the request never uses {{secret}}');
  return spec;
}

/** The template with the secret in place; `encode` for URL parts. */
export function fill(template: string, secret: string, encode = false): string {
  return template.replace(/\{\{\s*secret\s*\}\}/g, () => (encode ? encodeURIComponent(secret) : secret));
}
