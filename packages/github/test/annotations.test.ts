import { describe, expect, it } from 'vitest';
import { annotateFindings, findingAnnotation, type AnnotationProperties, type Logger } from '../src/index.js';
import { generatedToken, scanText } from './support.js';

describe('findingAnnotation', () => {
  it('names the rule, shows only the redacted value, and says how to allow a false positive', () => {
    const secret = generatedToken(11);
    const [finding] = scanText(`line one\nexport const token = "${secret}";\n`).findings;
    const { message, properties } = findingAnnotation(finding!, 'app/src/settings.ts');
    expect(properties).toEqual({
      title: 'github-pat (keyward)',
      file: 'app/src/settings.ts',
      startLine: 2,
      endLine: 2,
      startColumn: 23,
      endColumn: 23 + secret.length,
    });
    expect(message).toContain('ghp_*****');
    expect(message).toContain('keyward:allow');
    expect(message).toContain(`add ${finding!.fingerprint} to .keywardignore`);
    expect(message).not.toContain(secret);
  });

  it('leaves out columns when a finding spans lines (GitHub takes them only on one line)', () => {
    const [finding] = scanText(`const token = "${generatedToken(12)}";\n`).findings;
    const { properties } = findingAnnotation({ ...finding!, endLine: finding!.startLine + 2 });
    expect(properties.startColumn).toBeUndefined();
    expect(properties.endColumn).toBeUndefined();
  });
});

describe('annotateFindings', () => {
  it('emits only what `include` lets through, at the chosen level', () => {
    const { findings } = scanText(`a = "${generatedToken(13)}"\nb = "${generatedToken(14)}"\n`);
    const calls: Array<[string, string, AnnotationProperties | undefined]> = [];
    const logger: Logger = {
      debug: () => {},
      info: () => {},
      warning: (m, a) => calls.push(['warning', m, a]),
      error: (m, a) => calls.push(['error', m, a]),
    };
    expect(annotateFindings(findings, logger, { include: (f) => f.startLine === 2, level: 'warning' })).toBe(1);
    expect(calls.map(([level, , a]) => [level, a?.startLine])).toEqual([['warning', 2]]);
  });
});
