import { describe, expect, it } from 'vitest';
import { Detector, fingerprintOf } from '../src/index.js';
import { githubToken, randomAlnum, rule } from './support.js';

const ghp = rule({ id: 'test-ghp', pattern: '\\b(?P<secret>ghp_[A-Za-z0-9]{36})\\b', keywords: ['ghp_'], checksum: 'github-crc32' });

describe('detector', () => {
  it('locates the secret group with 1-based lines and columns, and fingerprints it by content', () => {
    const token = githubToken('d1');
    const text = `line one\r\n  token: ${token} # trailing\r\n`;
    const [f] = new Detector([ghp]).detect({ text, path: 'conf/app.yaml' });
    expect(f).toMatchObject({ ruleId: 'test-ghp', path: 'conf/app.yaml', startLine: 2, startColumn: 10, endLine: 2, endColumn: 10 + 40 });
    expect(f!.secret).toBe(token);
    expect(f!.redacted).toBe('ghp_*****');
    expect(f!.fingerprint).toBe(fingerprintOf(ghp, 'conf/app.yaml', token));
  });

  it('gives the same fingerprint when the line moves, and a different one for another path or secret', () => {
    const token = githubToken('d2');
    const d = new Detector([ghp]);
    const a = d.detect({ text: `x=${token}`, path: 'a.env' })[0]!;
    const moved = d.detect({ text: `\n\n\n  y = ${token}`, path: 'a.env' })[0]!;
    const other = d.detect({ text: `x=${token}`, path: 'b.env' })[0]!;
    expect(moved.fingerprint).toBe(a.fingerprint);
    expect(moved.startLine).toBe(4);
    expect(other.fingerprint).not.toBe(a.fingerprint);
  });

  it('runs a rule only where its keyword occurs, checks the checksum, and rejects look-alikes', () => {
    const d = new Detector([ghp]);
    expect(d.detect({ text: `ghp_${randomAlnum('bad', 36)}`, path: 'x' })).toEqual([]); // checksum fails
    expect(d.detect({ text: 'token = ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', path: 'x' })).toEqual([]);
  });

  it('compiles a rule when its keyword first occurs, and names the rule when a hand-built pattern is not RE2', () => {
    const bad = { ...rule({ id: 'test-ok', pattern: 'ok=(\\S+)', keywords: ['ok='] }), id: 'test-bad', pattern: '(?=look)ahead=(\\S+)', keywords: ['ahead='] };
    const d = new Detector([bad]);
    expect(d.detect({ text: 'nothing to see', path: 'x' })).toEqual([]);
    expect(() => d.detect({ text: 'ahead=value', path: 'x' })).toThrow(/rule "test-bad": field "pattern": invalid RE2 pattern/);
  });

  it('finds the same at the same places whether a fragment comes as text or as the bytes it was read as', () => {
    const token = githubToken('bytes');
    const d = new Detector([ghp]);
    const texts = [
      `plain ascii\nGITHUB_TOKEN=${token}\n`,
      `naïve café 🙂\n  token: "${token}" # ü\n`,
      `\ufeffwindows\r\nT=${token}\r\n`,
    ];
    for (const text of texts) {
      const fromText = d.detect({ text: text.replace(/^\ufeff/, ''), path: 'a' });
      expect(fromText, text).toHaveLength(1);
      expect(d.detect({ bytes: Buffer.from(text, 'utf8'), path: 'a' })).toEqual(fromText);
    }
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`é\nT=${token}\n`, 'utf16le')]);
    expect(d.detect({ bytes: utf16, path: 'a' })).toEqual(d.detect({ text: `é\nT=${token}\n`, path: 'a' }));
  });

  it('finds every secret in a text with thousands of keyword lines and a dense minified line', () => {
    // More spans than the detector keeps waiting at once, so it searches them in several rounds.
    const lines = Array.from({ length: 9000 }, (_, i) => `const ghp_${i} = read("ghp_ prefix");`);
    const planted = [0, 4095, 4096, 4097, 8999];
    for (const i of planted) lines[i] = `token_${i} = "${githubToken(`rounds-${i}`)}"`;
    const dense = Array.from({ length: 20_000 }, (_, i) => (i === 12_345 ? `t="${githubToken('dense')}";` : 'a.ghp_x=b;')).join('');
    const text = `${lines.join('\n')}\n${dense}\n`;
    const found = new Detector([ghp]).detect({ text, path: 'big.js' });
    expect(found.map((f) => f.startLine)).toEqual([...planted.map((i) => i + 1), 9001]);
    expect(found.map((f) => f.secret)).toEqual([...planted.map((i) => githubToken(`rounds-${i}`)), githubToken('dense')]);
  });

  it('reports each of thousands of secrets on one minified line at its own column', () => {
    const tokens = Array.from({ length: 5000 }, (_, i) => githubToken(`line-${i}`));
    const text = tokens.map((t, i) => `t${i}="${t}";`).join('');
    const found = new Detector([ghp], { maxFindingsPerRule: 5000 }).detect({ text, path: 'app.min.js' });
    expect(found.map((f) => f.secret)).toEqual(tokens);
    expect(found.every((f, i) => text.slice(f.startColumn - 1, f.endColumn - 1) === tokens[i])).toBe(true);
    const allowed = new Detector([ghp]).detect({ text: `${text} keyward:allow`, path: 'app.min.js' });
    expect(allowed).toEqual([]);
  });

  it('applies the entropy floor to the secret only', () => {
    const r = rule({ id: 'test-pw', pattern: 'pw=(\\S+)', keywords: ['pw='], entropy: 3 });
    const d = new Detector([r]);
    expect(d.detect({ text: 'pw=aaaaaaaabbbbbbbb', path: 'x' })).toEqual([]);
    expect(d.detect({ text: `pw=${randomAlnum('e', 20)}`, path: 'x' })).toHaveLength(1);
  });

  it('maps fragment lines to real file lines for partial fragments such as diffs', () => {
    const token = githubToken('d3');
    const [f] = new Detector([ghp]).detect({ text: `added\n${token}`, path: 'x', lineNumbers: [10, 42] });
    expect(f!.startLine).toBe(42);
  });

  it('runs file-scope rules across lines', () => {
    const r = rule({ id: 'test-block', pattern: '(?s)BEGIN\\n(?P<secret>[A-Za-z0-9]{30,})\\nEND', keywords: ['begin'], scope: 'file' });
    const body = randomAlnum('blk', 40);
    const [f] = new Detector([r]).detect({ text: `x\nBEGIN\n${body}\nEND\n`, path: 'k.pem' });
    expect(f).toMatchObject({ startLine: 3, endLine: 3 });
  });

  it('honours keyward:allow on the line', () => {
    const token = githubToken('d4');
    const d = new Detector([ghp]);
    expect(d.detect({ text: `a=${token} # keyward:allow`, path: 'x' })).toEqual([]);
    expect(d.counts.inline).toBe(1);
  });

  it('applies global and per-rule allowlists by path, regex target and stopword', () => {
    const token = githubToken('d5');
    const text = `fixture_token = ${token}`;
    const byPath = new Detector([ghp], { allowlist: { paths: ['**/fixtures/**'] } });
    expect(byPath.allowsPath('test/fixtures/a.env')).toBe(true);
    expect(byPath.detect({ text, path: 'src/a.env' })).toHaveLength(1);
    const byLine = new Detector([ghp], { ruleAllowlists: { 'test-ghp': { regexes: ['^fixture_'], regexTarget: 'line' } } });
    expect(byLine.detect({ text, path: 'a' })).toEqual([]);
    expect(byLine.counts.allowlist).toBe(1); // a dropped finding is counted
    const bySecretRegex = new Detector([ghp], { allowlist: { regexes: ['^fixture_'] } }); // target: secret
    expect(bySecretRegex.detect({ text, path: 'a' })).toHaveLength(1);
    const byStopword = new Detector([{ ...ghp, allowlist: { stopwords: [token.slice(4, 12).toLowerCase()] } }]);
    expect(byStopword.detect({ text, path: 'a' })).toEqual([]);
    const rulePath = new Detector([{ ...ghp, allowlist: { paths: ['*.md'] } }]);
    expect(rulePath.detect({ text, path: 'README.md' })).toEqual([]);
    expect(rulePath.counts.allowlist).toBe(0); // a path not searched found nothing to suppress
  });

  it('lets a provider rule win over a generic rule on the same secret', () => {
    const generic = rule({ id: 'test-generic', pattern: 'token\\s*=\\s*(\\S{20,})', keywords: ['token'], tags: ['generic'] });
    const token = githubToken('d6');
    const findings = new Detector([generic, ghp]).detect({ text: `token = ${token}`, path: 'a' });
    expect(findings.map((f) => f.ruleId)).toEqual(['test-ghp']);
  });

  it('finds a long secret whole in a minified line, where keywords are searched in windows', () => {
    const jwt = rule({ id: 'test-jwt', pattern: '\\b(eyJ[A-Za-z0-9_-]{10,}\\.eyJ[A-Za-z0-9_-]{10,}\\.[A-Za-z0-9_-]{16,})', keywords: ['eyj'], checksum: 'jwt' });
    const payload = Buffer.from(JSON.stringify({ sub: 'x', claims: randomAlnum('long-jwt', 1200) })).toString('base64url');
    const token = `${Buffer.from('{"alg":"HS256","typ":"JWT"}').toString('base64url')}.${payload}.${randomAlnum('sig', 43)}`;
    const text = `${'a.b(1);'.repeat(2000)}var t="${token}";${'c.d(2);'.repeat(2000)}`;
    const [f] = new Detector([jwt]).detect({ text, path: 'app.min.js' });
    expect(f!.secret).toBe(token);
  });

  it('names a secret once: a container rule yields to the provider rule inside it; on equal terms the more precise wins', () => {
    const token = githubToken('d8');
    const container = rule({ id: 'test-env-file', pattern: 'T=(\\S{30,})', keywords: ['t='], tags: ['fallback'], precision: 'medium' });
    expect(new Detector([container, ghp]).detect({ text: `T=${token}`, path: 'a' }).map((f) => f.ruleId)).toEqual(['test-ghp']);
    expect(new Detector([container]).detect({ text: `T=${token}`, path: 'a' }).map((f) => f.ruleId)).toEqual(['test-env-file']);
    const vague = rule({ id: 'test-vague', pattern: '\\b(ghp_\\w{36})', keywords: ['ghp_'], precision: 'low' });
    expect(new Detector([vague, ghp]).detect({ text: `x ${token}`, path: 'a' }).map((f) => f.ruleId)).toEqual(['test-ghp']);
  });

  it('copes with a minified one-line file and invalid characters', () => {
    const token = githubToken('d7');
    const text = `${'var a=1;'.repeat(50_000)}x="${token}";\uFFFD\uFFFD${'b();'.repeat(10_000)}`;
    const [f] = new Detector([ghp]).detect({ text, path: 'app.min.js' });
    expect(f).toMatchObject({ startLine: 1, startColumn: 400_004 });
  });
});
