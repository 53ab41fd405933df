// Test helpers: rules built in code and secrets generated from documented formats at test time.
import { parseRule, SeededRandom, validators, type Rule } from '../src/index.js';

export function githubToken(seed: string): string {
  return validators.get('github-crc32')!.generate(new SeededRandom(seed), 'ghp_');
}

export function randomAlnum(seed: string, length: number): string {
  return new SeededRandom(seed).string('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', length);
}

export function rule(fields: Record<string, unknown>): Rule {
  return parseRule(
    { severity: 'high', docs: 'https://docs.test/format', description: 'test rule', ...fields },
    'test-rules.yaml',
    { provider: 'Test' },
    0,
    { requireExamples: false },
  );
}
