// Detection: fragment text (or its bytes) in, findings out. Knows nothing of files, git or where bytes came from.
// Flow per fragment: keyword prefilter -> regex of the rules whose keywords occur (on the lines where
// they occur, or the whole fragment for multi-line rules) -> secret group -> entropy -> checksum ->
// look-alike filters -> allowlists -> inline keyward:allow -> finding. Then encoded runs (base64,
// percent, escapes) are decoded and scanned the same way, reported at the encoded text (decode.ts).
import { CompiledAllowlist } from './allowlist.js';
import { findSplitPairs } from './pairs.js';
import { DEFAULT_DECODE_BUDGET, decodedWindow, findEncodedRuns, type DecodeBudget } from './decode.js';
import { shannonEntropy } from './entropy.js';
import { lookAlikeReason, type FilterContext } from './filters.js';
import { fingerprintOf } from './fingerprint.js';
import { inlineIgnores, type InlineIgnores, type InlineIgnoreStyle } from './inline-ignores.js';
import { lineEndNear, lineStartNear } from './lines.js';
import { KeywordPrefilter } from './prefilter.js';
import { redactSecret } from './redact.js';
import { compileRegex, resolveBackend, type CompiledRegex, type RegexBackendName } from './regex.js';
import { decodeWithAscii } from './sources/text.js';
import type { Allowlist, EncodedFragment, Finding, Fragment, Rule } from './types.js';
import { validators, type Validator } from './validators/index.js';

export const INLINE_ALLOW = 'keyward:allow';

/**
 * Lines longer than this (minified bundles, data blobs) are searched in a window of WINDOW characters
 * either side of each keyword instead of whole. A window never ends inside a token: its end moves on to
 * the next separator, up to GROW characters, so a long secret (a JWT, say) is found whole. Overlapping
 * windows of one rule merge into one span, so no character is searched twice for the same rule.
 */
const LONG_LINE = 4096;
const WINDOW = 256;
const GROW = 64 * 1024;
/** Spans that may wait to be searched before the ones that can no longer grow are searched: bounds memory. */
const PENDING_SPANS = 4096;

/** Characters that end a token in code and data: whitespace, quotes, brackets, `,` `;` `<` `>`. */
const SEPARATOR = new Uint8Array(128);
for (const c of ' \t\r\n"\'`,;()[]{}<>') SEPARATOR[c.charCodeAt(0)] = 1;

function isSeparator(c: number): boolean {
  return c < 128 && SEPARATOR[c] === 1;
}

/**
 * Places keyword windows on long lines. Hits come in order of position, so both window edges only move
 * forward: one cursor remembers the last separator behind, another how far ahead is known to hold none.
 * Each character is looked at at most twice per fragment, however many keyword hits a line gives (a run
 * of `A` hits the Twitter prefix at every position; looking 64 KB ahead for each hit was quadratic).
 */
class WindowPlacer {
  /** Characters before `behindCursor` have been looked at; `lastSeparator` is the last separator among them. */
  private behindCursor = 0;
  private lastSeparator = -1;
  /** No separator in [aheadFrom, aheadClear); `aheadFound` is the first separator at or after aheadClear, if known. */
  private aheadFrom = 0;
  private aheadClear = 0;
  private aheadFound = -1;

  constructor(
    private readonly text: string,
    private readonly effort: DetectionEffort,
  ) {}

  /** Just after the last separator before `from`, within WINDOW characters and above `floor`; else `from`. */
  start(from: number, floor: number): number {
    const { text } = this;
    // Only the last WINDOW characters before `from` can matter, so a long jump skips ahead.
    if (this.behindCursor < from - WINDOW) this.behindCursor = from - WINDOW;
    while (this.behindCursor < from) {
      this.effort.charsExamined++;
      if (isSeparator(text.charCodeAt(this.behindCursor))) this.lastSeparator = this.behindCursor;
      this.behindCursor++;
    }
    const after = this.lastSeparator + 1;
    return this.lastSeparator >= 0 && after > floor && from - after < WINDOW ? after : from;
  }

