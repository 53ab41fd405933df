// Decoding: credentials inside base64, percent-encoding, \u / \x escapes and hex are found, and reported at
// the encoded text's place in the original file. Secrets are generated from a seed at test time.
import { describe, expect, it } from 'vitest';
import { Detector, SeededRandom, validators, type Rule } from '../src/index.js';
import { decodeBase64Text, decodeEscapes, decodeHexText, decodePercent, findEncodedRuns, joinPemLiterals, yamlBinaryBlock } from '../src/decode.js';

const rng = new SeededRandom('decode.test');
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const b64 = (s: string) => Buffer.from(s).toString('base64');

const base = {
  provider: 'Test',
  description: 'test',
  severity: 'high' as const,
  precision: 'high' as const,
  docs: 'https://example.test',
  scope: 'line' as const,
  caseInsensitive: false,
  skipFilters: false,
  examples: { match: ['x'], noMatch: ['x'] },
  origin: 'test',
};
const githubPat: Rule = { ...base, id: 'test-github-pat', pattern: '\\b(?P<secret>ghp_[A-Za-z0-9]{36})\\b', keywords: ['ghp_'], tags: [], checksum: 'github-crc32' };
const awsSecret: Rule = {
  ...base,
  id: 'test-aws-secret',
  pattern: '(?i:aws_?secret_?access_?key)["\']?\\s*[:=]\\s*["\']?(?P<secret>[A-Za-z0-9/+]{40})(?:[^A-Za-z0-9/+=]|$)',
  keywords: ['secret'],
  tags: [],
};
const pat = () => validators.get('github-crc32')!.generate(rng, 'ghp_');
const detector = new Detector([githubPat, awsSecret]);

/** 1-based line and column of `needle` in `text`, and its exclusive end column. */
function place(text: string, needle: string) {
  const offset = text.indexOf(needle);
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return { startLine: line, startColumn: column, endColumn: column + needle.length };
}

describe('decoders', () => {
  it('decode base64 of text, and refuse binary, hex and identifiers', () => {
    expect(decodeBase64Text(b64('user:hunter2-but-longer'))).toBe('user:hunter2-but-longer');
    expect(decodeBase64Text(Buffer.from('{"a":"b"}?>').toString('base64url'))).toBe('{"a":"b"}?>');
    expect(decodeBase64Text(Buffer.from(Array.from({ length: 48 }, (_, i) => (i * 37) % 256)).toString('base64'))).toBeUndefined();
    expect(decodeBase64Text('0123456789abcdef0123456789abcdef')).toBeUndefined();
    expect(decodeBase64Text('getElementsByClassName')).toBeUndefined();
  });

  it('decode percent-encoding and escapes, and leave plain text alone', () => {
    expect(decodePercent('a%2Fb%2Bc')).toBe('a/b+c');
    expect(decodePercent('plain')).toBeUndefined();
    expect(decodePercent('%E0%A4%A')).toBeUndefined();
    expect(decodeEscapes('\\x67\\x68p_\\u0041b\\/c')).toBe('ghp_Ab/c');
    expect(decodeEscapes('no escapes')).toBeUndefined();
  });
});

describe('hex', () => {
  const hex = (s: string) => Buffer.from(s).toString('hex');

  it('decodes hex of text, and refuses digests, odd lengths and binary', () => {
    expect(decodeHexText(hex('user:hunter2-but-longer'))).toBe('user:hunter2-but-longer');
    expect(decodeHexText(hex('user:hunter2').toUpperCase())).toBe('user:hunter2');
    expect(decodeHexText(`${hex('user:hunter2')}a`)).toBeUndefined();
    expect(decodeHexText(rng.string('0123456789abcdef', 64))).toBeUndefined();
  });

  it('finds only whole hex tokens that can be text, and leaves digests undecoded', () => {
    const digest = rng.string('0123456789abcdef', 64);
    const text = `sha256: ${digest}\nid=${hex('plain words here')}\nword${hex('not a whole token')}\n`;
    const runs = findEncodedRuns(text, { chars: 1000, runs: 10 });
    expect(runs.filter((r) => r.encoding === 'hex').map((r) => r.decoded)).toEqual(['plain words here']);
  });

  it('finds a hex-encoded token and reports it at the hex run, with or without 0x', () => {
    const token = pat();
    const encoded = hex(token);
    const text = `# dumped with xxd -p\nblob = "${encoded}"\nnext: 0x${encoded}\n`;
    const found = detector.detect({ text, path: 'dump.txt' });
    expect(found.map((f) => f.secret)).toEqual([token, token]);
    const first = place(text, encoded);
    expect({ startLine: found[0]!.startLine, startColumn: found[0]!.startColumn, endColumn: found[0]!.endColumn }).toEqual(first);
    const second = place(text, `0x${encoded}`);
    expect({ startLine: found[1]!.startLine, startColumn: found[1]!.startColumn }).toEqual({ startLine: 3, startColumn: second.startColumn });
    expect(new Detector([githubPat], { decodeDepth: 0 }).detect({ text, path: 'dump.txt' })).toEqual([]);
  });

  it('stays within its budget on a line of hex text', () => {
    const blob = Array.from({ length: 5_000 }, () => hex(`k${rng.string(ALNUM, 20)}`)).join(' ');
    const runs = findEncodedRuns(blob, { chars: 10_000, runs: 100 });
    expect(runs.length).toBeLessThanOrEqual(100);
    expect(runs.reduce((n, r) => n + r.decoded.length, 0)).toBeLessThanOrEqual(10_000);
  });
});

