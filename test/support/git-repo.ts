// A throwaway git repository for end-to-end tests: real commits with fixed authors and dates, so
// commit ids are the same on every run and machine.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export class TempRepo {
  private tick = 0;
  private constructor(readonly dir: string) {}

  static create(prefix = 'keyward-repo-'): TempRepo {
    const dir = mkdtempSync(path.join(tmpdir(), prefix));
    const repo = new TempRepo(dir);
    repo.git('init', '--quiet', '--initial-branch=main');
    repo.git('config', 'user.name', 'Keyward Test');
    repo.git('config', 'user.email', 'test@keyward.invalid');
    repo.git('config', 'commit.gpgsign', 'false');
    return repo;
  }

  git(...args: string[]): string {
    const date = `2024-01-01T00:00:${String(this.tick).padStart(2, '0')}Z`;
    return execFileSync('git', args, {
      cwd: this.dir,
      encoding: 'utf8',
      env: { ...process.env, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date, GIT_CONFIG_NOSYSTEM: '1', HOME: this.dir },
    }).trim();
  }

  write(file: string, text: string): this {
    const full = path.join(this.dir, file);
    mkdirSync(path.dirname(full), { recursive: true });
    writeFileSync(full, text);
    return this;
  }

  remove(file: string): this {
    this.git('rm', '--quiet', file);
    return this;
  }

  /** Stage everything and commit; returns the new commit id. */
  commit(message: string): string {
    this.tick++;
    this.git('add', '--all');
    this.git('commit', '--quiet', '--allow-empty', '-m', message);
    return this.git('rev-parse', 'HEAD');
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
