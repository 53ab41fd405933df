import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig, parseSize, resolveRules } from '../src/index.js';
import { rule } from './support.js';

const builtin = [rule({ id: 'test-one', pattern: 'one=(\\w+)', keywords: ['one='] })];

function configError(source: string): ConfigError {
  try {
    parseConfig(source, '.keyward.yaml');
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('config file', () => {
  it('is optional and empty means defaults', () => {
    expect(parseConfig('', '.keyward.yaml')).toMatchObject({ useDefaultRules: true, maxFileSize: 25 * 1024 * 1024, respectGitignore: true });
  });

  it('rejects unknown keys, naming the file and the key', () => {
    expect(configError('allowlists: {}').message).toBe('.keyward.yaml: "allowlists": unknown key (allowed: useDefaultRules, disabledRules, rules, allowlist, ruleAllowlists, maxFileSize, respectGitignore, inlineIgnores, verify, maxFindingsPerRulePerFile, scanArchives, maxArchiveDepth, maxArchiveSize)');
    expect(configError('allowlist: { path: [x] }').message).toContain('"allowlist.path": unknown key');
    expect(configError('maxFileSize: huge').message).toContain('"maxFileSize"');
    expect(configError('allowlist: { regexes: ["(?=x)"] }').message).toContain('"allowlist.regexes[0]"');
  });

  it('adds custom rules, checks their examples, and disables rules by id', () => {
    const config = parseConfig(
      [
        'disabledRules: [test-one]',
        'rules:',
        '  - id: acme-internal-token',
        '    description: Acme internal token',
        "    pattern: '\\b(acme_[a-z0-9]{24})\\b'",
        '    keywords: [acme_]',
        '    severity: high',
        '    examples:',
        "      match: ['t = acme_{{rand:lowernum:24}}']",
        "      noMatch: ['t = acme_short']",
      ].join('\n'),
      '.keyward.yaml',
    );
    expect(resolveRules(builtin, config).map((r) => r.id)).toEqual(['acme-internal-token']);
  });

  it('rejects a custom rule that fails its own example, and unknown rule ids', () => {
    const bad = configError(
      ["rules:", "  - id: acme-x-token", "    description: x", "    pattern: 'acme_[0-9]{4}'", '    keywords: [acme_]', '    severity: low', "    examples: { match: ['acme_abcd'] }"].join('\n'),
    );
    expect(bad.message).toContain('acme-x-token examples.match[0]');
    expect(() => resolveRules(builtin, parseConfig('disabledRules: [nope-rule]', '.keyward.yaml'))).toThrow(/"nope-rule": names no rule/);
  });

  it('parses sizes', () => {
    expect(parseSize('25MB')).toBe(25 * 1024 * 1024);
    expect(parseSize('512 kb')).toBe(512 * 1024);
    expect(parseSize(1000)).toBe(1000);
    expect(parseSize('-1')).toBeUndefined();
  });
});