  /** The first separator at or after `from`, within `ceiling` and GROW characters; else that limit. */
  end(from: number, ceiling: number): number {
    const limit = Math.min(ceiling, from + GROW);
    if (this.aheadFound >= from && from >= this.aheadFrom) return Math.min(this.aheadFound, limit);
    let i = from >= this.aheadFrom && from < this.aheadClear ? this.aheadClear : from;
    this.aheadFrom = from;
    this.aheadFound = -1;
    const { text } = this;
    for (; i < limit; i++) {
      this.effort.charsExamined++;
      if (isSeparator(text.charCodeAt(i))) {
        this.aheadClear = i;
        this.aheadFound = i;
        return i;
      }
    }
    this.aheadClear = limit;
    return limit;
  }
}

export interface DetectorOptions {
  regexBackend?: RegexBackendName | 'auto';
  /** Applies to every rule. */
  allowlist?: Allowlist;
  /** Extra allowlists for named rules, from the config file. */
  ruleAllowlists?: Record<string, Allowlist>;
  /** Levels of encoding to look inside (base64 in base64 is two); 0 turns decoding off. Default 2. */
  decodeDepth?: number;
  /** The fingerprint key (KEYWARD_FINGERPRINT_KEY), when one is configured: see fingerprint.ts. */
  fingerprintKey?: string;
  /** Whose inline markers suppress a finding (default: keyward's and the peers', see inline-ignores.ts). */
  inlineIgnores?: InlineIgnoreStyle[];
  /** Findings one rule may report in one fragment; the rest are counted as capped. Default 100. */
  maxFindingsPerRule?: number;
}

export const DEFAULT_MAX_FINDINGS_PER_RULE = 100;

/** Findings of one fragment, and the rules whose findings there were cut at the cap. */
export interface Detection {
  findings: Finding[];
  capped: string[];
}

/**
 * Work done, counted so tests can prove detection stays linear without timing anything: characters
 * looked at while placing windows on long lines, and characters handed to a rule's regex.
 */
export interface DetectionEffort {
  charsExamined: number;
  charsSearched: number;
}

export interface DetectionCounts {
  allowlist: number;
  inline: number;
  filtered: number;
}

interface PreparedRule {
  rule: Rule;
  /** Compiled the first time a keyword calls for the rule: a scan pays only for the rules it uses. */
  compiled?: { regex: CompiledRegex; secretGroup: number };
  validator?: Validator;
  allowlists: CompiledAllowlist[];
  generic: boolean;
  /** 0 a provider's format, 1 a container or shape rule (tag `fallback`), 2 a generic rule: lower wins. */
  rank: number;
}

interface Candidate {
  prepared: PreparedRule;
  start: number;
  end: number;
  matchStart: number;
  matchEnd: number;
  secret: string;
  entropy: number;
}

export class Detector {
  readonly rules: readonly Rule[];
  readonly backend: RegexBackendName;
  private readonly prepared: PreparedRule[];
  private readonly prefilter: KeywordPrefilter;
  /** keyword index -> rules (indexes into `prepared`) that listed it */
  private readonly keywordRules: number[][];
  private readonly globalAllowlist: CompiledAllowlist | undefined;
  private readonly decodeDepth: number;
  private readonly inline: InlineIgnores;
  private readonly maxFindingsPerRule: number;
  /** Candidates kept per rule in the fragment being detected: memory stays bounded whatever a rule matches. */
  private readonly candidateCounts = new Map<PreparedRule, number>();
  private readonly cappedRules = new Set<PreparedRule>();
  readonly counts: DetectionCounts = { allowlist: 0, inline: 0, filtered: 0 };
  readonly effort: DetectionEffort = { charsExamined: 0, charsSearched: 0 };

