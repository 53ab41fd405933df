import { randomBytes } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { MIN_MASKABLE_LENGTH, MaskingRefusedError, maskingForms, registerMasks } from '../src/index.js';
import { RecordingRunner } from './support/recording-runner.js';
import { leakProbes, maskText, revealsSecret } from './support/runner-masker.js';

// Generated at test time: random bytes plus the characters that make encodings differ from the value.
const secrets = (): string[] => [
  randomBytes(30).toString('base64url'),
  `${randomBytes(12).toString('hex')} "quoted" \\ /slash+plus%pct&amp=`,
  `ünï${randomBytes(9).toString('hex')}ßé`,
];

describe('maskingForms', () => {
  test('covers the value, its lines and the encodings the runner misses', () => {
    const value = randomBytes(24).toString('base64');
    const forms = maskingForms(value);
    expect(forms).toContain(value);
    expect(forms).toContain(Buffer.from(value).toString('base64'));
    expect(forms).toContain(Buffer.from(value).toString('base64').replace(/=+$/, ''));
    expect(forms).toContain(Buffer.from(value).toString('hex'));
    expect(forms).toContain(encodeURIComponent(value));
    expect(forms.every((f) => f.length >= MIN_MASKABLE_LENGTH)).toBe(true);
  });

  test('registers each line of a multi-line value', () => {
    const lines = [randomBytes(20).toString('hex'), randomBytes(20).toString('hex'), 'x'];
    const forms = maskingForms(lines.join('\n'));
    expect(forms).toContain(lines[0]);
    expect(forms).toContain(lines[1]);
    expect(forms).not.toContain('x'); // too short to mask without garbling; the whole value is masked anyway
  });

  test.each(secrets())('nothing a later step prints reveals the value once masked (%#)', (secret) => {
    const runner = new RecordingRunner();
    registerMasks(runner, secret, 'test value');
    for (const probe of leakProbes(secret)) {
      const line = `later step prints: [${probe}] and more`;
      expect(revealsSecret(line, secret), 'probe must reveal before masking').toBeDefined();
      const shown = maskText(line, runner.masks());
      expect(revealsSecret(shown, secret), `masked output still reveals via ${revealsSecret(shown, secret)}`).toBeUndefined();
    }
  });

  test('without the derived forms the runner would leak: the check can fail', () => {
    const secret = randomBytes(30).toString('base64url');
    const line = `Authorization: Basic ${Buffer.from(`user:${secret}`).toString('base64')}`;
    expect(revealsSecret(maskText(line, [secret]), secret)).toBe('base64');
  });

  test('refuses values too short to mask safely', () => {
    const runner = new RecordingRunner();
    expect(() => registerMasks(runner, 'abc12', 'the password')).toThrow(MaskingRefusedError);
    expect(() => registerMasks(runner, 'abc12', 'the password')).toThrow(/the password is 5 characters long/);
    expect(runner.masks()).toEqual([]);
  });
});
