// One regex adapter for every pattern keyward runs, built-in or user-supplied: RE2 semantics only
// (linear time, no lookaround, no backreferences), so no rule or input can hang a scan.
// Native `re2` is used where it installed; `re2js` (a pure-JS port of RE2) everywhere else, e.g. inside
// the bundled actions on any runner OS. A pattern RE2 rejects is an error on both: never a fallback
// to a backtracking engine.
import { createRequire } from 'node:module';
import { RE2JS } from 're2js';

export type RegexBackendName = 're2' | 're2js';

export interface RegexMatch {
  /** Start and end (UTF-16 offsets) of the whole match. */
  start: number;
  end: number;
  /** Start, end and text of each numbered group (index 0 is the whole match); undefined when it did not take part. */
  groups: Array<{ start: number; end: number; text: string } | undefined>;
}

export interface CompiledRegex {
  readonly source: string;
  readonly backend: RegexBackendName;
  /** Index of a named group, or undefined. */
  groupIndex(name: string): number | undefined;
  readonly groupCount: number;
  /**
   * Every non-overlapping match, left to right. `ascii`, when given, is `text` already encoded (it must be
   * pure ASCII, so byte and UTF-16 offsets agree): the native backend then skips a UTF-8 conversion per
   * call, which is most of a call's cost on short subjects searched by several rules.
   */
  matchAll(text: string, ascii?: Buffer): RegexMatch[];
  /** As matchAll, handing each match to `visit` as it is found: memory stays flat however many there are. */
  forEachMatch(text: string, visit: (match: RegexMatch) => void, ascii?: Buffer): void;
  test(text: string): boolean;
}

export class RegexSyntaxError extends Error {
  constructor(
    readonly pattern: string,
    readonly reason: string,
  ) {
    super(`invalid RE2 pattern: ${reason}`);
    this.name = 'RegexSyntaxError';
  }
}

export interface CompileOptions {
  caseInsensitive?: boolean;
}

interface NativeRe2Ctor {
  new (pattern: string, flags?: string): NativeRe2;
}
interface NativeRe2 {
  lastIndex: number;
  exec(text: string | Buffer): (RegExpExecArray & { indices?: Array<[number, number] | undefined> }) | null;
  test(text: string): boolean;
}

let nativeRe2: NativeRe2Ctor | null | undefined;
let nativeProblem: string | undefined;

function loadNative(): NativeRe2Ctor | null {
  if (nativeRe2 !== undefined) return nativeRe2;
  try {
    // createRequire keeps the native addon out of bundles: ncc cannot see this require, so bundled
    // actions always take the portable path.
    const require = createRequire(import.meta.url);
    nativeRe2 = require('re2') as NativeRe2Ctor;
  } catch (error) {
    nativeRe2 = null;
    nativeProblem = explainNativeFailure(error as NodeJS.ErrnoException);
  }
  return nativeRe2;
}

/** Why `require('re2')` failed, in the words a user can act on. */
function explainNativeFailure(error: NodeJS.ErrnoException): string {
  const message = String(error?.message ?? error).split('\n')[0]!;
  if (error?.code === 'MODULE_NOT_FOUND' && /Cannot find module 're2'/.test(message)) {
    return 'the optional dependency re2 is not installed (no compiler or prebuilt binary when keyward was installed, or --omit=optional)';
  }
  if (/NODE_MODULE_VERSION/.test(message)) {
    return `re2 is installed but was built for another Node.js version (this is Node ${process.version}, ABI ${process.versions.modules}): reinstall or \`npm rebuild re2\` (${message})`;
  }
  if (/re2\.node/.test(message)) {
    return `re2 is installed but its native addon was never built (install scripts skipped?): \`npm rebuild re2\` (${message})`;
  }
  return `re2 is installed but failed to load: ${message}`;
}

/** Whether the native engine loads here, and if not, why: for `keyward doctor` and error messages. */
export function nativeBackendStatus(): { loaded: boolean; problem?: string } {
  const loaded = loadNative() !== null;
  return loaded ? { loaded } : { loaded, problem: nativeProblem ?? 'unknown' };
}

/** Which backend `auto` resolves to on this machine. */
export function availableBackends(): RegexBackendName[] {
  return loadNative() ? ['re2', 're2js'] : ['re2js'];
}

export function resolveBackend(preference: RegexBackendName | 'auto' = 'auto'): RegexBackendName {
  if (preference === 're2js') return 're2js';
  const native = loadNative();
  if (preference === 're2' && !native) {
    throw new Error(`the native re2 regex backend cannot be used here: ${nativeProblem ?? 'not installed'}; use the portable backend (re2js)`);
  }
  return native ? 're2' : 're2js';
}