  constructor(
    rules: readonly Rule[],
    readonly options: DetectorOptions = {},
  ) {
    this.rules = rules;
    const backendPreference = options.regexBackend ?? 'auto';
    this.globalAllowlist = options.allowlist ? new CompiledAllowlist(options.allowlist, backendPreference) : undefined;
    this.decodeDepth = options.decodeDepth ?? 2;
    this.inline = inlineIgnores(options.inlineIgnores);
    this.maxFindingsPerRule = options.maxFindingsPerRule ?? DEFAULT_MAX_FINDINGS_PER_RULE;
    this.backend = resolveBackend(backendPreference);
    this.prepared = rules.map((rule) => {
      const allowlists: CompiledAllowlist[] = [];
      if (rule.allowlist) allowlists.push(new CompiledAllowlist(rule.allowlist, backendPreference));
      const extra = options.ruleAllowlists?.[rule.id];
      if (extra) allowlists.push(new CompiledAllowlist(extra, backendPreference));
      const prepared: PreparedRule = {
        rule,
        allowlists,
        generic: rule.tags.includes('generic'),
        rank: rule.tags.includes('generic') ? 2 : rule.tags.includes('fallback') ? 1 : 0,
      };
      if (rule.checksum) {
        const validator = validators.get(rule.checksum);
        if (!validator) throw new Error(`${rule.origin}: rule "${rule.id}": field "checksum": names no validator`);
        prepared.validator = validator;
      }
      return prepared;
    });
    const keywordIndex = new Map<string, number>();
    this.keywordRules = [];
    this.prepared.forEach((p, ruleIndex) => {
      for (const keyword of p.rule.keywords) {
        let k = keywordIndex.get(keyword);
        if (k === undefined) {
          k = keywordIndex.size;
          keywordIndex.set(keyword, k);
          this.keywordRules.push([]);
        }
        const list = this.keywordRules[k]!;
        if (!list.includes(ruleIndex)) list.push(ruleIndex);
      }
    });
    this.prefilter = new KeywordPrefilter([...keywordIndex.keys()]);
  }

  /**
   * Patterns are checked when rules are loaded (rules.ts), so this fails only for a Rule built by hand
   * with a pattern RE2 rejects; the error names the rule.
   */
  private compile(rule: Rule): { regex: CompiledRegex; secretGroup: number } {
    let regex: CompiledRegex;
    try {
      regex = compileRegex(rule.pattern, { caseInsensitive: rule.caseInsensitive }, this.backend);
    } catch (error) {
      throw new Error(`${rule.origin}: rule "${rule.id}": field "pattern": ${(error as Error).message}`);
    }
    return { regex, secretGroup: regex.groupIndex('secret') ?? (regex.groupCount >= 1 ? 1 : 0) };
  }

  /** True when the global allowlist covers this path: the source can skip reading it. */
  allowsPath(path: string): boolean {
    return this.globalAllowlist?.allowsPath(path) ?? false;
  }

  /** Findings in one fragment, given as text or as the bytes it was read as. */
  detect(fragment: Fragment | EncodedFragment): Finding[] {
    return this.detectWithCaps(fragment).findings;
  }

  /** As detect, also naming the rules that found more than `maxFindingsPerRule` here (only that many are reported). */
  detectWithCaps(fragment: Fragment | EncodedFragment): Detection {
    const { text, ascii } = 'bytes' in fragment ? decodeWithAscii(fragment.bytes) : { text: fragment.text, ascii: undefined };
    if (text.length === 0) return { findings: [], capped: [] };
    this.candidateCounts.clear();
    this.cappedRules.clear();
    try {
      const candidates = this.candidates(text, fragment.path, 0, { ...DEFAULT_DECODE_BUDGET }, undefined, ascii);
      const findings = candidates.length === 0 ? [] : this.toFindings(fragment, text, candidates);
      return { findings, capped: [...this.cappedRules].map((p) => p.rule.id) };
    } finally {
      this.candidateCounts.clear();
      this.cappedRules.clear();
    }
  }

