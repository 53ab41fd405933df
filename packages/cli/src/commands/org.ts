// `keyward org plan|scan|report`: scan a whole organization on a GitHub Actions matrix.
//   plan    list the repositories (REST API, paginated, rate limits honoured), split them into N shards
//           balanced by size: a plan file for the scan jobs and a `strategy.matrix` JSON
//   scan    one matrix job: clone each repository of its shard, scan it, write one SARIF per repository
//           and one JSON result for the shard; a repository that fails is recorded with the reason
//   report  merge the shard results (downloaded artifacts) into one report: JSON, SARIF, markdown
// keyward schedules nothing itself: the matrix is GitHub Actions' job (docs/org-scan.md).
import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildSarif } from '@keyward/engine';
import { listRepositories, planMatrix, planShards, type OrgPlan, type OrgRepository, type RepositoryFilter } from '@keyward/github';
import { EXIT_OK, UsageError, parseCommandArgs, writeOutputFile, type CliIo } from '../io.js';
import { VERSION } from '../version.js';
import { executeScan, type ScanSettings } from './scan.js';
import type { SourceSettings } from '../sources.js';

export const EXIT_ORG_FAILED = 3;

const HELP = `usage: keyward org plan --owner ORG|user:NAME --shards N [filters] [-o plan.json]
       keyward org scan --plan plan.json --shard K [--history] [--out DIR] [--timeout SECONDS]
       keyward org report DIR|FILE... [--json FILE] [--sarif FILE] [--summary FILE]

plan     filters: --include-archived, --include-forks, --visibility public,private,internal,
         --topic T (repeatable), --name GLOB, --pushed-since DATE. Prints the matrix JSON
         ({"shard":[0,...]}) on stdout; the plan (repositories per shard) goes to -o.
         Token: GITHUB_TOKEN (a GitHub App installation token works); API: GITHUB_API_URL.
scan     clones each repository of shard K (full history with --history, else the default branch
         at depth 1), scans it, writes DIR/sarif/OWNER__NAME.sarif and DIR/shard-K.json.
         Exit: 0 clean, 1 findings, 3 a repository failed (clone error, timeout), 2 usage.
report   merges shard-*.json files (the latest result per repository wins, so a re-run shard
         replaces its earlier result); prints markdown unless --json/--sarif/--summary is given.
         Exit: 0 clean, 1 findings, 3 a repository failed.
`;

export interface RepositoryResult {
  repository: string;
  status: 'ok' | 'failed';
  reason?: string;
  findings: Array<Record<string, unknown>>;
  files: number;
  bytes: number;
  durationMs: number;
  /** Relative to the shard file. */
  sarif?: string;
  completedAt: string;
}

export interface ShardResult {
  tool: 'keyward';
  version: string;
  kind: 'org-shard';
  owner: string;
  shard: number;
  mode: 'history' | 'default-branch';
  repositories: RepositoryResult[];
}

export async function orgCommand(argv: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = argv;
  if (!sub || sub === '--help' || sub === '-h' || rest.includes('--help') || rest.includes('-h')) {
    io.stdout(HELP);
    return sub ? EXIT_OK : 2;
  }
  if (sub === 'plan') return plan(rest, io);
  if (sub === 'scan') return scanShard(rest, io);
  if (sub === 'report') return report(rest, io);
  throw new UsageError(HELP.trimEnd());
}