// RE2 and re2js both accept (?P<name>…); node-re2 also accepts (?<name>…). Normalise to the RE2 form.
function normaliseNamedGroups(pattern: string): string {
  return pattern.replace(/\(\?<([A-Za-z_][A-Za-z0-9_]*)>/g, '(?P<$1>');
}

/** A capturing group of a pattern: its 1-based index, where its `(` is, how long its opener is, and its name. */
export interface CapturingGroup {
  index: number;
  at: number;
  /** `(` is 1; `(?P<name>` or `(?<name>` is longer. */
  openerLength: number;
  name?: string;
}

/**
 * The pattern's capturing groups left to right: '(' not followed by '?', or a named group. Escapes and
 * character classes (a ']' right after '[' or '[^' is a literal) are skipped.
 */
export function capturingGroups(pattern: string): CapturingGroup[] {
  const groups: CapturingGroup[] = [];
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') {
      inClass = true;
      if (pattern[i + 1] === '^') i++;
      if (pattern[i + 1] === ']') i++;
      continue;
    }
    if (c !== '(') continue;
    if (pattern[i + 1] !== '?') {
      groups.push({ index: groups.length + 1, at: i, openerLength: 1 });
      continue;
    }
    const named = /^\(\?P?<([A-Za-z_][A-Za-z0-9_]*)>/.exec(pattern.slice(i, i + 64));
    if (named?.[1]) groups.push({ index: groups.length + 1, at: i, openerLength: named[0].length, name: named[1] });
  }
  return groups;
}

function namedGroupIndexes(pattern: string): Map<string, number> {
  return new Map(capturingGroups(pattern).flatMap((g) => (g.name ? [[g.name, g.index] as [string, number]] : [])));
}

export function compileRegex(
  pattern: string,
  options: CompileOptions = {},
  backend: RegexBackendName | 'auto' = 'auto',
): CompiledRegex {
  const source = normaliseNamedGroups(pattern);
  const chosen = resolveBackend(backend);
  const names = namedGroupIndexes(source);
  // Validate with re2js on both paths so error messages and accepted syntax are identical everywhere.
  const flags = options.caseInsensitive ? RE2JS.CASE_INSENSITIVE : 0;
  const Native = chosen === 're2' ? loadNative() : null;
  if (Native) return nativeRegex(Native, source, options, names, checkPortable(source, pattern, flags));
  // On the portable path compiling is the check.
  const compiled = compilePortable(source, pattern, flags);
  return portableRegex(compiled, source, names, compiled.groupCount());
}

// Rules are checked when loaded and again by each detector: remember each pattern's verdict (its group
// count, or its error), not the compiled program, which can be large.
const portableVerdicts = new Map<string, number | RegexSyntaxError>();

/** Compile with re2js and remember the verdict; a pattern RE2 rejects throws RegexSyntaxError. */
function compilePortable(source: string, pattern: string, flags: number): RE2JS {
  const key = `${flags}:${source}`;
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(source, flags);
  } catch (error) {
    const verdict = new RegexSyntaxError(pattern, cleanReason(error));
    portableVerdicts.set(key, verdict);
    throw verdict;
  }
  portableVerdicts.set(key, compiled.groupCount());
  return compiled;
}

/** Check the pattern with re2js (once per pattern); returns its number of capturing groups. */
function checkPortable(source: string, pattern: string, flags: number): number {
  const verdict = portableVerdicts.get(`${flags}:${source}`);
  if (verdict instanceof RegexSyntaxError) throw verdict;
  return verdict ?? compilePortable(source, pattern, flags).groupCount();
}

function cleanReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/^error parsing regexp: /, '');
}

function nativeRegex(
  Native: NativeRe2Ctor,
  source: string,
  options: CompileOptions,
  names: Map<string, number>,
  groupCount: number,
): CompiledRegex {
  let re: NativeRe2;
  try {
    re = new Native(source, options.caseInsensitive ? 'gdi' : 'gd');
  } catch (error) {
    throw new RegexSyntaxError(source, cleanReason(error));
  }
  return {
    source,
    backend: 're2',
    groupCount,
    groupIndex: (name) => names.get(name),
    test(text) {
      re.lastIndex = 0;
      const hit = re.test(text);
      re.lastIndex = 0;
      return hit;
    },
    matchAll(text, ascii) {
      const out: RegexMatch[] = [];
      this.forEachMatch(text, (m) => out.push(m), ascii);
      return out;
    },
    forEachMatch(text, visit, ascii) {
      re.lastIndex = 0;
      try {
        for (;;) {
          const m = re.exec(ascii ?? text);
          if (!m) break;
          const indices = m.indices ?? [];
          const groups: RegexMatch['groups'] = [];
          for (let g = 0; g <= groupCount; g++) {
            const span = indices[g];
            groups.push(span && m[g] !== undefined ? { start: span[0], end: span[1], text: text.slice(span[0], span[1]) } : undefined);
          }
          const whole = indices[0] ?? [m.index, m.index + m[0].length];
          if (whole[1] === whole[0]) re.lastIndex = whole[0] + 1;
          visit({ start: whole[0], end: whole[1], groups });
        }
      } finally {
        re.lastIndex = 0;
      }
    },
  };
}

function portableRegex(
  compiled: RE2JS,
  source: string,
  names: Map<string, number>,
  groupCount: number,
): CompiledRegex {
  return {
    source,
    backend: 're2js',
    groupCount,
    groupIndex: (name) => names.get(name),
    test: (text) => compiled.matcher(text).find(),
    matchAll(text) {
      const out: RegexMatch[] = [];
      this.forEachMatch(text, (m) => out.push(m));
      return out;
    },
    forEachMatch(text, visit) {
      const m = compiled.matcher(text);
      while (m.find()) {
        const groups: RegexMatch['groups'] = [];
        for (let g = 0; g <= groupCount; g++) {
          const start = m.start(g);
          if (start < 0) {
            groups.push(undefined);
            continue;
          }
          const end = m.end(g);
          groups.push({ start, end, text: text.slice(start, end) });
        }
        visit({ start: m.start(), end: m.end(), groups });
      }
    },
  };
}
