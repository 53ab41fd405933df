// Secrets in what a scan prints that is not file content: file and folder names (every source),
// commit messages and author identities (the history source sends them as metadata events). They are
// short, so they are scanned here on the calling thread, each unique path prefix and each message
// once; what they hold is reported with its place. Every secret found in them is then redacted from
// every path, commit message, author and e-mail the result carries, so no report prints it.
import type { Detector } from './detector.js';
import type { CommitInfo, Finding, FindingPlace, Fragment, SkippedFile } from './types.js';

export class MetadataScanner {
  /** Path prefixes already scanned ("a", "a/b", "a/b/c.txt"): a folder's name is scanned once, not once per file. */
  private readonly seenPaths = new Set<string>();
  /** Each secret found in a name, message or author, and what to print instead. */
  private readonly secrets = new Map<string, string>();

  constructor(private readonly detector: Detector) {}

  /**
   * Findings in the names along `path`: each folder and the file itself, one segment at a time, so a key
   * in a folder name is one finding (at the folder), not one per file under it. `report: false` (a name
   * that is not new): only remembered, for redaction.
   */
  pathNames(path: string, commit?: CommitInfo, report = true): Finding[] {
    const out: Finding[] = [];
    let start = 0;
    while (start < path.length) {
      let end = path.indexOf('/', start);
      if (end === -1) end = path.length;
      const prefix = path.slice(0, end);
      if (end > start && !this.seenPaths.has(prefix)) {
        this.seenPaths.add(prefix);
        const fragment: Fragment = { text: path.slice(start, end), path: prefix, ...(commit ? { commit } : {}) };
        for (const found of this.detector.detect(fragment)) {
          const finding = this.remember({ ...found, place: 'path-name', startColumn: found.startColumn + start, endColumn: found.endColumn + start });
          if (report) out.push(finding);
        }
      }
      start = end + 1;
    }
    return out;
  }

  /** Findings in a commit message or author identity, tagged with where they are. */
  metadata(fragment: Fragment, place: Exclude<FindingPlace, 'path-name'>): Finding[] {
    return this.detector.detect(fragment).map((found) => this.remember({ ...found, place }));
  }

  private remember(finding: Finding): Finding {
    this.secrets.set(finding.secret, finding.redacted);
    return finding;
  }

  /** Replace every secret found in names and messages wherever findings and skip reports print them. */
  redact(findings: Finding[], skipped: SkippedFile[]): void {
    if (this.secrets.size === 0) return;
    // Longest first, so a secret that holds another is replaced whole.
    const pairs = [...this.secrets].sort(([a], [b]) => b.length - a.length);
    const scrub = (text: string): string => {
      let out = text;
      for (const [secret, redacted] of pairs) if (out.includes(secret)) out = out.split(secret).join(redacted);
      return out;
    };
    const scrubOptional = (text: string | undefined) => (text === undefined ? undefined : scrub(text));
    // Findings of one commit share its CommitInfo: scrub each once.
    const commits = new Map<CommitInfo, CommitInfo>();
    for (const finding of findings) {
      finding.path = scrub(finding.path);
      const commit = finding.commit;
      if (!commit) continue;
      let clean = commits.get(commit);
      if (!clean) {
        clean = { sha: commit.sha };
        const author = scrubOptional(commit.author);
        const email = scrubOptional(commit.email);
        const message = scrubOptional(commit.message);
        if (author !== undefined) clean.author = author;
        if (email !== undefined) clean.email = email;
        if (commit.date !== undefined) clean.date = commit.date;
        if (message !== undefined) clean.message = message;
        commits.set(commit, clean);
      }
      finding.commit = clean;
    }
    for (const skip of skipped) skip.path = scrub(skip.path);
  }
}
