// A reproducible corpus of realistic source and config files with planted secrets, for the scan
// benchmark. The same seed and size always give the same bytes. Secrets are generated here, at run
// time, in the documented formats (GitHub's CRC32 suffix included); nothing realistic is committed.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { crc32 } from 'node:zlib';

export function rng(seed) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n) => Math.floor(next() * n),
    pick: (items) => items[Math.floor(next() * items.length)],
    string: (alphabet, n) => {
      let s = '';
      for (let i = 0; i < n; i++) s += alphabet[Math.floor(next() * alphabet.length)];
      return s;
    },
  };
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const ALNUM = BASE62;
const HEX = '0123456789abcdef';

/** A GitHub classic token with a valid CRC32 checksum, generated here: never a real credential. */
export function githubToken(r) {
  const random = r.string(BASE62, 30);
  let n = crc32(random) >>> 0;
  let check = '';
  while (n > 0) {
    check = BASE62[n % 62] + check;
    n = Math.floor(n / 62);
  }
  return `ghp_${random}${check.padStart(6, '0')}`;
}

const WORDS = (
  'user account order invoice payment session request response handler service client server config ' +
  'settings cache store query result value item list map index count total limit offset page token key ' +
  'secret password auth login logout profile email name address status error message event stream file ' +
  'path buffer data record entry field schema model view controller router middleware logger metrics'
).split(' ');

const ident = (r) => r.pick(WORDS) + r.pick(WORDS).replace(/^./, (c) => c.toUpperCase());

const GENERATORS = {
  ts(r) {
    const lines = [`import { ${ident(r)}, ${ident(r)} } from './${r.pick(WORDS)}.js';`, ''];
    for (let f = 0; f < 6 + r.int(10); f++) {
      const fn = ident(r);
      lines.push(`export async function ${fn}(${ident(r)}: string, options: { ${r.pick(WORDS)}?: number } = {}) {`);
      for (let i = 0; i < 3 + r.int(12); i++) {
        lines.push(r.pick([
          `  const ${ident(r)} = await this.${ident(r)}(${r.pick(WORDS)}, ${r.int(1000)});`,
          `  if (!${ident(r)}) throw new Error('missing ${r.pick(WORDS)} ${r.pick(WORDS)}');`,
          `  logger.debug('${r.pick(WORDS)} ${r.pick(WORDS)}', { ${r.pick(WORDS)}: ${ident(r)}.length });`,
          `  const apiKey = process.env.${r.pick(WORDS).toUpperCase()}_API_KEY;`,
          `  return { ${r.pick(WORDS)}: ${ident(r)}, token: options.${r.pick(WORDS)} ?? null };`,
          `  // TODO: cache the ${r.pick(WORDS)} key for ${r.int(60)} seconds`,
        ]));
      }
      lines.push('}', '');
    }
    return lines.join('\n');
  },
  py(r) {
    const lines = ['import os', 'import logging', '', `logger = logging.getLogger("${r.pick(WORDS)}")`, ''];
    for (let f = 0; f < 6 + r.int(10); f++) {
      lines.push(`def ${r.pick(WORDS)}_${r.pick(WORDS)}(${r.pick(WORDS)}, ${r.pick(WORDS)}=None):`);
      for (let i = 0; i < 3 + r.int(10); i++) {
        lines.push(r.pick([
          `    ${r.pick(WORDS)} = os.getenv("${r.pick(WORDS).toUpperCase()}_TOKEN")`,
          `    if ${r.pick(WORDS)} is None:`,
          `        raise ValueError("${r.pick(WORDS)} ${r.pick(WORDS)} is required")`,
          `    result = client.${r.pick(WORDS)}(key=${r.pick(WORDS)}, limit=${r.int(500)})`,
          `    logger.info("fetched %d ${r.pick(WORDS)}s", len(result))`,
        ]));
      }
      lines.push(`    return ${r.pick(WORDS)}`, '');
    }
    return lines.join('\n');
  },
  yaml(r) {
    const lines = [`# ${r.pick(WORDS)} service configuration`, `name: ${r.pick(WORDS)}-${r.pick(WORDS)}`, 'services:'];
    for (let s = 0; s < 4 + r.int(10); s++) {
      lines.push(`  ${r.pick(WORDS)}:`, `    image: registry.example.com/${r.pick(WORDS)}:${r.int(9)}.${r.int(20)}`, '    environment:');
      for (let i = 0; i < 2 + r.int(6); i++) lines.push(`      ${r.pick(WORDS).toUpperCase()}_${r.pick(WORDS).toUpperCase()}: "\${${r.pick(WORDS).toUpperCase()}}"`);
      lines.push(`    ports: ["${1000 + r.int(9000)}:${1000 + r.int(9000)}"]`);
    }
    return lines.join('\n');
  },
  json(r) {
    const obj = {};
    for (let i = 0; i < 30 + r.int(80); i++) {
      const name = ident(r);
      // a random 40-hex value under a secret-looking name would be an unlabelled secret: keep those plain
      const secretish = /token|secret|password|key|auth/i.test(name);
      obj[name] = r.pick([r.int(100000), `${r.pick(WORDS)}-${r.pick(WORDS)}`, true, secretish ? 'enabled' : r.string(HEX, 40), null]);
    }
    return JSON.stringify({ name: r.pick(WORDS), version: `${r.int(9)}.${r.int(9)}.${r.int(9)}`, config: obj }, null, 2);
  },
  md(r) {
    const lines = [`# ${ident(r)}`, ''];
    for (let p = 0; p < 10 + r.int(20); p++) {
      const n = 20 + r.int(40);
      const words = [];
      for (let i = 0; i < n; i++) words.push(r.pick(WORDS));
      lines.push(words.join(' ') + '.', '');
      if (r.int(4) === 0) lines.push('```sh', `export ${r.pick(WORDS).toUpperCase()}_API_KEY=your_api_key_here`, '```', '');
    }
    return lines.join('\n');
  },
  minjs(r) {
    // a minified bundle: one long line
    const parts = [];
    for (let i = 0; i < 4000 + r.int(4000); i++) parts.push(`function ${r.string('abcdefgh', 2)}(${r.string('xyz', 1)}){return ${r.string('abcdefgh', 2)}.${r.pick(WORDS)}(${r.int(99)})}`);
    return parts.join(';');
  },
};