describe('YAML !!binary', () => {
  it('joins a block scalar wrapped over lines and reports the token from its first line', () => {
    const token = pat();
    const encoded = b64(`github:\n  token: ${token}\n`);
    const wrapped = encoded.match(/.{1,20}/g)!.map((l) => `    ${l}`).join('\n');
    const text = `config:\n  blob: !!binary |\n${wrapped}\n  other: 1\n`;
    const found = detector.detect({ text, path: 'values.yaml' });
    expect(found.map((f) => f.secret)).toEqual([token]);
    expect({ line: found[0]!.startLine, column: found[0]!.startColumn }).toEqual({ line: 3, column: 5 });
    // a line holds less than the token, so only the joined block shows it
    expect(new Detector([githubPat], { decodeDepth: 0 }).detect({ text, path: 'values.yaml' })).toEqual([]);
  });

  it('ends the block at the first line indented less, and refuses what is not base64', () => {
    const text = `a: !!binary |\n  ${b64('first part of the data')}\nb: ${b64('not in the block!')}\n`;
    expect(yamlBinaryBlock(text, text.indexOf('!!binary'))?.decoded).toBe('first part of the data');
    expect(yamlBinaryBlock('a: !!binary |\n  not base64 at all!\n', 3)).toBeUndefined();
    expect(yamlBinaryBlock(`a: !!binary ${b64('inline values are read by the base64 pass')}\n`, 3)).toBeUndefined();
  });
});

describe('PEM blocks written as string literals', () => {
  const pemRule: Rule = {
    ...base,
    id: 'test-pem',
    pattern: '(?P<secret>-----BEGIN (?:RSA |EC )?PRIVATE KEY-----[\\s\\S]*?-----END (?:RSA |EC )?PRIVATE KEY-----)',
    keywords: ['private key-----'],
    tags: [],
    scope: 'file',
    skipFilters: true,
    checksum: 'pem-private-key',
  };
  const pemDetector = new Detector([pemRule]);
  const key = () => validators.get('pem-private-key')!.generate(rng, 'RSA');
  const lines = (pem: string) => pem.trim().split('\n');

  it('joins a key split over + concatenation (Java, JS, C#) and reports it from the first literal', () => {
    const pem = key();
    const literals = lines(pem).map((l) => `        "${l}\\n"`).join(' +\n');
    const text = `class Keys {\n    static final String KEY =\n${literals};\n}\n`;
    const found = pemDetector.detect({ text, path: 'src/Keys.java' });
    expect(found).toHaveLength(1);
    expect(found[0]!.secret.replace(/\s+/g, '')).toBe(pem.replace(/\s+/g, ''));
    expect(found[0]!.startLine).toBe(3);
    expect(found[0]!.startColumn).toBe(9);
    expect(new Detector([pemRule], { decodeDepth: 0 }).detect({ text, path: 'src/Keys.java' })).toEqual([]);
  });

  it('joins adjacent Python literals, PHP `.` and arrays of lines', () => {
    const pem = key();
    const python = `KEY = (\n${lines(pem).map((l) => `    '${l}\\n'`).join('\n')}\n)\n`;
    const php = `$key = ${lines(pem).map((l) => `"${l}\\n"`).join(' .\n  ')};\n`;
    const array = `key = [\n${lines(pem).map((l) => `  "${l}"`).join(',\n')}\n]\n`;
    for (const [text, path] of [[python, 'keys.py'], [php, 'keys.php'], [array, 'main.tf']] as const) {
      expect(pemDetector.detect({ text, path }).map((f) => f.ruleId), path).toEqual(['test-pem']);
    }
  });

  it('leaves a plain literal and code that only names the header alone', () => {
    expect(joinPemLiterals('x = "-----BEGIN PRIVATE KEY-----"', 4)).toBeUndefined();
    const text = 'if (pem.startsWith("-----BEGIN PRIVATE KEY-----") || pem.startsWith("-----BEGIN RSA PRIVATE KEY-----")) parse(pem);';
    expect(pemDetector.detect({ text, path: 'a.ts' })).toEqual([]);
  });
});

