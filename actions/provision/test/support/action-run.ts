import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runnerLog } from '../../../../packages/provision/test/support/runner-masker.js';

const DIST = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist');

/**
 * Parses a runner file command file (GITHUB_ENV, GITHUB_OUTPUT, GITHUB_STATE): `name<<DELIM\nvalue\nDELIM` blocks
 * and legacy `name=value` lines; a later entry for a name wins, as in the runner.
 */
export function parseFileCommands(text: string): Map<string, string> {
  const result = new Map<string, string>();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line === '') continue;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delimiter] = heredoc as unknown as [string, string, string];
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i] as string);
      if (i >= lines.length) throw new Error(`unterminated ${name} block`);
      result.set(name, value.join('\n'));
      continue;
    }
    const eq = line.indexOf('=');
    if (eq <= 0) throw new Error(`malformed file command line: ${line.slice(0, 20)}`);
    result.set(line.slice(0, eq), line.slice(eq + 1));
  }
  return result;
}

export interface StepResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** The step's log as the runner would show it: masks applied in order. */
  log: string;
  env: Map<string, string>;
  outputs: Map<string, string>;
  summary: string;
}

/**
 * One job on a pretend runner: runs the bundled main then post the way the runner does, with INPUT_* variables,
 * fresh file-command files per step, exported variables and STATE_* passed on to later steps.
 */
export class ActionJob {
  readonly dir = mkdtempSync(join(tmpdir(), 'keyward-job-'));
  readonly runnerTemp = join(this.dir, 'runner-temp');
  readonly workspace = join(this.dir, 'workspace');
  readonly masks = new Set<string>();
  readonly statePath = join(this.dir, 'state.txt');
  /** Variables exported so far (GITHUB_ENV), as later steps see them. */
  readonly jobEnv = new Map<string, string>();
  readonly steps: StepResult[] = [];
  private stepCount = 0;

  constructor(readonly baseEnv: Record<string, string>) {
    mkdirSync(this.runnerTemp, { recursive: true });
    mkdirSync(this.workspace, { recursive: true });
    writeFileSync(this.statePath, '');
  }

  get auditPath(): string {
    return join(this.runnerTemp, 'keyward-audit.jsonl');
  }

  state(): Map<string, string> {
    return parseFileCommands(readFileSync(this.statePath, 'utf8'));
  }

  private env(
    entry: 'main' | 'post',
    inputs: Record<string, string>,
  ): { env: Record<string, string>; files: { GITHUB_ENV: string; GITHUB_OUTPUT: string; GITHUB_STEP_SUMMARY: string } } {
    const step = ++this.stepCount;
    const files = {
      GITHUB_ENV: join(this.dir, `env-${step}.txt`),
      GITHUB_OUTPUT: join(this.dir, `output-${step}.txt`),
      GITHUB_STEP_SUMMARY: join(this.dir, `summary-${step}.md`),
    };
    for (const file of Object.values(files)) writeFileSync(file, '');
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: this.dir,
      CI: 'true',
      GITHUB_ACTIONS: 'true',
      GITHUB_REPOSITORY: 'acme/widgets',
      GITHUB_RUN_ID: '4242',
      GITHUB_RUN_ATTEMPT: '1',
      GITHUB_JOB: 'deploy',
      GITHUB_ACTOR: 'octocat',
      GITHUB_WORKSPACE: this.workspace,
      RUNNER_TEMP: this.runnerTemp,
      RUNNER_NAME: 'keyward-test-runner',
      ...this.baseEnv,
      ...Object.fromEntries(this.jobEnv),
      ...files,
      GITHUB_STATE: entry === 'main' ? this.statePath : join(this.dir, `state-post-${step}.txt`),
    };
    // Inputs as the runner passes them: INPUT_<NAME upper-cased, spaces to _>, defaults from action.yml.
    for (const [name, value] of Object.entries({ 'vault-method': 'jwt', 'vault-jwt-mount': 'jwt', ttl: '1h', export: 'env', ...inputs })) {
      env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
    }
    if (entry === 'post') {
      writeFileSync(env.GITHUB_STATE as string, '');
      for (const [name, value] of this.state()) env[`STATE_${name}`] = value;
    }
    return { env, files };
  }

  /** Runs one entry; `whenRunning` gets the child (to signal it) once it has started. */
  async run(entry: 'main' | 'post', inputs: Record<string, string>, whenRunning?: (child: ChildProcess) => void): Promise<StepResult> {
    const { env, files } = this.env(entry, inputs);
    const child = spawn(process.execPath, [join(DIST, entry, 'index.js')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    whenRunning?.(child);
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('close', (c, s) => resolve([c, s])));
    const { log } = runnerLog(stdout, this.masks);
    const exported = parseFileCommands(readFileSync(files.GITHUB_ENV, 'utf8'));
    for (const [name, value] of exported) this.jobEnv.set(name, value);
    const result: StepResult = {
      code,
      signal,
      stdout,
      stderr,
      log,
      env: exported,
      outputs: parseFileCommands(readFileSync(files.GITHUB_OUTPUT, 'utf8')),
      summary: readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8'),
    };
    this.steps.push(result);
    return result;
  }

  main(inputs: Record<string, string>, whenRunning?: (child: ChildProcess) => void): Promise<StepResult> {
    return this.run('main', inputs, whenRunning);
  }

  post(inputs: Record<string, string>): Promise<StepResult> {
    return this.run('post', inputs);
  }

  /** Everything the job printed or published besides the variables meant to carry the value. */
  published(): string {
    return this.steps
      .flatMap((s) => [s.log, s.stderr, s.summary, ...[...s.outputs.values()]])
      .concat(readFileSync(this.auditPath, { encoding: 'utf8', flag: 'a+' }))
      .join('\n');
  }
}

export const oidcEnv = (issuer: { requestUrl: string; requestToken: string }): Record<string, string> => ({
  ACTIONS_ID_TOKEN_REQUEST_URL: issuer.requestUrl,
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: issuer.requestToken,
});