const PLANTS = [
  (r) => `GITHUB_TOKEN=${githubToken(r)}`,
  (r) => `const token = "${githubToken(r)}";`,
  (r) => `db_password = "${r.string(ALNUM, 10)}!${r.string(ALNUM, 8)}"`,
  (r) => `export AWS_ACCESS_KEY_ID=AKIA${r.string('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16)}`,
];

const EXT = { ts: 'ts', py: 'py', yaml: 'yaml', json: 'json', md: 'md', minjs: 'min.js' };

/** Writes about `megabytes` MB; returns counts. Every 50th file gets one planted secret. */
export function generateCorpus(dir, { megabytes, seed = 1 }) {
  const r = rng(seed);
  const target = megabytes * 1024 * 1024;
  let bytes = 0;
  let files = 0;
  let planted = 0;
  const kinds = ['ts', 'ts', 'ts', 'py', 'py', 'yaml', 'json', 'json', 'md', 'minjs'];
  while (bytes < target) {
    const kind = r.pick(kinds);
    let text = GENERATORS[kind](r);
    if (files % 50 === 7 && kind !== 'minjs' && kind !== 'json') {
      const lines = text.split('\n');
      lines.splice(r.int(lines.length), 0, r.pick(PLANTS)(r));
      text = lines.join('\n');
      planted++;
    }
    const sub = path.join(dir, `pkg${files % 40}`, r.pick(['src', 'lib', 'config', 'docs', 'test']));
    mkdirSync(sub, { recursive: true });
    writeFileSync(path.join(sub, `${r.pick(WORDS)}-${files}.${EXT[kind]}`), text);
    bytes += Buffer.byteLength(text);
    files++;
  }
  return { files, bytes, planted };
}