  /** Candidates in `text` as written, then in the encoded runs inside it, down to `decodeDepth` levels. */
  private candidates(
    text: string,
    path: string,
    depth: number,
    budget: DecodeBudget,
    focus: { start: number; end: number } = { start: 0, end: text.length },
    ascii?: Buffer,
  ): Candidate[] {
    const candidates = this.checkedCandidates(text, path, ascii);
    if (depth === 0) this.addSplitPairs(text, path, candidates);
    if (depth >= this.decodeDepth) return candidates;
    // Inside a decoded window only the decoded part is new; its context was searched one level up.
    const scope = focus.start === 0 && focus.end === text.length ? text : text.slice(focus.start, focus.end);
    for (const found of findEncodedRuns(scope, budget)) {
      const run = { ...found, start: found.start + focus.start, end: found.end + focus.start };
      const window = decodedWindow(text, run);
      const inner = { start: window.decodedStart, end: window.decodedEnd };
      for (const c of this.candidates(window.text, path, depth + 1, budget, inner)) {
        if (c.end <= window.decodedStart || c.start >= window.decodedEnd) continue;
        // The same rule already found it as written (a percent-encoded password in a URL, say).
        if (candidates.some((p) => p.prepared === c.prepared && p.start < run.end && run.start < p.end)) continue;
        candidates.push({ ...c, start: run.start, end: run.end, matchStart: run.start, matchEnd: run.end });
      }
    }
    return candidates;
  }

  /**
   * Name and value written apart (Kubernetes `- name:` / `value:`, Terraform `set {}`, ECS JSON): each pair
   * is searched as one `NAME=value` line, and what it finds is placed at the value in the real text.
   */
  private addSplitPairs(text: string, path: string, candidates: Candidate[]): void {
    for (const pair of findSplitPairs(text)) {
      const shift = pair.offset - pair.valueStart;
      for (const c of this.checkedCandidates(pair.text, path)) {
        if (c.end <= pair.valueStart) continue;
        const start = Math.max(c.start, pair.valueStart) + shift;
        const end = c.end + shift;
        if (candidates.some((p) => p.prepared === c.prepared && p.start < end && start < p.end)) continue;
        candidates.push({ ...c, start, end, matchStart: start, matchEnd: end });
      }
    }
  }

  /** Candidates as written, less a generic hit on a value that failed a provider's checksum: that is the broken value, not a new secret. */
  private checkedCandidates(text: string, path: string, ascii?: Buffer): Candidate[] {
    const failedChecks: Array<{ start: number; end: number }> = [];
    const candidates = this.plainCandidates(text, path, failedChecks, ascii);
    if (failedChecks.length === 0) return candidates;
    return candidates.filter((c) => {
      const broken = c.prepared.generic && failedChecks.some((f) => f.start < c.end && c.start < f.end);
      if (broken) this.counts.filtered++;
      return !broken;
    });
  }

