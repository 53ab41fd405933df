import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../src/random.js';
import { discordBotTokenValidator as v } from '../../src/validators/discord-bot-token.js';

const id = (text: string) => Buffer.from(text).toString('base64url');

describe('discord-bot-token', () => {
  it('accepts generated tokens', () => {
    for (let i = 0; i < 20; i++) expect(v.validate(v.generate(new SeededRandom(i)))).toBe(true);
  });

  it('requires the first part to decode to a snowflake', () => {
    const tail = `.${'Ab-_9z'}.${'x'.repeat(38)}`;
    expect(v.validate(id('112233445566778899') + tail)).toBe(true);
    expect(v.validate(id('0112233445566778899') + tail)).toBe(false); // leading zero
    expect(v.validate(id('1122334455') + tail)).toBe(false); // too short
    expect(v.validate(id('abcdefghijklmnopqr') + tail)).toBe(false); // not digits
    expect(v.validate(id('{"alg":"HS256"}') + tail)).toBe(false); // JWT-like header
  });

  it('checks the part lengths', () => {
    const head = id('112233445566778899');
    expect(v.validate(`${head}.Ab-_9.${'x'.repeat(38)}`)).toBe(false);
    expect(v.validate(`${head}.Ab-_9z.${'x'.repeat(20)}`)).toBe(false);
    expect(v.validate(`${head}.Ab-_9z`)).toBe(false);
  });
});
