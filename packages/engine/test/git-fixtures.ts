// Real git repositories in temp dirs for the git source tests. Every git call runs with a private
// HOME and no system config, fixed identities and dates, so a developer's settings cannot leak in.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SeededRandom, validators } from '../src/index.js';

const roots: string[] = [];

export function tempDir(label: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), `keyward-${label}-`));
  roots.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of roots.splice(0)) rmSync(dir, { recursive: true, force: true });
}

const home = mkdtempSync(path.join(tmpdir(), 'keyward-git-home-'));
roots.push(home);

export function gitEnv(extra: Record<string, string> = {}): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith('GIT_')) delete env[key];
  return {
    ...env,
    HOME: home,
    XDG_CONFIG_HOME: home,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 'Test Author',
    GIT_AUTHOR_EMAIL: 'author@example.test',
    GIT_COMMITTER_NAME: 'Test Committer',
    GIT_COMMITTER_EMAIL: 'committer@example.test',
    GIT_AUTHOR_DATE: '2024-01-02T03:04:05Z',
    GIT_COMMITTER_DATE: '2024-01-02T03:04:05Z',
    ...extra,
  };
}

export interface GitResult {
  stdout: string;
  stderr: string;
  status: number;
}

export function gitTry(cwd: string, args: string[], options: { env?: Record<string, string>; input?: string | Buffer } = {}): GitResult {
  const r = spawnSync('git', args, {
    cwd,
    env: gitEnv(options.env) as NodeJS.ProcessEnv,
    input: options.input,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  if (r.error) throw r.error;
  return { stdout: r.stdout, stderr: r.stderr, status: r.status ?? -1 };
}

export function git(cwd: string, args: string[], options: { env?: Record<string, string>; input?: string | Buffer } = {}): string {
  const r = gitTry(cwd, args, options);
  if (r.status !== 0) throw new Error(`git ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return r.stdout.trim();
}

export function initRepo(label: string): string {
  const dir = tempDir(label);
  git(dir, ['init', '-q', '-b', 'main']);
  git(dir, ['config', 'commit.gpgsign', 'false']);
  return dir;
}

export interface CommitOptions {
  author?: string;
  date?: string;
}

/** Write (string or Buffer) or delete (null) files, stage everything, commit; returns the commit id. */
export function commit(repo: string, files: Record<string, string | Buffer | null>, message: string, options: CommitOptions = {}): string {
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(repo, name);
    if (content === null) unlinkSync(file);
    else {
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, content);
    }
  }
  git(repo, ['add', '-A']);
  const env: Record<string, string> = {};
  if (options.author) {
    env.GIT_AUTHOR_NAME = options.author;
    env.GIT_AUTHOR_EMAIL = `${options.author.toLowerCase().replace(/\W+/g, '.')}@example.test`;
  }
  if (options.date) {
    env.GIT_AUTHOR_DATE = options.date;
    env.GIT_COMMITTER_DATE = options.date;
  }
  git(repo, ['commit', '-q', '--allow-empty', '-m', message], { env });
  return git(repo, ['rev-parse', 'HEAD']);
}

/** A GitHub classic token with a valid checksum, generated from a seed: never a real credential. */
export function githubToken(seed: string): string {
  return validators.get('github-crc32')!.generate(new SeededRandom(`git-test:${seed}`), 'ghp_');
}
