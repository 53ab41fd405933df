import picomatch from 'picomatch';
import { compileRegex, type CompiledRegex, type RegexBackendName } from './regex.js';
import type { Allowlist } from './types.js';

/** An allowlist compiled once: path globs, RE2 regexes on the secret, match or line, and stopwords. */
export class CompiledAllowlist {
  private readonly pathMatchers: Array<(path: string) => boolean>;
  private readonly regexes: CompiledRegex[];
  private readonly target: 'secret' | 'match' | 'line';
  private readonly stopwords: string[];

  constructor(allowlist: Allowlist, backend: RegexBackendName | 'auto' = 'auto') {
    this.pathMatchers = [
      ...(allowlist.paths ?? []).map((glob) => picomatch(glob, { dot: true })),
      ...(allowlist.pathRegexes ?? []).map((pattern) => {
        const regex = compileRegex(pattern, {}, backend);
        return (path: string) => regex.test(path);
      }),
    ];
    this.regexes = (allowlist.regexes ?? []).map((r) => compileRegex(r, {}, backend));
    this.target = allowlist.regexTarget ?? 'secret';
    this.stopwords = (allowlist.stopwords ?? []).map((w) => w.toLowerCase());
  }

  get isEmpty(): boolean {
    return this.pathMatchers.length === 0 && this.regexes.length === 0 && this.stopwords.length === 0;
  }

  allowsPath(path: string): boolean {
    return this.pathMatchers.some((m) => m(path));
  }

  allowsValue(secret: string, match: string, line: string): boolean {
    if (this.stopwords.length > 0) {
      const lower = secret.toLowerCase();
      if (this.stopwords.some((w) => lower.includes(w))) return true;
    }
    if (this.regexes.length === 0) return false;
    const subject = this.target === 'secret' ? secret : this.target === 'match' ? match : line;
    return this.regexes.some((r) => r.test(subject));
  }
}
