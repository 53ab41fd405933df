// `.keywardignore`: one fingerprint per line (as printed by `keyward scan`), `#` starts a comment.
// Fingerprints are content-based, so an entry keeps working when the line moves or history is rewritten.
import { quoteUserText } from './quote.js';

export const IGNORE_FILE_NAME = '.keywardignore';

const shorten = (text: string) => (text.length > 60 ? `${text.slice(0, 59)}…` : text);

export class IgnoreFileError extends Error {}

export function parseIgnoreFile(text: string, origin: string): Set<string> {
  const out = new Set<string>();
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/#.*$/, '').trim();
    if (!line) return;
    if (!/^[0-9a-f]{32}$/.test(line)) {
      throw new IgnoreFileError(`${origin}:${i + 1}: "${shorten(quoteUserText(line))}" is not a keyward fingerprint (32 hex characters)`);
    }
    out.add(line);
  });
  return out;
}
