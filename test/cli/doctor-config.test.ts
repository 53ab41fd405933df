// `keyward doctor` and KEYWARD_CONFIG, in-process through main() with an injected environment.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { nativeBackendStatus } from '../../packages/engine/src/index.js';
import { githubToken, removeTempDirs, tempDir } from '../../packages/engine/test/git-fixtures.js';
import { runCli } from '../git/cli.js';

afterAll(removeTempDirs);

function project(): string {
  const dir = tempDir('doctor-config');
  writeFileSync(path.join(dir, 'app.env'), `GITHUB_TOKEN=${githubToken('doctor-config')}\n`);
  return dir;
}

describe('KEYWARD_CONFIG', () => {
  it('names the config file when --config is not given; --config still wins', async () => {
    const dir = project();
    const quiet = path.join(dir, 'quiet.yaml');
    writeFileSync(quiet, "allowlist:\n  paths: ['app.env']\n");
    expect((await runCli(['scan', dir], dir)).code).toBe(1);
    expect((await runCli(['scan', dir], dir, '', { KEYWARD_CONFIG: quiet })).code).toBe(0);
    const loud = path.join(dir, 'loud.yaml');
    writeFileSync(loud, 'useDefaultRules: true\n');
    expect((await runCli(['scan', dir, '--config', loud], dir, '', { KEYWARD_CONFIG: quiet })).code).toBe(1);
  });

  it('a KEYWARD_CONFIG that does not exist is a usage error naming it', async () => {
    const dir = project();
    const run = await runCli(['scan', dir], dir, '', { KEYWARD_CONFIG: 'missing.yaml' });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('missing.yaml');
  });
});

describe('keyward doctor', () => {
  it('reports version, node, the regex engine with its reason, the config file and git', async () => {
    const dir = project();
    writeFileSync(path.join(dir, '.keyward.yaml'), 'useDefaultRules: true\n');
    const run = await runCli(['doctor', '--format', 'json'], dir);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    const native = nativeBackendStatus();
    expect(report.regexEngine.auto).toBe(native.loaded ? 're2' : 're2js');
    expect(report.regexEngine.reason).toContain(native.loaded ? 'native RE2' : native.problem);
    expect(report.config).toEqual({ file: path.join(dir, '.keyward.yaml'), from: 'folder' });
    expect(report.node.version).toBe(process.version);
    expect(report.git).toMatch(/^git version /);
    const viaEnv = JSON.parse((await runCli(['doctor', '--format', 'json'], dir, '', { KEYWARD_CONFIG: 'other.yaml' })).stdout);
    expect(viaEnv.config).toEqual({ file: path.join(dir, 'other.yaml'), from: 'KEYWARD_CONFIG' });
    const text = await runCli(['--version', '--verbose'], dir);
    expect(text.stdout).toMatch(/^keyward +\d+\.\d+\.\d+\nnode +v/);
  });
});