async function plan(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs({
    args: argv,
    strict: true,
    options: {
      owner: { type: 'string' },
      shards: { type: 'string' },
      output: { type: 'string', short: 'o' },
      'include-archived': { type: 'boolean' },
      'include-forks': { type: 'boolean' },
      visibility: { type: 'string' },
      topic: { type: 'string', multiple: true },
      name: { type: 'string' },
      'pushed-since': { type: 'string' },
    },
  });
  if (!values.owner) throw new UsageError('org plan needs --owner ORG (or user:NAME)');
  const shards = Number(values.shards ?? '1');
  if (!Number.isInteger(shards) || shards < 1 || shards > 256) throw new UsageError('--shards must be a whole number from 1 to 256 (a matrix holds at most 256 jobs)');
  const token = io.env.GITHUB_TOKEN?.trim() || io.env.GH_TOKEN?.trim();
  if (!token) throw new UsageError('org plan needs a token in GITHUB_TOKEN (repository listing reads private repositories only with one)');
  if (values['pushed-since'] && Number.isNaN(Date.parse(values['pushed-since']))) throw new UsageError(`--pushed-since must be a date, not "${values['pushed-since']}"`);
  const filter: RepositoryFilter = {
    archived: Boolean(values['include-archived']),
    forks: Boolean(values['include-forks']),
    ...(values.visibility ? { visibility: values.visibility.split(',').map((v) => v.trim()) } : {}),
    ...(values.topic ? { topics: values.topic } : {}),
    ...(values.name ? { name: values.name } : {}),
    ...(values['pushed-since'] ? { pushedSince: values['pushed-since'] } : {}),
  };
  const logger = { debug: () => undefined, info: (m: string) => io.stderr(`${m}\n`), warning: (m: string) => io.stderr(`warning: ${m}\n`), error: (m: string) => io.stderr(`error: ${m}\n`) };
  let repos: OrgRepository[];
  try {
    repos = await listRepositories({ token, apiUrl: io.env.GITHUB_API_URL?.trim() || 'https://api.github.com', owner: values.owner, logger }, filter);
  } catch (error) {
    const status = (error as { status?: number }).status;
    throw new UsageError(`cannot list the repositories of ${values.owner}: ${status ? `HTTP ${status}` : ''} ${(error as Error).message}`.replace(/\s+/g, ' ').trim());
  }
  const result = planShards(values.owner, repos, shards, new Date());
  if (values.output) await writeOutputFile(path.resolve(io.cwd, values.output), `${JSON.stringify(result, null, 2)}\n`, io);
  io.stdout(`${JSON.stringify(planMatrix(result))}\n`);
  const total = result.shards.reduce((n, s) => n + s.sizeKb, 0);
  const largest = Math.max(...result.shards.map((s) => s.sizeKb));
  io.stderr(`org plan: ${repos.length} repositories in ${result.shards.length} shard(s); largest shard ${(largest / (total / result.shards.length || 1)).toFixed(2)}x the mean\n`);
  return EXIT_OK;
}

function readPlan(file: string): OrgPlan {
  let doc: OrgPlan;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8')) as OrgPlan;
  } catch (error) {
    throw new UsageError(`cannot read the plan ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  if (doc?.version !== 1 || !Array.isArray(doc.shards)) throw new UsageError(`${file} is not a keyward org plan (make one with \`keyward org plan\`)`);
  return doc;
}

/** git with a wall-clock limit; the token, when there is one, travels in a header git never prints. */
function runGit(args: string[], options: { cwd: string; timeoutMs: number; token?: string }): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    const auth = options.token ? ['-c', `http.extraHeader=Authorization: Basic ${Buffer.from(`x-access-token:${options.token}`).toString('base64')}`] : [];
    const child = spawn('git', [...auth, ...args], { cwd: options.cwd, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      if (stderr.length < 4000) stderr += d.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: signal ? -1 : (code ?? -1), stderr: signal ? `timed out after ${Math.round(options.timeoutMs / 1000)} s` : stderr });
    });
  });
}

/** One line of git's complaint, with anything that looks like a URL's credentials removed. */
function cloneFailure(stderr: string): string {
  const line = stderr.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('Cloning into')).at(-1) ?? 'git clone failed';
  return line.replace(/\/\/[^@/\s]+@/g, '//***@').slice(0, 300);
}

const fileNameOf = (fullName: string) => fullName.replace(/[^A-Za-z0-9._-]+/g, '__');

