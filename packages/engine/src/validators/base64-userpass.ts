// HTTP Basic credentials stored base64-encoded (RFC 7617): Docker's config.json "auth" and .npmrc "_auth"
// hold base64("user:password"). Valid when the value decodes to printable text with a non-empty user and
// a non-empty password.
import type { Validator } from './validator.js';

const USER = 'abcdefghijklmnopqrstuvwxyz0123456789';
const PASSWORD = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export function decodeUserPass(secret: string): { user: string; password: string } | undefined {
  if (secret.length < 8 || secret.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(secret)) return undefined;
  const text = Buffer.from(secret, 'base64').toString('utf8');
  if (!/^[\x20-\x7e]+$/.test(text)) return undefined;
  const colon = text.indexOf(':');
  if (colon < 1 || colon === text.length - 1) return undefined;
  return { user: text.slice(0, colon), password: text.slice(colon + 1) };
}

export const base64UserPassValidator: Validator = {
  name: 'base64-userpass',
  validate: (secret) => decodeUserPass(secret) !== undefined,
  /** `arg` is the user name; the password is random. */
  generate(rng, arg) {
    const user = arg || `ci-${rng.string(USER, 6)}`;
    return Buffer.from(`${user}:${rng.string(PASSWORD, 24)}`).toString('base64');
  },
};
