// Inline markers that keep a finding on one line out of the report. keyward's own, and by default the
// markers of the scanners people switch from, so a repository keeps its existing suppressions:
// gitleaks `gitleaks:allow`, detect-secrets `pragma: allowlist secret` (and `pragma: allowlist nextline
// secret` on the line before, and the older `whitelist` spelling), TruffleHog `trufflehog:ignore`.

export const INLINE_IGNORE_STYLES = ['keyward', 'gitleaks', 'detect-secrets', 'trufflehog'] as const;
export type InlineIgnoreStyle = (typeof INLINE_IGNORE_STYLES)[number];

const SAME_LINE: Record<InlineIgnoreStyle, string> = {
  keyward: 'keyward:allow',
  gitleaks: 'gitleaks:allow',
  'detect-secrets': 'pragma: ?(?:allowlist|whitelist)[ -]secret',
  trufflehog: 'trufflehog:ignore',
};
const NEXT_LINE_DETECT_SECRETS = /pragma: ?allowlist[ -]nextline[ -]secret/i;

export interface InlineIgnores {
  /** True when this line carries a same-line marker. */
  onLine(text: string): boolean;
  /** True when this line carries a marker for the line after it. */
  forNextLine(text: string): boolean;
}

export function inlineIgnores(styles: readonly InlineIgnoreStyle[] = INLINE_IGNORE_STYLES): InlineIgnores {
  // Literal alternatives only, so the search is linear however long a (minified) line is.
  const same = styles.length > 0 ? new RegExp(styles.map((s) => SAME_LINE[s]).join('|'), 'i') : undefined;
  const next = styles.includes('detect-secrets');
  return {
    onLine: (text) => same?.test(text) ?? false,
    forNextLine: (text) => next && NEXT_LINE_DETECT_SECRETS.test(text),
  };
}
