// Discord bot tokens: three dot-separated base64url parts; the first is the bot's user id (a snowflake:
// 17 to 20 decimal digits) in base64, the second a 6-character timestamp, the third an HMAC of 27+ characters.
// https://discord.com/developers/docs/reference#authentication ; snowflakes: https://discord.com/developers/docs/reference#snowflakes
import { BASE64URL_ALPHABET as B64URL } from './json-part.js';
import type { Validator } from './validator.js';


export const discordBotTokenValidator: Validator = {
  name: 'discord-bot-token',
  validate(secret) {
    const parts = secret.split('.');
    if (parts.length !== 3) return false;
    const [id, stamp, hmac] = parts as [string, string, string];
    if (!/^[A-Za-z0-9_-]+$/.test(id) || stamp.length !== 6 || hmac.length < 27) return false;
    const decoded = Buffer.from(id, 'base64url').toString('latin1');
    return /^[1-9]\d{16,19}$/.test(decoded);
  },
  generate(rng) {
    const snowflake = rng.string('123456789', 1) + rng.string('0123456789', 17);
    const id = Buffer.from(snowflake).toString('base64url');
    return `${id}.${rng.string(B64URL, 6)}.${rng.string(B64URL, 38)}`;
  },
};
