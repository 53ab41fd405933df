// Command dispatch and the one place errors become exit codes: usage and config errors print a single
// clear line and exit 2; anything else is a bug and also exits 2, with its message.
import { EXIT_OK, EXIT_USAGE, UsageError, type CliIo } from './io.js';
import { baselineCommand } from './commands/baseline.js';
import { configCommand } from './commands/config.js';
import { doctorCommand } from './commands/doctor.js';
import { hookCommand } from './commands/hook.js';
import { orgCommand } from './commands/org.js';
import { verifyCommand } from './commands/verify.js';
import { rulesCommand } from './commands/rules.js';
import { rotateCommand } from './commands/rotate.js';
import { runCommand } from './commands/run.js';
import { scanCommand } from './commands/scan.js';
import { provisionCommands } from '@keyward/provision';
import { VERSION } from './version.js';

export interface Command {
  name: string;
  summary: string;
  run(argv: string[], io: CliIo): Promise<number>;
}

const commands: Command[] = [
  { name: 'scan', summary: 'find credentials in a directory, git history, a diff, staged changes or stdin', run: scanCommand },
  { name: 'baseline', summary: 'baseline create|migrate|import: record known findings (also from gitleaks or detect-secrets)', run: baselineCommand },
  { name: 'config', summary: 'config import: a .gitleaks.toml as a .keyward.yaml', run: configCommand },
  { name: 'org', summary: 'org plan|scan|report: scan a whole organization on a GitHub Actions matrix', run: orgCommand },
  { name: 'verify', summary: 'verify REPORT.json: ask the providers again whether an earlier report\'s findings are live', run: verifyCommand },
  { name: 'rules', summary: 'rules list: print the rule table (text, json or markdown)', run: rulesCommand },
  { name: 'doctor', summary: 'which keyward, Node, regex engine (and why), threads, config file and git this machine has', run: doctorCommand },
  { name: 'run', summary: 'run -- COMMAND: a short-lived credential for one command, redacted from its output, revoked when it ends', run: runCommand },
  { name: 'rotate', summary: 'rotate: a new value for a stored secret (PostgreSQL two-role, generated) into GitHub secrets; old one retired after a grace period', run: rotateCommand },
  { name: 'hook', summary: 'hook install: a git pre-commit hook that blocks commits adding a credential', run: hookCommand },
  // janitor and audit verify live with the provision half; their io is a subset of ours
  ...provisionCommands.map((c): Command => ({ name: c.name, summary: c.summary, run: (argv, io) => c.run(argv, io) })),
];

function help(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    `keyward ${VERSION}: keep credentials out of places they should never be`,
    '',
    'Usage: keyward <command> [options]        keyward <command> --help',
    '',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Exit codes: 0 clean, 1 findings (or a check failed), 2 usage, config or input error.',
    '',
  ].join('\n');
}

export async function main(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(help());
    return name ? EXIT_OK : EXIT_USAGE;
  }
  if (name === '--version' || name === '-v' || name === 'version') {
    if (rest.includes('--verbose')) return doctorCommand([], io);
    io.stdout(`${VERSION}\n`);
    return EXIT_OK;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.stderr(`keyward: unknown command "${name}"\n\n${help()}`);
    return EXIT_USAGE;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`keyward ${name}: ${error.message}\n`);
      return EXIT_USAGE;
    }
    io.stderr(`keyward ${name}: unexpected error: ${(error as Error).stack ?? String(error)}\n`);
    return EXIT_USAGE;
  }
}
