import { describe, expect, it } from 'vitest';
import { lineEndNear, lineStartNear } from '../src/lines.js';

describe('bounded line lookups', () => {
  const text = 'first\nsecond line\nthird';
  it('find the line around an offset', () => {
    expect(lineStartNear(text, 9, 100)).toBe(6);
    expect(lineEndNear(text, 9, 100)).toBe(17);
    expect(lineStartNear(text, 0, 100)).toBe(0);
    expect(lineEndNear(text, 20, 100)).toBe(text.length);
    expect(lineStartNear(text, 6, 100)).toBe(6); // at a line's first character
    expect(lineEndNear(text, 17, 100)).toBe(17); // at its line break
  });

  it('stop after `limit` characters on a long line', () => {
    const long = `x\n${'a'.repeat(10_000)}\ny`;
    expect(lineStartNear(long, 5000, 100)).toBe(4900);
    expect(lineEndNear(long, 5000, 100)).toBe(5100);
    expect(lineStartNear(long, 50, 100)).toBe(2);
    expect(lineEndNear(long, 9950, 100)).toBe(10_002);
  });
});
