import { describe, expect, test } from 'vitest';
import { PermanentError, formatDuration, parseDuration, withRetries } from '../src/index.js';
import { FakeClock } from './support/recording-runner.js';

describe('withRetries', () => {
  test('bounded attempts with jittered, capped backoff', async () => {
    const clock = new FakeClock();
    let calls = 0;
    await expect(
      withRetries(async () => {
        calls++;
        throw new Error('server unavailable');
      }, { attempts: 4, baseDelayMs: 100, maxDelayMs: 250, clock, random: () => 0.999 }),
    ).rejects.toThrow('server unavailable');
    expect(calls).toBe(4);
    expect(clock.sleeps).toEqual([99, 199, 249]);
  });

  test('stops at once on a permanent error and returns the first success', async () => {
    const clock = new FakeClock();
    let calls = 0;
    await expect(withRetries(async () => { calls++; throw new PermanentError('bad credentials'); }, { attempts: 4, baseDelayMs: 1, maxDelayMs: 1, clock })).rejects.toThrow('bad credentials');
    expect(calls).toBe(1);
    expect(await withRetries(async (n) => { if (n < 2) throw new Error('flaky'); return n; }, { attempts: 3, baseDelayMs: 1, maxDelayMs: 1, clock })).toBe(2);
  });
});

describe('durations', () => {
  test.each([['90s', 90_000], ['15m', 900_000], ['1h30m', 5_400_000], ['2h', 7_200_000], ['45', 45_000], ['1h 5m', 3_900_000]])('%s', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });
  test.each(['', 'soon', '5 minutes', '1x', 'h'])('rejects %j', (text) => {
    expect(() => parseDuration(text)).toThrow(/not a duration/);
  });
  test('formats', () => expect(formatDuration(5_400_000)).toBe('1h30m'));
});
