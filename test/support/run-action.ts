// Run a bundled JavaScript action the way the GitHub runner does: `node dist/index.js` with INPUT_*
// variables (name upper-cased, dashes kept), the event payload in a file at GITHUB_EVENT_PATH, and
// GITHUB_OUTPUT / GITHUB_STEP_SUMMARY / GITHUB_STATE files; then read back what the step wrote.
// Asynchronous on purpose: a test's local HTTP server must keep answering while the action runs.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface ActionRunOptions {
  /** The bundle, e.g. actions/scan/dist/index.js. */
  entry: string;
  workspace: string;
  inputs: Record<string, string>;
  eventName: string;
  event: unknown;
  /** GITHUB_SHA, GITHUB_REF, GITHUB_REPOSITORY, GITHUB_API_URL and anything else to set. */
  env?: Record<string, string>;
  /** Working directory of the node process (default: a fresh temp dir, so no node_modules is reachable). */
  cwd?: string;
}

export interface ActionRun {
  status: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  state: string;
  /** The temp folder holding RUNNER_TEMP, the event file and the command files. */
  runnerDir: string;
}

/** Parse a GITHUB_OUTPUT file: `name=value` lines and `name<<DELIM ... DELIM` blocks. */
export function parseCommandFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== heredoc[2]; i++) value.push(lines[i]!);
      out[heredoc[1]!] = value.join('\n');
      continue;
    }
    const eq = line.indexOf('=');
    if (eq > 0) out[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return out;
}

/** Only what a runner provides: no INPUT_* or GITHUB_* leaks in from the machine running the tests. */
function baseEnvironment(): Record<string, string> {
  const keep = ['PATH', 'Path', 'SystemRoot', 'TEMP', 'TMP', 'LANG'];
  const env: Record<string, string> = {};
  for (const name of keep) if (process.env[name] !== undefined) env[name] = process.env[name]!;
  return env;
}

export async function runAction(options: ActionRunOptions): Promise<ActionRun> {
  const runnerDir = mkdtempSync(path.join(tmpdir(), 'keyward-runner-'));
  const files = {
    event: path.join(runnerDir, 'event.json'),
    output: path.join(runnerDir, 'output.txt'),
    summary: path.join(runnerDir, 'summary.md'),
    state: path.join(runnerDir, 'state.txt'),
    env: path.join(runnerDir, 'env.txt'),
    path: path.join(runnerDir, 'path.txt'),
  };
  writeFileSync(files.event, JSON.stringify(options.event, null, 2));
  for (const f of [files.output, files.summary, files.state, files.env, files.path]) writeFileSync(f, '');
  const env: Record<string, string> = {
    ...baseEnvironment(),
    HOME: runnerDir,
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: options.workspace,
    GITHUB_EVENT_NAME: options.eventName,
    GITHUB_EVENT_PATH: files.event,
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_STATE: files.state,
    GITHUB_ENV: files.env,
    GITHUB_PATH: files.path,
    GITHUB_SERVER_URL: 'https://github.com',
    RUNNER_TEMP: path.join(runnerDir, 'temp'),
    RUNNER_OS: process.platform === 'win32' ? 'Windows' : process.platform === 'darwin' ? 'macOS' : 'Linux',
    ...options.env,
  };
  for (const [name, value] of Object.entries(options.inputs)) env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
  const cwd = options.cwd ?? mkdtempSync(path.join(tmpdir(), 'keyward-cwd-'));
  const child = spawn(process.execPath, [path.resolve(options.entry)], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const status = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve(code));
  });
  const read = (f: string) => (existsSync(f) ? readFileSync(f, 'utf8') : '');
  return { status, stdout, stderr, outputs: parseCommandFile(read(files.output)), summary: read(files.summary), state: read(files.state), runnerDir };
}