describe('detector: findings inside encoded text', () => {
  it('finds a token in a Kubernetes Secret data value and reports the base64 text', () => {
    const token = pat();
    const encoded = b64(token);
    const text = `apiVersion: v1\nkind: Secret\ndata:\n  GITHUB_TOKEN: ${encoded}\n`;
    const [finding, ...rest] = detector.detect({ text, path: 'k8s/secret.yaml' });
    expect(rest).toEqual([]);
    expect(finding!.ruleId).toBe('test-github-pat');
    expect(finding!.secret).toBe(token);
    expect({ startLine: finding!.startLine, startColumn: finding!.startColumn, endColumn: finding!.endColumn }).toEqual(place(text, encoded));
  });

  it('keeps the line context a rule needs: the name stays, the value is decoded in place', () => {
    const secret = rng.string(`${ALNUM}/+`, 40);
    const text = `data:\n  aws_secret_access_key: ${b64(secret)}\n`;
    expect(detector.detect({ text, path: 'k8s/secret.yaml' }).map((f) => f.secret)).toEqual([secret]);
  });

  it('looks two levels deep: docker auth inside a base64 .dockerconfigjson', () => {
    const token = pat();
    const auth = b64(`bot:${token}`);
    const config = b64(JSON.stringify({ auths: { 'ghcr.io': { auth } } }));
    const text = `data:\n  .dockerconfigjson: ${config}\n`;
    const found = detector.detect({ text, path: 'k8s/pull-secret.yaml' });
    expect(found.map((f) => f.secret)).toEqual([token]);
    expect(found[0]!.startColumn).toBe(place(text, config).startColumn);
    expect(new Detector([githubPat], { decodeDepth: 1 }).detect({ text, path: 'x' })).toEqual([]);
  });

  it('finds a percent-encoded secret in a query string and a \\u-escaped one in JSON', () => {
    const secret = `${rng.string(ALNUM, 18)}/${rng.string(ALNUM, 10)}+${rng.string(ALNUM, 10)}`;
    const query = `curl "https://x.test/hook?aws_secret_access_key=${encodeURIComponent(secret)}&a=b"`;
    const [q] = detector.detect({ text: query, path: 'a.sh' });
    expect(q?.secret).toBe(secret);
    expect(q!.startColumn).toBeLessThanOrEqual(query.indexOf('%2F'));
    const json = `{ "aws_secret_access_key": "${secret.replace('+', '\\u002B').replace('/', '\\/')}" }`;
    expect(detector.detect({ text: json, path: 'a.json' }).map((f) => f.secret)).toEqual([secret]);
  });

  it('finds a \\x-escaped token in a minified bundle', () => {
    const token = pat();
    const escaped = [...token].map((c) => `\\x${c.charCodeAt(0).toString(16)}`).join('');
    const text = `var _0xa1=["${escaped}"];`;
    const [f] = detector.detect({ text, path: 'dist/v.js' });
    expect(f?.secret).toBe(token);
    expect(f!.startColumn).toBe(place(text, escaped).startColumn);
  });

  it('reports nothing for base64 that hides no secret, and nothing twice', () => {
    const text = `icon: ${b64('just some harmless words in a sentence')}\nGITHUB_TOKEN=${pat()}\n`;
    expect(detector.detect({ text, path: 'a.yaml' })).toHaveLength(1);
  });

  it('stays within its budget on a huge minified line', () => {
    const blob = Array.from({ length: 20_000 }, () => b64(`k${rng.string(ALNUM, 20)}`)).join(',');
    const runs = findEncodedRuns(blob, { chars: 10_000, runs: 100 });
    expect(runs.length).toBeLessThanOrEqual(100);
    expect(runs.reduce((n, r) => n + r.decoded.length, 0)).toBeLessThanOrEqual(10_000);
    expect(detector.detect({ text: blob, path: 'dist/app.min.js' })).toEqual([]);
  });
});
