// The published `keyward` package as a user gets it: packed by scripts/pack-cli.mjs, installed with npm into
// an empty directory (optional native re2 left out, so no compiler or network is needed), then run
// through the installed bin with npx: --version, doctor, and a scan of a temporary git repository.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERSION } from '../../packages/cli/src/version.js';
import { commit, githubToken, initRepo, removeTempDirs, tempDir } from '../../packages/engine/test/git-fixtures.js';
import { repoRoot } from '../git/cli.js';

afterAll(removeTempDirs);

const cliDir = path.join(repoRoot, 'packages/cli');
// A user's shell, not pnpm's: pnpm exec sets NODE_PATH to its store (where re2 is) and npm_* settings.
const npmEnv: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'NODE_PATH' && !/^(npm_|PNPM_|pnpm_)/i.test(k)));
Object.assign(npmEnv, { npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' });

describe('the npm package', () => {
  let tarball: string;
  let project: string;
  let files: string[];

  beforeAll(() => {
    const out = tempDir('npm-pack');
    const packed = JSON.parse(execFileSync(process.execPath, [path.join(repoRoot, 'scripts/pack-cli.mjs'), out], { env: npmEnv, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }));
    tarball = path.join(out, packed[0].filename);
    files = (packed[0].files as Array<{ path: string }>).map((f) => f.path).sort();
    project = tempDir('npm-install');
    writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'empty-project', private: true }));
    execFileSync('npm', ['install', '--omit=optional', '--prefer-offline', tarball], { cwd: project, env: npmEnv, stdio: 'pipe' });
  }, 180_000);

  const npx = (args: string[], cwd = project) => spawnSync('npx', ['--no-install', 'keyward', ...args], { cwd, env: npmEnv, encoding: 'utf8' });

  it('ships the bundle, the rules, README and licence, and nothing of the workspace', () => {
    expect(files).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'dist/index.js', 'package.json']));
    expect(files.filter((f) => f.startsWith('rules/')).length).toBeGreaterThan(100);
    expect(files.filter((f) => !/^(LICENSE|README\.md|package\.json|dist\/(index\.js|package\.json)|rules\/[\w.-]+\.yaml)$/.test(f))).toEqual([]);
    const manifest = JSON.parse(readFileSync(path.join(project, 'node_modules/keyward/package.json'), 'utf8'));
    expect(manifest.dependencies ?? {}).toEqual({});
    expect(manifest.optionalDependencies).toEqual({ re2: expect.any(String) });
    expect(manifest.engines.node).toBe('>=20');
    expect(manifest.version).toBe(VERSION);
    expect(JSON.stringify(manifest)).not.toContain('workspace:');
  });

  it('runs through the installed bin: --version and doctor name the engine and why', () => {
    const version = npx(['--version']);
    expect(version.status).toBe(0);
    expect(version.stdout.trim()).toBe(VERSION);
    const doctor = npx(['doctor', '--format', 'json']);
    expect(doctor.status).toBe(0);
    const report = JSON.parse(doctor.stdout);
    expect(report.regexEngine).toEqual({ auto: 're2js', native: 'unavailable', reason: expect.stringContaining('re2 is not installed') });
  });

  it('scans a git repository from the installed package: a generated token is found and redacted', () => {
    const repo = initRepo('npm-scan');
    const token = githubToken('npm-package');
    commit(repo, { 'src/config.ts': `export const token = '${token}';\n` }, 'add config');
    mkdirSync(path.join(repo, 'empty'), { recursive: true });
    const scan = npx(['scan', repo, '--format', 'json']);
    expect(scan.status).toBe(1);
    expect(scan.stdout).not.toContain(token);
    expect(JSON.parse(scan.stdout).findings.map((f: { ruleId: string; path: string }) => [f.ruleId, f.path])).toEqual([['github-pat', 'src/config.ts']]);
    const history = npx(['scan', '--history'], repo);
    expect(history.status).toBe(1);
    expect(history.stdout + history.stderr).not.toContain(token);
  });
});

describe('version', () => {
  it('the CLI says the version package.json declares', () => {
    expect(JSON.parse(readFileSync(path.join(cliDir, 'package.json'), 'utf8')).version).toBe(VERSION);
  });
});
