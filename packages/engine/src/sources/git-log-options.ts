// What `--log-opts` may pass to `git log`: revisions, ranges and options that only choose which commits
// are walked. Anything else (--output=FILE writes a file, --format or -p change what the parser reads,
// --exec-style options) is refused by name before git runs. Revisions go after --end-of-options, so
// nothing the user passes as a revision can be read by git as an option.
import { GitError, splitArguments } from './git-runner.js';

/** An option `--log-opts` does not accept; the message names the option, never its value. */
export class LogOptionError extends GitError {
  override name = 'LogOptionError';
}

/** Options that select commits, and whether each takes a value (`--since=X` or `--since X`). */
const COMMIT_FILTERS: ReadonlyMap<string, 'flag' | 'value' | 'optional-value'> = new Map([
  // which refs to start from
  ['--all', 'flag'],
  ['--branches', 'optional-value'],
  ['--tags', 'optional-value'],
  ['--remotes', 'optional-value'],
  ['--glob', 'value'],
  ['--exclude', 'value'],
  // which commits to keep
  ['--since', 'value'],
  ['--after', 'value'],
  ['--until', 'value'],
  ['--before', 'value'],
  ['--author', 'value'],
  ['--committer', 'value'],
  ['--grep', 'value'],
  ['--invert-grep', 'flag'],
  ['--all-match', 'flag'],
  ['--regexp-ignore-case', 'flag'],
  ['-i', 'flag'],
  ['--max-count', 'value'],
  ['-n', 'value'],
  ['--skip', 'value'],
  ['--first-parent', 'flag'],
  ['--no-merges', 'flag'],
  ['--merges', 'flag'],
  ['--ancestry-path', 'flag'],
]);

const NUMERIC = new Set(['--max-count', '-n', '--skip']);

/** The documented list, for help texts and error messages. */
export const ALLOWED_LOG_OPTIONS: readonly string[] = [...COMMIT_FILTERS.keys()].filter((o) => o !== '-i' && o !== '-n');

export interface ParsedLogOptions {
  /** Options in the order given, each as one `--name` or `--name=value` argument. */
  options: string[];
  /** Revisions and ranges (`main`, `v1..v2`, `^old`, `A...B`). */
  revisions: string[];
  /** Path limits after `--`. */
  paths: string[];
  /** True when the options or revisions already say where to start (else the walk covers every ref). */
  choosesRefs: boolean;
}

const REF_OPTIONS = new Set(['--all', '--branches', '--tags', '--remotes', '--glob']);

/** Splits and checks a `--log-opts` string; throws LogOptionError naming the first option it refuses. */
export function parseLogOptions(text: string): ParsedLogOptions {
  const args = splitArguments(text);
  const out: ParsedLogOptions = { options: [], revisions: [], paths: [], choosesRefs: false };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') {
      out.paths.push(...args.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      if (arg === '-') throw new LogOptionError('--log-opts: "-" (read revisions from standard input) is not accepted');
      out.revisions.push(arg);
      out.choosesRefs = true;
      continue;
    }
    // -5 is git's short form of --max-count=5
    if (/^-\d+$/.test(arg)) {
      out.options.push(`--max-count=${arg.slice(1)}`);
      continue;
    }
    let name = arg;
    let value: string | undefined;
    const eq = arg.indexOf('=');
    if (arg.startsWith('--') && eq > 0) {
      name = arg.slice(0, eq);
      value = arg.slice(eq + 1);
    } else if (/^-n\d+$/.test(arg)) {
      name = '-n';
      value = arg.slice(2);
    }
    const kind = COMMIT_FILTERS.get(name);
    if (kind === undefined) {
      throw new LogOptionError(
        `--log-opts: "${name}" is not accepted: --log-opts takes revisions, ranges, paths after "--", and only these options: ${ALLOWED_LOG_OPTIONS.join(' ')}`,
      );
    }
    if (kind === 'flag' && value !== undefined) throw new LogOptionError(`--log-opts: "${name}" takes no value`);
    if (kind === 'value' && value === undefined) {
      const next = args[i + 1];
      if (next === undefined || next === '--') throw new LogOptionError(`--log-opts: "${name}" needs a value`);
      value = next;
      i++;
    }
    if (NUMERIC.has(name) && !/^\d+$/.test(value ?? '')) throw new LogOptionError(`--log-opts: "${name}" needs a whole number`);
    // One argument per option, `--name=value`: a value can never be read as an option of its own.
    const canonical = name === '-n' ? '--max-count' : name === '-i' ? '--regexp-ignore-case' : name;
    out.options.push(value === undefined ? canonical : `${canonical}=${value}`);
    if (REF_OPTIONS.has(canonical)) out.choosesRefs = true;
  }
  return out;
}

/** The checked arguments in the order git needs: options, then --end-of-options and the revisions, then the paths. */
export function logSelectionArgs(parsed: ParsedLogOptions, defaultRefs: readonly string[]): string[] {
  return [
    ...parsed.options,
    ...(parsed.choosesRefs ? [] : defaultRefs),
    '--end-of-options',
    ...parsed.revisions,
    '--',
    ...parsed.paths,
  ];
}
