// `keyward org plan | scan | report` end to end: a local stand-in for GitHub's repository-listing API
// (pagination with Link headers, a secondary rate limit answered with retry-after), real bare git
// repositories cloned over file://, one of which vanishes between plan and scan.
import { randomBytes } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planShards, type OrgRepository } from '../../packages/github/src/index.js';
import { commit, git, githubToken, initRepo, removeTempDirs, tempDir } from '../../packages/engine/test/git-fixtures.js';
import { sendJson, startLocalServer, type LocalServer } from '../../packages/provision/test/support/http-server.js';
import { runCli } from '../git/cli.js';

afterAll(removeTempDirs);

const token = `ghs_test_${randomBytes(12).toString('hex')}`;
const leaked = githubToken('org-scan');

interface Listed {
  name: string;
  bare: string;
  size: number;
  archived?: boolean;
  fork?: boolean;
}

function bareRepo(name: string, files: Record<string, string>): string {
  const work = initRepo(`org-${name}`);
  commit(work, files, 'initial');
  const bare = path.join(tempDir(`org-bare-${name}`), `${name}.git`);
  git(work, ['clone', '-q', '--bare', work, bare]);
  return bare;
}

describe('keyward org', () => {
  let server: LocalServer;
  let listed: Listed[];
  let env: Record<string, string>;
  let work: string;
  let rateLimited = false;

  beforeAll(async () => {
    listed = [
      { name: 'api', bare: bareRepo('api', { 'src/config.ts': `export const token = '${leaked}';\n` }), size: 9000 },
      { name: 'web', bare: bareRepo('web', { 'index.html': '<h1>hi</h1>\n' }), size: 4000 },
      { name: 'docs', bare: bareRepo('docs', { 'README.md': '# docs\n' }), size: 3000 },
      { name: 'gone', bare: bareRepo('gone', { 'a.txt': 'a\n' }), size: 2500 },
      { name: 'old', bare: bareRepo('old', { 'a.txt': 'a\n' }), size: 100, archived: true },
      { name: 'fork-of-x', bare: bareRepo('forked', { 'a.txt': 'a\n' }), size: 100, fork: true },
    ];
    server = await startLocalServer((request, response) => {
      const url = new URL(request.path, 'http://x');
      if (request.headers.authorization !== `token ${token}`) return sendJson(response, 401, { message: 'Bad credentials' });
      if (url.pathname !== '/orgs/acme/repos') return sendJson(response, 404, { message: 'Not Found' });
      const page = Number(url.searchParams.get('page') ?? '1');
      if (page === 2 && !rateLimited) {
        rateLimited = true;
        response.writeHead(403, { 'content-type': 'application/json', 'retry-after': '1', 'x-ratelimit-remaining': '4000' });
        return response.end(JSON.stringify({ message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.' }));
      }
      // Three per page here (the client asks for 100; a server may return fewer), linked as GitHub does.
      const slice = listed.slice((page - 1) * 3, page * 3).map((r) => ({
        full_name: `acme/${r.name}`,
        clone_url: `file://${r.bare}`,
        default_branch: 'main',
        size: r.size,
        archived: Boolean(r.archived),
        fork: Boolean(r.fork),
        visibility: 'private',
        topics: [],
        pushed_at: '2026-11-01T00:00:00Z',
      }));
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (page * 3 < listed.length) headers.link = `<${server.url}/orgs/acme/repos?per_page=100&type=all&page=${page + 1}>; rel="next"`;
      response.writeHead(200, headers);
      response.end(JSON.stringify(slice));
    });
    env = { GITHUB_TOKEN: token, GITHUB_API_URL: server.url };
    work = tempDir('org-work');
  }, 60_000);

  afterAll(() => server?.close());

  it('plan: lists every page through a secondary rate limit, filters archived and forks, balances shards', async () => {
    const run = await runCli(['org', 'plan', '--owner', 'acme', '--shards', '2', '-o', 'plan.json'], work, '', env);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ shard: [0, 1] });
    expect(rateLimited).toBe(true);
    expect(run.stderr).toContain('secondary rate limit');
    expect(server.requests.filter((r) => r.path.includes('page=2')).length).toBe(2);
    const plan = JSON.parse(readFileSync(path.join(work, 'plan.json'), 'utf8'));
    const names = plan.shards.map((s: { repositories: OrgRepository[] }) => s.repositories.map((r) => r.fullName).sort());
    expect(names).toEqual([['acme/api'], ['acme/docs', 'acme/gone', 'acme/web']]);
    expect(run.stdout + run.stderr + readFileSync(path.join(work, 'plan.json'), 'utf8')).not.toContain(token);
  });

  it('scan + report: findings per repository, a vanished repository recorded as failed, merge again after a re-run', async () => {
    const gone = listed.find((r) => r.name === 'gone')!;
    renameSync(gone.bare, `${gone.bare}.moved`);
    const s0 = await runCli(['org', 'scan', '--plan', 'plan.json', '--shard', '0', '--out', 'results/a'], work, '', env);
    expect(s0.code, s0.stderr).toBe(1);
    const s1 = await runCli(['org', 'scan', '--plan', 'plan.json', '--shard', '1', '--out', 'results/a'], work, '', env);
    expect(s1.code).toBe(3);
    expect(s1.stderr).toContain('acme/gone: failed: clone:');
    const shard0 = JSON.parse(readFileSync(path.join(work, 'results/a/shard-0.json'), 'utf8'));
    expect(shard0.repositories[0]).toMatchObject({ repository: 'acme/api', status: 'ok', findings: [{ ruleId: 'github-pat', path: 'src/config.ts', startLine: 1 }] });
    const sarif = readFileSync(path.join(work, 'results/a', shard0.repositories[0].sarif), 'utf8');
    expect(JSON.parse(sarif).runs[0].results).toHaveLength(1);

    const merged = await runCli(['org', 'report', 'results', '--json', 'report.json', '--sarif', 'report.sarif', '--summary', 'summary.md'], work);
    expect(merged.code).toBe(3);
    const report = JSON.parse(readFileSync(path.join(work, 'report.json'), 'utf8'));
    expect(report.totals).toEqual({ repositories: 4, scanned: 3, failed: 1, withFindings: 1, findings: 1 });
    expect(report.byRule).toEqual({ 'github-pat': 1 });
    const summary = readFileSync(path.join(work, 'summary.md'), 'utf8');
    expect(summary).toContain('| acme/api | 1 | github-pat |');
    expect(summary).toContain('- acme/gone: clone:');
    expect(JSON.parse(readFileSync(path.join(work, 'report.sarif'), 'utf8')).runs).toHaveLength(3);

    // The repository comes back; re-run its shard into a fresh artifact folder and merge both.
    renameSync(`${gone.bare}.moved`, gone.bare);
    const again = await runCli(['org', 'scan', '--plan', 'plan.json', '--shard', '1', '--out', 'results/b'], work, '', env);
    expect(again.code).toBe(0);
    const remerged = await runCli(['org', 'report', 'results', '--json', 'report2.json'], work);
    expect(remerged.code).toBe(1);
    const second = JSON.parse(readFileSync(path.join(work, 'report2.json'), 'utf8'));
    expect(second.totals).toEqual({ repositories: 4, scanned: 4, failed: 0, withFindings: 1, findings: 1 });
    expect((await runCli(['org', 'report', 'results', '--json', 'report3.json'], work)).code).toBe(1);
    expect(readFileSync(path.join(work, 'report3.json'), 'utf8')).toBe(readFileSync(path.join(work, 'report2.json'), 'utf8'));
    for (const f of ['report.json', 'report.sarif', 'summary.md', 'results/a/shard-0.json']) {
      const text = readFileSync(path.join(work, f), 'utf8');
      expect(text).not.toContain(leaked);
      expect(text).not.toContain(token);
    }
  }, 60_000);
});

describe('planShards', () => {
  it('is deterministic and keeps the largest shard near the mean', () => {
    const repos: OrgRepository[] = Array.from({ length: 200 }, (_, i) => ({
      fullName: `acme/r${i}`,
      cloneUrl: '',
      defaultBranch: 'main',
      sizeKb: ((i * 7919) % 97) * 1000 + 1024,
      archived: false,
      fork: false,
      visibility: 'private',
      topics: [],
      pushedAt: null,
    }));
    const a = planShards('acme', repos, 8, new Date(0));
    expect(planShards('acme', [...repos].reverse(), 8, new Date(0))).toEqual(a);
    const sizes = a.shards.map((s) => s.sizeKb);
    const mean = sizes.reduce((x, y) => x + y) / sizes.length;
    expect(Math.max(...sizes) / mean).toBeLessThan(1.05);
    expect(a.shards.flatMap((s) => s.repositories).length).toBe(200);
  });
});
