import { randomBytes } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { MIN_MASKABLE_LENGTH, MaskingRefusedError, maskingForms, registerMasks } from '../src/index.js';
import { RecordingRunner } from './support/recording-runner.js';
import { leakProbes, leakingLines, maskText, revealsSecret, runnerLog } from './support/runner-masker.js';
import { encodersAvailable, printWrapped } from './support/wrapping-encoders.js';

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

  // Lengths around each wrap boundary: 57 and 48 bytes fill a base64 line, 30 bytes an `xxd -p` line.
  const wrapLengths = [10, 20, 29, 30, 31, 40, 47, 48, 49, 56, 57, 58, 64, 90, 114, 115, 130, 200];
  test.skipIf(!encodersAvailable).each(wrapLengths)('a value of %i bytes piped through wrapping encoders (base64, openssl, xxd -p) stays masked line by line', (length) => {
    const secret = randomBytes(length).toString('base64url').slice(0, length);
    const runner = new RecordingRunner();
    registerMasks(runner, secret, 'test value');
    for (const [label, printed] of printWrapped(secret)) {
      expect(revealsSecret(printed, secret), `${label} must reveal before masking`).toBeDefined();
      const { log } = runnerLog(printed, new Set(runner.masks()));
      expect(revealsSecret(log, secret), `${label}: masked output still reveals it on line(s) ${leakingLines(log, secret)}`).toBeUndefined();
    }
  });

  test.skipIf(!encodersAvailable)('a multi-line value (a PEM-like key) piped whole through the wrapping encoders stays masked', () => {
    const secret = `-----BEGIN TEST KEY-----\n${randomBytes(300).toString('base64').match(/.{1,64}/g)!.join('\n')}\n-----END TEST KEY-----`;
    const runner = new RecordingRunner();
    registerMasks(runner, secret, 'test key');
    const body = secret.split('\n')[1]!; // revealsSecret looks for 8-byte pieces; the key's random lines are the secret part
    for (const [label, printed] of printWrapped(secret)) {
      expect(revealsSecret(printed, body), `${label} must reveal before masking`).toBeDefined();
      const { log } = runnerLog(printed, new Set(runner.masks()));
      expect(revealsSecret(log, body), `${label}: masked output still reveals it on line(s) ${leakingLines(log, body)}`).toBeUndefined();
    }
  });

  test('refuses values too short to mask safely', () => {
    const runner = new RecordingRunner();
    expect(() => registerMasks(runner, 'abc12', 'the password')).toThrow(MaskingRefusedError);
    expect(() => registerMasks(runner, 'abc12', 'the password')).toThrow(/the password is 5 characters long/);
    expect(runner.masks()).toEqual([]);
  });
});