  /**
   * `ascii`, when given, is `text` as bytes (all ASCII): spans are then searched as slices of it.
   * Memory stays flat however big the text: hits are handled as the prefilter finds them, and once
   * PENDING_SPANS spans wait, every span that can no longer grow is searched and dropped.
   */
  private plainCandidates(text: string, path: string, failedChecks: Array<{ start: number; end: number }>, ascii?: Buffer): Candidate[] {
    // rule index -> spans of text to run the rule on (line scope), or true (file scope). Hits come in
    // order of position, so one forward cursor finds each hit's line: linear even on one-line files.
    // Span starts only grow, so only a rule's last span can still merge with a later one.
    const work = new Map<number, Array<[number, number]> | true>();
    const candidates: Candidate[] = [];
    const subjects = new SubjectCache(text, this.backend === 're2', ascii);
    let pending = 0;
    const search = (final: boolean): void => {
      pending = 0;
      for (const [ruleIndex, scope] of work) {
        const p = this.prepared[ruleIndex]!;
        const upTo = scope === true ? 0 : final ? scope.length : scope.length - 1;
        // A path allowlist means "not searched here", like the global one that skips the file: nothing was
        // found, so nothing is counted as suppressed (value allowlists count the findings they drop).
        if ((scope === true ? final : upTo > 0) && !p.allowlists.some((a) => a.allowsPath(path))) {
          if (scope === true) {
            this.collect(p, text, 0, candidates, text, path, failedChecks, ascii);
          } else {
            for (let i = 0; i < upTo; i++) {
              const [start, end] = scope[i]!;
              const subject = subjects.get(start, end);
              this.collect(p, subject.text, start, candidates, text, path, failedChecks, subject.ascii);
            }
          }
        }
        if (scope !== true) {
          scope.splice(0, upTo);
          pending += scope.length;
        }
      }
      subjects.clear();
    };
    const windows = new WindowPlacer(text, this.effort);
    let lineStart = 0;
    let nextNewline = text.indexOf('\n');
    this.prefilter.forEachHit(text, (keyword, hitEnd) => {
      const at = hitEnd - 1;
      while (nextNewline !== -1 && nextNewline < at) {
        lineStart = nextNewline + 1;
        nextNewline = text.indexOf('\n', lineStart);
      }
      const lineEnd = nextNewline === -1 ? text.length : nextNewline;
      let spanStart = lineStart;
      let spanEnd = lineEnd;
      if (lineEnd - lineStart > LONG_LINE) {
        // Minified bundles and data blobs: a window around the keyword, not the whole megabyte line.
        spanStart = windows.start(Math.max(lineStart, hitEnd - WINDOW), lineStart);
        spanEnd = windows.end(Math.min(lineEnd, hitEnd + WINDOW), lineEnd);
      }
      for (const ruleIndex of this.keywordRules[keyword]!) {
        const p = this.prepared[ruleIndex]!;
        if (p.rule.scope === 'file') {
          work.set(ruleIndex, true);
          continue;
        }
        let spans = work.get(ruleIndex);
        if (spans === true) continue;
        if (!spans) {
          spans = [];
          work.set(ruleIndex, spans);
        }
        const last = spans[spans.length - 1];
        if (last && spanStart <= last[1]) {
          last[1] = Math.max(last[1], spanEnd);
        } else {
          spans.push([spanStart, spanEnd]);
          if (++pending >= PENDING_SPANS) search(false);
        }
      }
    });
    search(true);
    return candidates;
  }

  private collect(
    p: PreparedRule,
    subject: string,
    offset: number,
    out: Candidate[],
    text: string,
    path: string,
    failedChecks: Array<{ start: number; end: number }>,
    ascii?: Buffer,
  ): void {
    const { regex, secretGroup } = (p.compiled ??= this.compile(p.rule));
    this.effort.charsSearched += subject.length;
    regex.forEachMatch(
      subject,
      (m) => {
        const group = m.groups[secretGroup] ?? m.groups[0];
        if (!group || group.text.length === 0) return;
        const secret = group.text;
        const entropy = shannonEntropy(secret);
        if (p.rule.entropy !== undefined && entropy < p.rule.entropy) return;
        if (p.validator && !p.validator.validate(secret)) {
          failedChecks.push({ start: offset + group.start, end: offset + group.end });
          return;
        }
        if (!p.rule.skipFilters && lookAlikeReason(secret, filterContext(text, offset + group.start, path, p.generic)) !== undefined) {
          this.counts.filtered++;
          return;
        }
        // Allowlists and overlaps may still drop some, so keep a few times the cap; past that, the rule is capped.
        const kept = this.candidateCounts.get(p) ?? 0;
        if (kept >= this.maxFindingsPerRule * 4) {
          this.cappedRules.add(p);
          return;
        }
        this.candidateCounts.set(p, kept + 1);
        out.push({
          prepared: p,
          start: offset + group.start,
          end: offset + group.end,
          matchStart: offset + m.start,
          matchEnd: offset + m.end,
          secret,
          entropy,
        });
      },
      ascii,
    );
  }

