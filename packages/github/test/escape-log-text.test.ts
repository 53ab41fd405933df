import { describe, expect, it } from 'vitest';
import { escapeLogText } from '../src/index.js';

describe('escapeLogText', () => {
  it('keeps untrusted text on one line and never at the start of a workflow command', () => {
    expect(escapeLogText('a\r\n::add-mask::x\n::warning::y')).toBe('a%0D%0A::add-mask::x%0A::warning::y');
    expect(escapeLogText('::error::x')).toBe('%3A:error::x');
    expect(escapeLogText('  ::error::x')).toBe('  %3A:error::x');
    expect(escapeLogText('text ##[add-mask]x ##[stop-commands]t')).toBe('text ##%5Badd-mask]x ##%5Bstop-commands]t');
  });

  it('encodes % first, so an escape in the input reads back as itself', () => {
    expect(escapeLogText('50%0A off')).toBe('50%250A off');
    expect(escapeLogText('plain path/to/file.ts:3')).toBe('plain path/to/file.ts:3');
  });
});
