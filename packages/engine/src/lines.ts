// Bounded line lookups: minified files are one line of megabytes, so code that wants "the line around
// this offset" must never search the whole line, or a file full of matches costs quadratic time.

/** Start of the line holding `at`, looking back at most `limit` characters (else `at - limit`). */
export function lineStartNear(text: string, at: number, limit: number): number {
  const floor = Math.max(0, at - limit);
  for (let i = at; i > floor; i--) if (text.charCodeAt(i - 1) === 10) return i;
  return floor;
}

/** End of the line holding `at` (its `\n`, or the end of the text), looking ahead at most `limit` characters. */
export function lineEndNear(text: string, at: number, limit: number): number {
  const ceiling = Math.min(text.length, at + limit);
  for (let i = at; i < ceiling; i++) if (text.charCodeAt(i) === 10) return i;
  return ceiling;
}