  private toFindings(fragment: Fragment | EncodedFragment, text: string, candidates: Candidate[]): Finding[] {
    const kept = mostSpecific(candidates);
    const seen = new Set<string>();
    const findings: Finding[] = [];
    const lines = new LineIndex(text, this.inline);
    const chunk = fragment.chunk;
    const reported = new Map<PreparedRule, number>();
    for (const c of kept) {
      // A chunk's overlap with its neighbours is context: what starts there is the neighbour's to report.
      if (chunk && (c.start < chunk.reportFrom || c.start >= chunk.reportTo)) continue;
      const key = `${c.prepared.rule.id}:${c.start}:${c.end}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const startLine = lines.lineOf(c.start);
      const endLine = lines.lineOf(Math.max(c.start, c.end - 1));
      const lineText = lines.lineText(startLine);
      const match = text.slice(c.matchStart, c.matchEnd);
      const allowlisted =
        (this.globalAllowlist?.allowsValue(c.secret, match, lineText) ?? false) ||
        c.prepared.allowlists.some((a) => a.allowsValue(c.secret, match, lineText));
      if (allowlisted) {
        this.counts.allowlist++;
        continue;
      }
      if (lines.allows(startLine) || (endLine !== startLine && lines.allows(endLine))) {
        this.counts.inline++;
        continue;
      }
      // Earlier chunks of the same file may have used part of the cap (and paid for those fingerprints).
      const count = reported.get(c.prepared) ?? chunk?.reportedBefore?.[c.prepared.rule.id] ?? 0;
      if (count >= this.maxFindingsPerRule) {
        this.cappedRules.add(c.prepared);
        continue;
      }
      reported.set(c.prepared, count + 1);
      const rule = c.prepared.rule;
      const finding: Finding = {
        ruleId: rule.id,
        description: rule.description,
        severity: rule.severity,
        path: fragment.path,
        startLine: realLine(fragment, startLine),
        startColumn: c.start - lines.startOf(startLine) + 1 + (startLine === 0 ? (chunk?.column ?? 0) : 0),
        endLine: realLine(fragment, endLine),
        endColumn: c.end - lines.startOf(endLine) + 1 + (endLine === 0 ? (chunk?.column ?? 0) : 0),
        secret: c.secret,
        redacted: redactSecret(c.secret, rule),
        fingerprint: fingerprintOf(rule, fragment.path, c.secret, this.options.fingerprintKey),
        entropy: Math.round(c.entropy * 100) / 100,
      };
      if (fragment.commit) finding.commit = fragment.commit;
      if (fragment.blobId) finding.blobId = fragment.blobId;
      findings.push(finding);
    }
    return findings;
  }
}

/** The line around `start` (capped for minified text), for filters that judge by surroundings. */
function filterContext(text: string, start: number, path: string, generic: boolean): FilterContext {
  const lineStart = lineStartNear(text, start, 4096);
  const lineEnd = lineEndNear(text, start, 4096);
  return { line: text.slice(lineStart, lineEnd).replace(/\r$/, ''), column: start - lineStart, path, generic };
}

const NON_ASCII = /[^\x00-\x7f]/;

/**
 * The text of each span, sliced once and shared by every rule that searches it; for the native backend
 * also its bytes when it is pure ASCII, so each rule's call skips converting the same string again.
 */
class SubjectCache {
  private readonly cache = new Map<number, { end: number; text: string; ascii: Buffer | undefined }>();
  /** Most files are all ASCII: one test of the whole text spares a test per span. */
  private readonly allAscii: boolean;
  constructor(
    private readonly source: string,
    private readonly encode: boolean,
    /** The whole source as ASCII bytes, when the caller has them: spans are then views, not copies. */
    private readonly sourceBytes?: Buffer,
  ) {
    this.allAscii = encode && (sourceBytes !== undefined || !NON_ASCII.test(source));
  }

  clear(): void {
    this.cache.clear();
  }

  get(start: number, end: number): { text: string; ascii: Buffer | undefined } {
    const hit = this.cache.get(start);
    if (hit && hit.end === end) return hit;
    const text = this.source.slice(start, end);
    const ascii = !this.encode
      ? undefined
      : this.sourceBytes
        ? this.sourceBytes.subarray(start, end)
        : this.allAscii || !NON_ASCII.test(text)
          ? Buffer.from(text, 'latin1')
          : undefined;
    const entry = { end, text, ascii };
    this.cache.set(start, entry);
    return entry;
  }
}

const PRECISION_ORDER: Record<string, number> = { 'very-high': 0, high: 1, medium: 2, low: 3 };

/**
 * One finding per secret, named as well as possible. A hit that overlaps a hit of a more specific rule is
 * the same secret named less well: a generic `password=` rule, or a container rule (a Kubernetes Secret
 * value, a Docker `auth`, a bare PEM block) around a provider's token found inside it. Two rules of the same
 * kind on exactly the same span keep the more precise one.
 */
function mostSpecific(candidates: Candidate[]): Candidate[] {
  if (candidates.length < 2) return candidates;
  const order = [...candidates].sort((a, b) => a.start - b.start);
  const dropped = new Set<Candidate>();
  for (let i = 0; i < order.length; i++) {
    const a = order[i]!;
    for (let j = i + 1; j < order.length && order[j]!.start < a.end; j++) {
      const b = order[j]!;
      if (a.prepared === b.prepared) continue;
      if (a.prepared.rank !== b.prepared.rank) {
        dropped.add(a.prepared.rank > b.prepared.rank ? a : b);
      } else if (a.start === b.start && a.end === b.end && a.prepared.rank < 2) {
        const pa = PRECISION_ORDER[a.prepared.rule.precision]!;
        const pb = PRECISION_ORDER[b.prepared.rule.precision]!;
        dropped.add(pb < pa ? a : b);
      }
    }
  }
  return dropped.size === 0 ? candidates : candidates.filter((c) => !dropped.has(c));
}

function realLine(fragment: Fragment | EncodedFragment, zeroBased: number): number {
  return fragment.lineNumbers?.[zeroBased] ?? zeroBased + (fragment.chunk?.line ?? 1);
}

/** Offsets of line starts, built lazily: most fragments with findings have few of them. */
class LineIndex {
  private starts: number[] | undefined;
  private cachedLine: { line: number; text: string; allows: boolean | undefined } | undefined;
  constructor(
    private readonly source: string,
    private readonly inline: InlineIgnores,
  ) {}

  private build(): number[] {
    if (this.starts) return this.starts;
    const starts = [0];
    let i = this.source.indexOf('\n');
    while (i >= 0) {
      starts.push(i + 1);
      i = this.source.indexOf('\n', i + 1);
    }
    this.starts = starts;
    return starts;
  }

  /** Zero-based line holding `offset`. */
  lineOf(offset: number): number {
    const starts = this.build();
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  startOf(line: number): number {
    return this.build()[line] ?? this.source.length;
  }

  /** The line's text, without its line break. The last line asked for is kept: findings come in clusters. */
  lineText(line: number): string {
    if (this.cachedLine?.line === line) return this.cachedLine.text;
    const starts = this.build();
    const start = starts[line] ?? this.source.length;
    const next = starts[line + 1];
    let end = next === undefined ? this.source.length : next - 1;
    if (end > start && this.source.charCodeAt(end - 1) === 13) end--;
    const text = this.source.slice(start, end);
    this.cachedLine = { line, text, allows: undefined };
    return text;
  }

  /**
   * True when the line carries an inline marker (`keyward:allow`, or a peer's), or the line before it a
   * next-line marker; searched once per line however many findings it has.
   */
  allows(line: number): boolean {
    const text = this.lineText(line);
    const cached = this.cachedLine!;
    if (cached.allows === undefined) {
      const previous = line > 0 ? this.previousLineText(line) : '';
      cached.allows = this.inline.onLine(text) || this.inline.forNextLine(previous);
    }
    return cached.allows;
  }

  /** The text of the line before `line`, without touching the one-line cache. */
  private previousLineText(line: number): string {
    const starts = this.build();
    const start = starts[line - 1]!;
    return this.source.slice(start, Math.max(start, starts[line]! - 1));
  }
}
