// Runs the CLI in-process with an injected io, or through the real bundle, on the temp repositories
// built by packages/engine/test/git-fixtures.ts.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CliIo } from '../../packages/cli/src/io.js';
import { main } from '../../packages/cli/src/main.js';
import { gitEnv } from '../../packages/engine/test/git-fixtures.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const bundle = path.join(repoRoot, 'packages/cli/dist/index.js');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(argv: string[], cwd: string, stdin = '', env: Record<string, string> = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    stdin: async function* () {
      yield Buffer.from(stdin);
    },
    stdoutIsTTY: false,
    stderrIsTTY: false,
    env: { ...gitEnv(), ...env },
    cwd,
    now: () => 0,
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

/** The real bundle (or a copy of it at `script`), as users run it. */
export function runBundle(argv: string[], cwd: string, script = bundle): CliRun {
  const r = spawnSync(process.execPath, [script, ...argv], { cwd, env: gitEnv() as NodeJS.ProcessEnv, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