async function scanShard(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs({
    args: argv,
    strict: true,
    options: { plan: { type: 'string' }, shard: { type: 'string' }, history: { type: 'boolean' }, out: { type: 'string' }, timeout: { type: 'string' } },
  });
  if (!values.plan || values.shard === undefined) throw new UsageError('org scan needs --plan FILE and --shard K');
  const planDoc = readPlan(path.resolve(io.cwd, values.plan));
  const shardNo = Number(values.shard);
  const shard = planDoc.shards.find((s) => s.shard === shardNo);
  if (!shard) throw new UsageError(`the plan has no shard ${values.shard} (it has 0 to ${planDoc.shards.length - 1})`);
  const timeoutMs = Number(values.timeout ?? '1800') * 1000;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new UsageError('--timeout must be a number of seconds');
  const outDir = path.resolve(io.cwd, values.out ?? 'keyward-org');
  const token = io.env.GITHUB_TOKEN?.trim() || io.env.GH_TOKEN?.trim() || undefined;
  const mode = values.history ? 'history' : 'default-branch';
  const results: RepositoryResult[] = [];
  for (const repo of shard.repositories) {
    const started = Date.now();
    const work = mkdtempSync(path.join(tmpdir(), 'keyward-org-'));
    const dir = path.join(work, 'repo');
    const fail = (reason: string): void => {
      results.push({ repository: repo.fullName, status: 'failed', reason, findings: [], files: 0, bytes: 0, durationMs: Date.now() - started, completedAt: new Date().toISOString() });
      io.stderr(`org scan: ${repo.fullName}: failed: ${reason}\n`);
    };
    try {
      const cloneArgs = values.history ? ['clone', '--quiet', '--no-checkout', repo.cloneUrl, dir] : ['clone', '--quiet', '--depth', '1', '--single-branch', repo.cloneUrl, dir];
      const clone = await runGit(cloneArgs, { cwd: work, timeoutMs, ...(token ? { token } : {}) });
      if (clone.code !== 0) {
        fail(`clone: ${cloneFailure(clone.stderr)}`);
        continue;
      }
      const source: SourceSettings = values.history ? { kind: 'history', root: dir } : { kind: 'directory', root: dir };
      const settings: ScanSettings = {
        source,
        format: 'sarif',
        showSecrets: false,
        regexBackend: 'auto',
        color: false,
        progress: false,
        exitZero: true,
        findingsExitCode: 1,
        logLevel: 'error',
      };
      let result;
      try {
        result = await executeScan(settings, { ...io, cwd: dir });
      } catch (error) {
        fail(`scan: ${(error as Error).message.split('\n')[0]}`);
        continue;
      }
      const sarifName = path.join('sarif', `${fileNameOf(repo.fullName)}.sarif`);
      // Only the rules with results: a run describing all 900 rules would be a megabyte per repository.
      const sarif = buildSarif(result, { toolVersion: VERSION, onlyRulesWithResults: true });
      for (const run of sarif.runs) run.versionControlProvenance = [{ repositoryUri: repo.cloneUrl.replace(/\/\/[^@/]+@/, '//'), branch: repo.defaultBranch }];
      await writeOutputFile(path.join(outDir, sarifName), `${JSON.stringify(sarif, null, 2)}\n`, io);
      results.push({
        repository: repo.fullName,
        status: 'ok',
        findings: result.findings.map((f) => ({
          ruleId: f.ruleId,
          severity: f.severity,
          path: f.path,
          startLine: f.startLine,
          fingerprint: f.fingerprint,
          redacted: f.redacted,
          ...(f.commit ? { commit: f.commit.sha } : {}),
        })),
        files: result.stats.files,
        bytes: result.stats.bytes,
        durationMs: Date.now() - started,
        sarif: sarifName,
        completedAt: new Date().toISOString(),
      });
      io.stderr(`org scan: ${repo.fullName}: ${result.findings.length} finding(s) in ${result.stats.files} files\n`);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
  const shardResult: ShardResult = { tool: 'keyward', version: VERSION, kind: 'org-shard', owner: planDoc.owner, shard: shardNo, mode, repositories: results };
  await writeOutputFile(path.join(outDir, `shard-${shardNo}.json`), `${JSON.stringify(shardResult, null, 2)}\n`, io);
  return exitFor(results);
}

function exitFor(results: readonly RepositoryResult[]): number {
  if (results.some((r) => r.status === 'failed')) return EXIT_ORG_FAILED;
  return results.some((r) => r.findings.length > 0) ? 1 : EXIT_OK;
}

function shardFiles(inputs: string[], cwd: string): string[] {
  const files: string[] = [];
  const walk = (p: string): void => {
    const st = statSync(p, { throwIfNoEntry: false });
    if (!st) throw new UsageError(`no such file or directory: ${p}`);
    if (st.isDirectory()) for (const name of readdirSync(p).sort()) walk(path.join(p, name));
    else if (/^shard-\d+\.json$/.test(path.basename(p))) files.push(p);
  };
  for (const input of inputs) walk(path.resolve(cwd, input));
  return files;
}

const md = (text: string) => text.replace(/[\\`*_|<>[\]]/g, (c) => `\\${c}`).replace(/[\r\n]+/g, ' ');

async function report(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs({
    args: argv,
    strict: true,
    allowPositionals: true,
    options: { json: { type: 'string' }, sarif: { type: 'string' }, summary: { type: 'string' } },
  });
  if (positionals.length === 0) throw new UsageError('org report needs the shard results: directories or shard-K.json files');
  const files = shardFiles(positionals, io.cwd);
  if (files.length === 0) throw new UsageError('no shard-K.json files found there');
  // The latest result per repository wins: re-running a failed shard and merging again replaces it.
  const latest = new Map<string, { result: RepositoryResult; dir: string }>();
  let owner = '';
  for (const file of files) {
    let doc: ShardResult;
    try {
      doc = JSON.parse(readFileSync(file, 'utf8')) as ShardResult;
    } catch (error) {
      throw new UsageError(`${path.relative(io.cwd, file)}: not valid JSON (${(error as Error).message})`);
    }
    if (doc?.kind !== 'org-shard' || !Array.isArray(doc.repositories)) throw new UsageError(`${path.relative(io.cwd, file)}: not a keyward org shard result`);
    owner ||= doc.owner;
    for (const r of doc.repositories) {
      const seen = latest.get(r.repository);
      if (!seen || seen.result.completedAt < r.completedAt) latest.set(r.repository, { result: r, dir: path.dirname(file) });
    }
  }
  const entries = [...latest.values()].sort((a, b) => (a.result.repository < b.result.repository ? -1 : 1));
  const results = entries.map((e) => e.result);
  const failed = results.filter((r) => r.status === 'failed');
  const withFindings = results.filter((r) => r.findings.length > 0);
  const byRule = new Map<string, number>();
  for (const r of results) for (const f of r.findings) byRule.set(String(f.ruleId), (byRule.get(String(f.ruleId)) ?? 0) + 1);
  const total = results.reduce((n, r) => n + r.findings.length, 0);
  const merged = {
    tool: 'keyward',
    version: VERSION,
    owner,
    totals: { repositories: results.length, scanned: results.length - failed.length, failed: failed.length, withFindings: withFindings.length, findings: total },
    byRule: Object.fromEntries([...byRule].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))),
    repositories: results.map(({ sarif: _s, completedAt: _c, ...r }) => r),
  };
  const markdown = [
    `## keyward organization scan: ${md(owner)}`,
    '',
    `**${total}** finding(s) in **${withFindings.length}** of ${results.length} repositories; ${failed.length} failed.`,
    '',
    ...(withFindings.length
      ? ['| repository | findings | rules |', '| --- | --- | --- |', ...withFindings.map((r) => `| ${md(r.repository)} | ${r.findings.length} | ${md([...new Set(r.findings.map((f) => String(f.ruleId)))].join(', '))} |`), '']
      : []),
    ...(byRule.size ? ['| rule | findings |', '| --- | --- |', ...[...byRule].map(([rule, n]) => `| \`${md(rule)}\` | ${n} |`), ''] : []),
    ...(failed.length ? ['**Failed** (re-run their shard, then merge again):', '', ...failed.map((r) => `- ${md(r.repository)}: ${md(r.reason ?? 'unknown')}`), ''] : []),
  ].join('\n');
  if (values.json) await writeOutputFile(path.resolve(io.cwd, values.json), `${JSON.stringify(merged, null, 2)}\n`, io);
  if (values.sarif) {
    const runs = entries.flatMap((e) => {
      if (!e.result.sarif) return [];
      try {
        return (JSON.parse(readFileSync(path.join(e.dir, e.result.sarif), 'utf8')) as { runs: unknown[] }).runs;
      } catch {
        return [];
      }
    });
    await writeOutputFile(path.resolve(io.cwd, values.sarif), `${JSON.stringify({ $schema: 'https://json.schemastore.org/sarif-2.1.0.json', version: '2.1.0', runs }, null, 2)}\n`, io);
  }
  // Appended, as GITHUB_STEP_SUMMARY expects.
  if (values.summary) appendFileSync(path.resolve(io.cwd, values.summary), `${markdown}\n`);
  if (!values.json && !values.sarif && !values.summary) io.stdout(`${markdown}\n`);
  return exitFor(results);
}
