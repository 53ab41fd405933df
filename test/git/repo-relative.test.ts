// Paths, and so fingerprints, are relative to the repository's top wherever the scan starts: scanning
// `repo/src` or one file in it names the same `src/...` path as scanning `repo`, and the repository's
// .keywardignore still applies.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { commit, githubToken, initRepo, removeTempDirs, tempDir } from '../../packages/engine/test/git-fixtures.js';
import { runCli } from './cli.js';

afterAll(removeTempDirs);

interface Report {
  findings: Array<{ path: string; fingerprint: string }>;
}

const scanJson = async (target: string, cwd: string): Promise<Report> => JSON.parse((await runCli(['scan', target, '--format', 'json'], cwd)).stdout) as Report;

describe('repository-relative paths', () => {
  it('scan repo, repo/src and repo/src/app.env name and fingerprint the finding alike', async () => {
    const repo = initRepo('repo-relative');
    commit(repo, { 'src/app.env': `TOKEN=${githubToken('repo-relative')}\n`, 'README.md': '# r\n' }, 'init');
    const whole = await scanJson(repo, repo);
    expect(whole.findings.map((f) => f.path)).toEqual(['src/app.env']);
    const sub = await scanJson(path.join(repo, 'src'), path.join(repo, 'src'));
    const file = await scanJson(path.join(repo, 'src/app.env'), repo);
    expect(sub.findings).toEqual(whole.findings);
    expect(file.findings).toEqual(whole.findings);
    const sarif = JSON.parse((await runCli(['scan', path.join(repo, 'src'), '--format', 'sarif'], repo)).stdout);
    expect(sarif.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toBe('src/app.env');

    writeFileSync(path.join(repo, '.keywardignore'), `${whole.findings[0]!.fingerprint}\n`);
    expect((await runCli(['scan', path.join(repo, 'src')], repo)).code).toBe(0);
  });

  it('outside a repository, paths stay relative to the scanned folder', async () => {
    const dir = tempDir('not-a-repo');
    mkdirSync(path.join(dir, 'src'));
    writeFileSync(path.join(dir, 'src/app.env'), `TOKEN=${githubToken('not-a-repo')}\n`);
    expect((await scanJson(path.join(dir, 'src'), dir)).findings.map((f) => f.path)).toEqual(['app.env']);
  });
});
