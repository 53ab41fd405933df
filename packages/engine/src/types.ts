// Plain data shared by every part of the engine. Findings carry the secret in memory only (for
// fingerprints, baselines and filters); reporters decide what, if anything, of it is shown.
import type { VerifySpec } from './verify/spec.js';
import type { Verification } from './verify/verifier.js';

export type Severity = 'critical' | 'high' | 'medium' | 'low';
export type Precision = 'very-high' | 'high' | 'medium' | 'low';

export interface Allowlist {
  /** picomatch globs on the repo-relative path. */
  paths?: string[];
  /** RE2 patterns on the repo-relative path (as gitleaks' allowlist paths are; `keyward config import`). */
  pathRegexes?: string[];
  /** RE2 patterns tested against `regexTarget`. */
  regexes?: string[];
  regexTarget?: 'secret' | 'match' | 'line';
  /** Case-insensitive substrings of the secret that mark it as not a secret. */
  stopwords?: string[];
}

export interface RuleExamples {
  /** Each must give at least one finding from this rule. `{{…}}` generators are expanded at test time. */
  match: string[];
  /** Each must give no finding from this rule. */
  noMatch: string[];
}

export interface Rule {
  id: string;
  provider: string;
  description: string;
  /** RE2 pattern. The secret is the `secret` named group, else group 1, else the whole match. */
  pattern: string;
  keywords: string[];
  /** Minimum Shannon entropy (bits per character) of the secret. */
  entropy?: number;
  /** Name of a structural validator (see validators/). */
  checksum?: string;
  severity: Severity;
  precision: Precision;
  /** Link to the provider's own documentation of the format. */
  docs: string;
  tags: string[];
  /** `line`: the pattern runs on each line where a keyword occurs; `file`: on the whole fragment. */
  scope: 'line' | 'file';
  caseInsensitive: boolean;
  /** Skip the generic look-alike filters (placeholders, templates) for formats that cannot be confused. */
  skipFilters: boolean;
  allowlist?: Allowlist;
  /** The live check: one request to the provider's documented read-only endpoint (verify/spec.ts). */
  verify?: VerifySpec;
  /** The provider's page for revoking or rotating this credential. */
  revoke?: string;
  examples: RuleExamples;
  /** The file the rule was loaded from, for error messages. */
  origin: string;
}

export interface CommitInfo {
  sha: string;
  author?: string;
  email?: string;
  date?: string;
  message?: string;
}

/** A piece of text to scan, with where it came from. Detection never asks how it was read. */
export interface Fragment {
  text: string;
  /** Repo-relative POSIX path, or a label such as `(stdin)`. */
  path: string;
  commit?: CommitInfo;
  blobId?: string;
  /**
   * When the text is not a whole file (for example the added lines of a diff), the real 1-based line
   * number of each line of `text`. Absent: line i of text is line i of the file.
   */
  lineNumbers?: number[];
  /** Set when `text` is one chunk of a file too large to hold at once (sources/chunks.ts). */
  chunk?: FragmentChunk;
}

/**
 * A chunk of a large file: where its text starts in the file, and the part of it whose findings it
 * reports. The text reaches past that part on both sides, so a token across a boundary is seen whole by
 * one chunk and reported by exactly one (the one where it starts).
 */
export interface FragmentChunk {
  /** 1-based line and 0-based column (UTF-16 code units) in the file of the text's first character. */
  line: number;
  column: number;
  /** Character offsets in `text`: findings that start in [reportFrom, reportTo) are this chunk's. */
  reportFrom: number;
  reportTo: number;
  /** Findings per rule that earlier chunks of the file reported, set by runScan: the cap is per file. */
  reportedBefore?: Record<string, number>;
}

/**
 * A fragment still in the bytes it was read as, decoded (sources/text.ts) by the detector that scans it:
 * large scans then send bytes to the detection threads without a copy and decode there.
 */
export interface EncodedFragment extends Omit<Fragment, 'text'> {
  bytes: Uint8Array;
}

/**
 * Where a secret sits when it is not in a file's contents: in a file or folder name (`path` is that
 * path), in a commit message (`path` is `<commit message>`), or in a commit's author name or e-mail
 * (`path` is `<commit author>`).
 */
export type FindingPlace = 'path-name' | 'commit-message' | 'commit-author';

/** The `path` of a finding in a commit message, and in a commit's author name or e-mail. */
export const COMMIT_MESSAGE_PATH = '<commit message>';
export const COMMIT_AUTHOR_PATH = '<commit author>';

export interface Finding {
  ruleId: string;
  description: string;
  severity: Severity;
  path: string;
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
  /** Kept in memory only: reporters never print it unless the user asks with --no-redact. */
  secret: string;
  /** The secret with all but a short harmless prefix replaced. */
  redacted: string;
  fingerprint: string;
  entropy: number;
  commit?: CommitInfo;
  blobId?: string;
  /** Set by `--verify`: verified, invalid or unknown; absent when not checked. */
  verification?: Verification;
  /** Absent: in the contents of `path`. */
  place?: FindingPlace;
}

export interface SkippedFile {
  path: string;
  reason: 'binary' | 'too-large' | 'unreadable' | 'symlink-outside-root' | 'symlink-loop' | 'archive';
  detail?: string;
}

/** Skip reasons that mean "this input was not scanned though it should have been" (`--fail-on-skipped`). */
export const UNSCANNED_REASONS: ReadonlySet<SkippedFile['reason']> = new Set(['too-large', 'unreadable', 'archive']);

/** A rule that found more than the per-file cap in one file: the rest were not reported. */
export interface CappedFindings {
  path: string;
  ruleId: string;
  /** Findings reported for this rule and file (the cap). */
  reported: number;
}

export interface ScanStats {
  files: number;
  bytes: number;
  skipped: SkippedFile[];
  /** Rule and file pairs whose findings were cut at the per-file cap. */
  capped?: CappedFindings[];
  durationMs: number;
  suppressed: { allowlist: number; inline: number; ignoreFile: number; baseline: number };
}

export interface ScanResult {
  findings: Finding[];
  stats: ScanStats;
  rules: Rule[];
}
