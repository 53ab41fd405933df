// `keyward hook install|uninstall [PATH]`: a plain git pre-commit hook that runs `keyward scan --staged`
// and blocks the commit when the staged changes add a credential. (Users of the pre-commit framework
// use .pre-commit-hooks.yaml at the repository root instead.)
import { chmod, mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { GitError, GitRunner, splitArguments } from '@keyward/engine';
import { EXIT_OK, UsageError, type CliIo, parseCommandArgs } from '../io.js';

export const HOOK_MARKER = '# keyward pre-commit hook';
const BACKUP_SUFFIX = '.keyward-backup';

export const HOOK_HELP = `Usage: keyward hook install [PATH] [--force] [--command "CMD"]
       keyward hook uninstall [PATH]

Install a git pre-commit hook in the repository at PATH (default: the current one) that runs
\`keyward scan --staged\` and blocks a commit that adds a credential. Honours core.hooksPath.

  --force          replace a pre-commit hook that keyward did not write (it is kept as pre-commit${BACKUP_SUFFIX})
  --command "CMD"  how the hook runs keyward, e.g. "node tools/keyward.js"
                   (default: this keyward, by the absolute paths of its node and its script; install
                   again after moving or upgrading it)

With the pre-commit framework, add this repository to .pre-commit-config.yaml (hook id: keyward) instead.
`;

function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * The hook runs exactly the keyward it is given (never a name looked up on PATH or in a registry), checks
 * first that it starts at all, and tells a scan that could not run (exit 2, a missing file, a crash) from
 * one that found a credential (exit 1): only the second says a credential was found.
 */
export function hookScript(invocation: readonly string[]): string {
  return `#!/bin/sh
${HOOK_MARKER} (installed by \`keyward hook install\`; remove with \`keyward hook uninstall\`).
# Blocks a commit whose staged changes add a credential.
set -- ${invocation.map(shellQuote).join(' ')}
if ! "$@" --version >/dev/null 2>&1; then
  {
    echo "keyward: commit blocked: the pre-commit hook could not start keyward ($*): nothing was scanned."
    echo "  Install the hook again with the keyward you use (keyward hook install), or remove it (keyward hook uninstall)."
    echo "  To skip the check for one commit: git commit --no-verify"
  } >&2
  exit 2
fi
"$@" scan --staged --no-progress
status=$?
if [ "$status" -eq 1 ]; then
  {
    echo
    echo "keyward: commit blocked: the staged changes add a credential (listed above)."
    echo "  A real credential: remove it from the staged files and rotate it; it may already be copied elsewhere."
    echo "  A false positive: add \\"keyward:allow\\" in a comment on that line, or put the finding's"
    echo "  fingerprint in .keywardignore; then commit again."
    echo "  To skip the check for one commit: git commit --no-verify"
  } >&2
elif [ "$status" -ne 0 ]; then
  {
    echo
    echo "keyward: commit blocked: the scan could not run (exit $status, see above), so nothing was checked."
    echo "  To skip the check for one commit: git commit --no-verify"
  } >&2
fi
exit "$status"
`;
}

async function hookFile(root: string, io: CliIo): Promise<string> {
  const git = new GitRunner({ cwd: root, env: io.env });
  let hooks: string;
  try {
    // --git-path follows core.hooksPath and worktrees.
    hooks = (await git.run(['rev-parse', '--git-path', 'hooks'])).trim();
  } catch (error) {
    if (error instanceof GitError) throw new UsageError(`not a git repository (or inside one): ${root}`);
    throw error;
  }
  return path.join(path.resolve(root, hooks), 'pre-commit');
}

async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

export async function hookCommand(argv: string[], io: CliIo): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout(HOOK_HELP);
    return EXIT_OK;
  }
  const parsed = parseCommandArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: { force: { type: 'boolean' }, command: { type: 'string' } },
  });
  const [sub, target, ...extra] = parsed.positionals;
  if ((sub !== 'install' && sub !== 'uninstall') || extra.length > 0) throw new UsageError(`usage: keyward hook install|uninstall [PATH]\n\n${HOOK_HELP}`);
  const root = path.resolve(io.cwd, target ?? '.');
  const file = await hookFile(root, io);
  const existing = await readIfExists(file);
  const ours = existing?.includes(HOOK_MARKER) ?? false;
  const shown = path.relative(io.cwd, file) || file;
  if (sub === 'uninstall') {
    if (!ours) {
      io.stderr(existing === undefined ? `no pre-commit hook at ${shown}\n` : `${shown} was not written by keyward; left as it is\n`);
      return EXIT_OK;
    }
    await unlink(file);
    const backup = await readIfExists(file + BACKUP_SUFFIX);
    if (backup !== undefined) await rename(file + BACKUP_SUFFIX, file);
    io.stderr(`removed the keyward pre-commit hook${backup !== undefined ? ' and restored the previous one' : ''}: ${shown}\n`);
    return EXIT_OK;
  }
  if (existing !== undefined && !ours) {
    if (!parsed.values.force) {
      throw new UsageError(`${shown} already exists and was not written by keyward; rerun with --force to replace it (it is kept as pre-commit${BACKUP_SUFFIX})`);
    }
    await rename(file, file + BACKUP_SUFFIX);
  }
  const invocation = parsed.values.command !== undefined ? splitArguments(parsed.values.command) : io.self && [io.self.node, io.self.script];
  if (!invocation || invocation.length === 0) {
    throw new UsageError(parsed.values.command !== undefined ? '--command is empty' : 'cannot tell where this keyward is installed: pass --command "CMD"');
  }
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, hookScript(invocation));
  await chmod(file, 0o755);
  io.stderr(`installed the keyward pre-commit hook: ${shown}\nIt runs \`${invocation.join(' ')} scan --staged\` before each commit and blocks one that adds a credential.\n`);
  return EXIT_OK;
}
