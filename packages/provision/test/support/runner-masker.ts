/**
 * Masks text the way the Actions runner does: every occurrence of every registered value is replaced by ***,
 * overlapping hits merged. Values are registered by `::add-mask::` lines (escaped as @actions/core escapes
 * command data) and apply only to lines printed after them.
 */
export function maskText(text: string, secrets: Iterable<string>): string {
  const ranges: Array<[number, number]> = [];
  for (const secret of secrets) {
    if (!secret) continue;
    for (let at = text.indexOf(secret); at !== -1; at = text.indexOf(secret, at + 1)) ranges.push([at, at + secret.length]);
  }
  if (ranges.length === 0) return text;
  ranges.sort((a, b) => a[0] - b[0]);
  let out = '';
  let cursor = 0;
  let [start, end] = ranges[0] as [number, number];
  for (const [s, e] of ranges.slice(1)) {
    if (s <= end) {
      end = Math.max(end, e);
      continue;
    }
    out += `${text.slice(cursor, start)}***`;
    cursor = end;
    [start, end] = [s, e];
  }
  return `${out}${text.slice(cursor, start)}***${text.slice(end)}`;
}

const unescapeCommandData = (data: string): string =>
  data.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');

/** What the runner's log shows for a step's stdout: mask commands consumed, later lines masked. */
export function runnerLog(stdout: string, masks: Set<string> = new Set()): { log: string; masks: Set<string> } {
  const shown: string[] = [];
  for (const line of stdout.split('\n')) {
    const command = /^::add-mask::(.*)$/.exec(line);
    if (command) {
      masks.add(unescapeCommandData(command[1] as string));
      continue;
    }
    shown.push(maskText(line, masks));
  }
  return { log: shown.join('\n'), masks };
}

/** Substrings of `secret` long enough that seeing one would be a leak. */
function fragments(secret: Buffer, size = 8): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i + size <= secret.length; i++) out.push(secret.subarray(i, i + size));
  return out.length ? out : [secret];
}

/**
 * Whether `text` reveals `secret`, directly or in an encoding: the plain value, URL- and JSON-unescaped text,
 * and every base64/base64url run decoded at each of the 4 alignments and every hex run at both alignments,
 * each checked for any 8-byte piece of the secret. Independent of how keyward derives its masks.
 */
export function revealsSecret(text: string, secret: string): string | undefined {
  const pieces = fragments(Buffer.from(secret, 'utf8'));
  const contains = (haystack: Buffer): boolean => pieces.some((piece) => haystack.includes(piece));
  if (text.includes(secret)) return 'plain';
  try {
    if (contains(Buffer.from(decodeURIComponent(text.replace(/\+/g, ' '))))) return 'url-encoded';
  } catch {
    /* not URL-encoded text */
  }
  const jsonUnescaped = text.replace(/\\u([0-9a-fA-F]{4})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))).replace(/\\(["\\/])/g, '$1');
  if (contains(Buffer.from(jsonUnescaped))) return 'json-escaped';
  for (const run of text.match(/[A-Za-z0-9+/_-]{8,}={0,2}/g) ?? []) {
    for (let offset = 0; offset < 4; offset++) {
      const chunk = run.slice(offset).replace(/=+$/, '');
      const usable = chunk.slice(0, chunk.length - (chunk.length % 4));
      if (usable.length < 8) continue;
      if (contains(Buffer.from(usable.replace(/-/g, '+').replace(/_/g, '/'), 'base64'))) return 'base64';
    }
  }
  for (const run of text.match(/[0-9a-fA-F]{16,}/g) ?? []) {
    for (let offset = 0; offset < 2; offset++) {
      const chunk = run.slice(offset);
      if (contains(Buffer.from(chunk.slice(0, chunk.length - (chunk.length % 2)), 'hex'))) return 'hex';
    }
  }
  return undefined;
}

/** Which lines (1-based) of `text` reveal `secret`: for failure messages, which must not print the text itself. */
export function leakingLines(text: string, secret: string): string {
  const lines = text.split('\n').flatMap((line, i) => (revealsSecret(line, secret) ? [i + 1] : []));
  return lines.join(', ') || 'none on its own';
}

/** Ways a later step might print a secret: the forms the issue lists, plus base64 of a longer text around it. */
export function leakProbes(secret: string): string[] {
  const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');
  const probes = [
    secret,
    b64(secret),
    b64(secret).replace(/=+$/, ''),
    b64(secret).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''),
    Buffer.from(secret).toString('hex'),
    Buffer.from(secret).toString('hex').toUpperCase(),
    encodeURIComponent(secret),
    JSON.stringify({ password: secret }),
  ];
  // e.g. an Authorization: Basic header, or a secret inside a base64-encoded config blob, at every alignment.
  for (const prefix of ['', 'u', 'us', 'user:', 'x-access-token:', '{"pw":"']) {
    probes.push(b64(`${prefix}${secret}`), b64(`${prefix}${secret}"}`).replace(/=+$/, ''));
  }
  return probes;
}
