/** What a masked form is replaced with: the runner's own marker, so logs read the same locally and in CI. */
export const REDACTED = '***';

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Replaces every occurrence of the given forms in a byte stream, chunk by chunk, and is correct whatever the
 * chunk boundaries: the tail of each chunk that could still be the start of a form (at most the longest form's
 * length - 1 bytes) is held back until the next chunk or `end()`. Works on bytes (as latin1 text, one char per
 * byte), so a chunk that splits a UTF-8 character, or output that is not UTF-8 at all, is handled the same.
 *
 * Held-back text is never flushed on a timer: a child that writes half a secret, pauses, then writes the rest
 * must not leak the first half. A prompt is held only when its last bytes could begin a masked form.
 */
export class StreamRedactor {
  private readonly forms: string[];
  private readonly pattern: RegExp | undefined;
  private readonly longest: number;
  private pending = '';

  constructor(forms: Iterable<string>) {
    // Longest first, so at one position the whole of a longer form wins over a shorter form it begins with.
    this.forms = [...new Set([...forms].filter((f) => f.length > 0).map((f) => Buffer.from(f, 'utf8').toString('latin1')))].sort(
      (a, b) => b.length - a.length,
    );
    this.longest = this.forms[0]?.length ?? 0;
    this.pattern = this.forms.length ? new RegExp(this.forms.map(escapeRegExp).join('|'), 'g') : undefined;
  }

  /** The longest form in bytes; `write` never holds back more than this minus one. */
  get maxHeldBack(): number {
    return Math.max(0, this.longest - 1);
  }

  /** Redacts what can be decided now and returns it; keeps the undecided tail for the next call. */
  write(chunk: Buffer | string): Buffer {
    const text = this.pending + (typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk).toString('latin1');
    if (!this.pattern) return Buffer.from(text, 'latin1');
    const hold = this.undecidedFrom(text);
    let out = '';
    let at = 0;
    this.pattern.lastIndex = 0;
    for (let match = this.pattern.exec(text); match && match.index < hold; match = this.pattern.exec(text)) {
      out += text.slice(at, match.index) + REDACTED;
      at = match.index + match[0].length;
    }
    const cut = Math.max(at, hold);
    out += text.slice(at, cut);
    this.pending = text.slice(cut);
    return Buffer.from(out, 'latin1');
  }

  /** The stream ended: nothing more can complete a form, so redact the held tail and return it. */
  end(): Buffer {
    const rest = this.pending;
    this.pending = '';
    if (!this.pattern) return Buffer.from(rest, 'latin1');
    return Buffer.from(rest.replace(this.pattern, REDACTED), 'latin1');
  }

  /**
   * The earliest offset whose remainder is a proper prefix of some form (it may yet become that form), or
   * text.length when there is none. Only the last `longest - 1` offsets can qualify.
   */
  private undecidedFrom(text: string): number {
    for (let start = Math.max(0, text.length - this.longest + 1); start < text.length; start++) {
      const tail = text.slice(start);
      if (this.forms.some((form) => form.length > tail.length && form.startsWith(tail))) return start;
    }
    return text.length;
  }
}
