// `keyward rotate` as a workflow runs it: the committed CLI bundle, a real PostgreSQL, the GitHub secrets stand-in.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { verifyAuditTrail } from '../src/index.js';
import { type GitHubSecretsStandIn, startGitHubSecretsStandIn } from './support/github-secrets-stand-in.js';
import { createTemplateRole, type PostgresServer, startPostgres } from './support/postgres-server.js';

const cli = path.resolve(import.meta.dirname, '../../cli/dist/index.js');
const TOKEN = 'test-token-not-a-credential';
let server: PostgresServer;
let github: GitHubSecretsStandIn;
let dir: string;

beforeAll(async () => {
  server = await startPostgres();
  await createTemplateRole(server);
  github = await startGitHubSecretsStandIn(TOKEN);
  dir = mkdtempSync(path.join(tmpdir(), 'keyward-rotate-cli-'));
});
afterAll(async () => {
  await github?.close();
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function keyward(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env = { ...process.env, KEYWARD_POSTGRES_ADMIN_URL: server.adminUrl, GITHUB_TOKEN: TOKEN, GITHUB_API_URL: github.url, RUNNER_TEMP: dir };
  const proc = spawn(process.execPath, [cli, ...args], { env, cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => proc.on('close', (code) => resolve({ code, stdout, stderr })));
}

describe('keyward rotate (CLI bundle)', () => {
  test('postgres two-role into a repository secret: the stored URL works, the previous one is dead, nothing secret printed', async () => {
    const args = ['rotate', '--secret', 'DATABASE_URL', '--source', 'postgres', '--group', 'app_readonly', '--to', 'github:acme/widgets', '--grace', '0s'];
    const first = await keyward(args);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toBe('rotated DATABASE_URL: app_readonly_a is current\n');
    const firstUrl = github.stored.get('/repos/acme/widgets/actions/secrets/DATABASE_URL')!;
    const second = await keyward(args);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toBe('rotated DATABASE_URL: app_readonly_b is current; app_readonly_a retired\n');
    const secondUrl = github.stored.get('/repos/acme/widgets/actions/secrets/DATABASE_URL')!;
    const client = new pg.Client({ connectionString: secondUrl });
    await client.connect();
    expect((await client.query('SELECT name FROM widgets')).rows).toEqual([{ name: 'sprocket' }]);
    await client.end();
    const old = new pg.Client({ connectionString: firstUrl });
    old.on('error', () => undefined);
    await expect(old.connect()).rejects.toThrow(/password authentication failed/);
    for (const url of [firstUrl, secondUrl]) {
      const password = decodeURIComponent(new URL(url).password);
      for (const text of [first.stdout, first.stderr, second.stdout, second.stderr, readFileSync(path.join(dir, '.keyward-rotation.json'), 'utf8')]) {
        expect(text.includes(password)).toBe(false);
      }
    }
    expect(verifyAuditTrail(path.join(dir, 'keyward-audit.jsonl')).ok).toBe(true);
  });

  test('a failing destination: exit 1 with the step and what stays valid; usage errors exit 2', async () => {
    github.failPutsWith = 403;
    try {
      const failed = await keyward(['rotate', '--secret', 'HOOK', '--source', 'generated', '--length', '32', '--to', 'github:acme/widgets']);
      expect(failed.code).toBe(1);
      expect(failed.stderr).toContain('HOOK was not rotated (failed at write)');
      expect(failed.stderr).toContain('answered 403');
    } finally {
      delete github.failPutsWith;
    }
    const usage = await keyward(['rotate', '--secret', 'HOOK', '--source', 'generated', '--length', '4', '--to', 'github:acme/widgets']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('at least 128 are required');
  });
});
