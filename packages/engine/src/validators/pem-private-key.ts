// A PEM private key block (RFC 7468) whose body is base64 of one DER SEQUENCE that spans the whole body:
// PKCS#1 RSA, SEC 1 EC, DSA and PKCS#8 keys start with an INTEGER version, PKCS#8 ENCRYPTED keys with the
// AlgorithmIdentifier SEQUENCE. Legacy OpenSSL encryption (Proc-Type: 4,ENCRYPTED) hides the DER, so there
// the body must be whole cipher blocks instead.
import type { SeededRandom } from '../random.js';
import type { Validator } from './validator.js';

const BEGIN = /-----BEGIN ((?:RSA |EC |DSA |ENCRYPTED )?PRIVATE KEY)-----/;
const INTEGER = 0x02;
const SEQUENCE = 0x30;

export interface ArmoredBlock {
  label: string;
  headers: Map<string, string>;
  base64: string;
}

/** Label, RFC 1421-style headers and base64 body of the first armored block in `text`. */
export function parseArmor(text: string, begin: RegExp): ArmoredBlock | undefined {
  const m = begin.exec(text);
  if (!m) return undefined;
  const end = text.indexOf('-----END', m.index + m[0].length);
  if (end < 0) return undefined;
  const headers = new Map<string, string>();
  let base64 = '';
  for (const raw of text.slice(m.index + m[0].length, end).split('\n')) {
    const line = raw.trim();
    const header = /^([A-Za-z-]+):\s*(.*)$/.exec(line);
    if (header && !base64) headers.set(header[1]!.toLowerCase(), header[2]!);
    else base64 += line;
  }
  return { label: m[1]!, headers, base64 };
}

export function decodeBase64Strict(text: string): Buffer | undefined {
  if (text.length === 0 || text.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(text)) return undefined;
  return Buffer.from(text, 'base64');
}

/** Tag, header length and content length of the DER element at `offset`, or undefined. */
export function derElement(bytes: Uint8Array, offset: number): { tag: number; header: number; length: number } | undefined {
  const tag = bytes[offset];
  const first = bytes[offset + 1];
  if (tag === undefined || first === undefined) return undefined;
  if (first < 0x80) return { tag, header: 2, length: first };
  const count = first & 0x7f;
  if (count === 0 || count > 4) return undefined;
  let length = 0;
  for (let i = 0; i < count; i++) {
    const b = bytes[offset + 2 + i];
    if (b === undefined) return undefined;
    length = length * 256 + b;
  }
  if (length < 0x80) return undefined; // DER uses the short form when it can
  return { tag, header: 2 + count, length };
}

export function isPrivateKeyDer(der: Uint8Array, label: string): boolean {
  const outer = derElement(der, 0);
  if (!outer || outer.tag !== SEQUENCE || outer.header + outer.length !== der.length) return false;
  const first = derElement(der, outer.header);
  if (!first || outer.header + first.header + first.length > der.length) return false;
  return first.tag === (label === 'ENCRYPTED PRIVATE KEY' ? SEQUENCE : INTEGER);
}

/** Accepts the block itself, the block with JSON `\\n` escapes (service-account files), or the block base64-encoded (kubeconfig client-key-data). */
export function isPemPrivateKey(input: string): boolean {
  let text = input.includes('\\n') ? input.replace(/\\n/g, '\n') : input;
  if (text.startsWith('LS0tLS1CRUdJTi')) text = decodeBase64Strict(text)?.toString('latin1') ?? '';
  const block = parseArmor(text, BEGIN);
  if (!block) return false;
  const body = decodeBase64Strict(block.base64);
  if (!body) return false;
  if (block.headers.get('proc-type')?.includes('ENCRYPTED')) {
    return block.headers.has('dek-info') && body.length >= 64 && body.length % 8 === 0;
  }
  return isPrivateKeyDer(body, block.label);
}

function derLength(n: number): number[] {
  if (n < 0x80) return [n];
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return [0x80 | bytes.length, ...bytes];
}

export function der(tag: number, content: readonly number[]): number[] {
  return [tag, ...derLength(content.length), ...content];
}

/** A positive INTEGER of `size` random bytes. */
function randomInteger(rng: SeededRandom, size: number): number[] {
  const bytes = Array.from({ length: size }, () => rng.int(256));
  bytes[0] = (bytes[0]! & 0x7f) | 0x40;
  return der(INTEGER, bytes);
}

export function wrapPem(label: string, body: Uint8Array, headers = ''): string {
  const lines = Buffer.from(body).toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${headers}${lines.join('\n')}\n-----END ${label}-----`;
}

export const pemPrivateKeyValidator: Validator = {
  name: 'pem-private-key',
  validate: isPemPrivateKey,
  /**
   * A structurally valid but meaningless key: random INTEGERs in the right envelope.
   * `arg`: RSA, EC, DSA, PKCS8 (default), ENCRYPTED or LEGACY-ENCRYPTED; a `-JSON` suffix writes newlines
   * as JSON `\\n` escapes, a `-BASE64` suffix base64-encodes the whole block.
   */
  generate(rng, arg) {
    const spec = (arg ?? 'PKCS8').toUpperCase();
    const encoding = /-(JSON|BASE64)$/.exec(spec)?.[1];
    const pem = generatePem(rng, encoding ? spec.slice(0, -encoding.length - 1) : spec);
    if (encoding === 'JSON') return pem.replace(/\n/g, '\\n');
    if (encoding === 'BASE64') return Buffer.from(pem).toString('base64');
    return pem;
  },
};

function generatePem(rng: SeededRandom, kind: string): string {
  const version = der(INTEGER, [kind === 'EC' ? 1 : 0]);
  if (kind === 'LEGACY-ENCRYPTED') {
    const iv = rng.string('0123456789ABCDEF', 32);
    const body = Uint8Array.from({ length: 608 }, () => rng.int(256));
    return wrapPem('RSA PRIVATE KEY', body, `Proc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,${iv}\n\n`);
  }
  let content: number[];
  let label: string;
  if (kind === 'ENCRYPTED') {
    const algorithm = der(SEQUENCE, [...der(0x06, [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x05, 0x0d]), 0x05, 0x00]);
    const ciphertext = der(0x04, Array.from({ length: 640 }, () => rng.int(256)));
    content = [...algorithm, ...ciphertext];
    label = 'ENCRYPTED PRIVATE KEY';
  } else if (kind === 'EC') {
    content = [...version, ...der(0x04, Array.from({ length: 32 }, () => rng.int(256)))];
    label = 'EC PRIVATE KEY';
  } else {
    content = [...version];
    for (let i = 0; i < 5; i++) content.push(...randomInteger(rng, i === 1 ? 3 : 128));
    label = kind === 'RSA' ? 'RSA PRIVATE KEY' : kind === 'DSA' ? 'DSA PRIVATE KEY' : 'PRIVATE KEY';
  }
  return wrapPem(label, Uint8Array.from(der(SEQUENCE, content)));
}
