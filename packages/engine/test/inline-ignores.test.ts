// Inline markers: keyward's own, and the ones a repository kept from gitleaks, detect-secrets and
// TruffleHog, so switching scanners does not bring back findings already judged.
import { describe, expect, it } from 'vitest';
import { ConfigError, Detector, parseConfig } from '../src/index.js';
import { githubToken, rule } from './support.js';

const ghp = rule({ id: 'test-ghp', pattern: '\\b(?P<secret>ghp_[A-Za-z0-9]{36})\\b', keywords: ['ghp_'], checksum: 'github-crc32' });

function found(text: string, detector = new Detector([ghp])): number {
  return detector.detect({ text, path: 'src/app.py' }).length;
}

describe('inline ignores', () => {
  const token = githubToken('inline');

  it.each([
    [`TOKEN = "${token}"  # keyward:allow`],
    [`const t = "${token}"; // gitleaks:allow`],
    [`TOKEN = "${token}"  # pragma: allowlist secret`],
    [`TOKEN = "${token}"  # pragma: whitelist secret`],
    [`token: ${token} # trufflehog:ignore`],
    [`<token>${token}</token> <!-- GITLEAKS:ALLOW -->`],
  ])('suppresses %s', (line) => {
    expect(found(`x = 1\n${line}\ny = 2\n`)).toBe(0);
  });

  it("honours detect-secrets' next-line marker on the line before only", () => {
    expect(found(`# pragma: allowlist nextline secret\nTOKEN = "${token}"\n`)).toBe(0);
    expect(found(`# pragma: allowlist nextline secret\n\nTOKEN = "${token}"\n`)).toBe(1);
    expect(found(`TOKEN = "${token}"\n# pragma: allowlist nextline secret\n`)).toBe(1);
  });

  it('reports the line without a marker', () => {
    expect(found(`TOKEN = "${token}"\n# keyward:allow is not on this line\n`)).toBe(1);
  });

  it('inlineIgnores in the config chooses whose markers count', () => {
    const config = parseConfig('inlineIgnores: [keyward]\n', '.keyward.yaml');
    const onlyOurs = new Detector([ghp], { inlineIgnores: config.inlineIgnores });
    expect(found(`TOKEN = "${token}"  # gitleaks:allow`, onlyOurs)).toBe(1);
    expect(found(`TOKEN = "${token}"  # keyward:allow`, onlyOurs)).toBe(0);
    const none = new Detector([ghp], { inlineIgnores: parseConfig('inlineIgnores: []\n', 'c.yaml').inlineIgnores });
    expect(found(`TOKEN = "${token}"  # keyward:allow`, none)).toBe(1);
    expect(() => parseConfig('inlineIgnores: [semgrep]\n', '.keyward.yaml')).toThrow(ConfigError);
    expect(() => parseConfig('inlineIgnores: [semgrep]\n', '.keyward.yaml')).toThrow(/inlineIgnores.*keyward, gitleaks, detect-secrets, trufflehog/);
  });
});
