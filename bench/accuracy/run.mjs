// `pnpm bench accuracy`: accuracy on data this team did not write (issue 12, section 1).
//
//   node bench/accuracy/run.mjs [peers|real|npm|all] [--peer-mirrors DIR] [--noseyparker GITDIR] [--kingfisher GITDIR]
//        [--secretlint GITDIR] [--gitleaks GITDIR] [--mirrors DIR] [--npm-tree DIR] [--keep DIR]
//        [--untriaged FILE] [--details] [--cli PATH]
//
// peers: the rule examples four peer scanners ship (harvested from local git mirrors by ../shared/eval), scored by
//        ../shared/eval/score.mjs after the committed exceptions (exceptions/*.yaml) are applied.
// real:  public repositories at pinned commits (real-code.json), extracted from bare mirrors with `git archive`,
//        every finding looked up in the committed verdicts (verdicts.jsonl); precision over ordinary repositories.
// npm:   the npm packages named in real-code.json installed into a temp dir (or --npm-tree DIR); target: no finding.
// Nothing harvested, fetched or installed is written inside the repository; the printed figures never hold a
// secret (verdicts name a repository, commit, path, line and rule, never the value).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const sharedEval = process.env.KEYWARD_SHARED_EVAL ?? path.resolve(root, '../shared/eval');

// ---- arguments
const argv = process.argv.slice(2);
const opt = {};
const pos = [];
for (let i = 0; i < argv.length; i++) {
  if (argv[i].startsWith('--')) { opt[argv[i].slice(2)] = argv[i + 1]; i++; } else pos.push(argv[i]);
}
const part = pos[0] ?? 'all';
if (!['peers', 'real', 'npm', 'all'].includes(part)) {
  console.error(`unknown part "${part}"; choose peers, real, npm or all`);
  process.exit(2);
}
// --cli PATH scores another build (e.g. main's bundle) against the same verdicts
const cli = path.resolve(opt.cli ?? path.join(root, 'packages/cli/dist/index.js'));
const mirrors = opt.mirrors ?? process.env.KEYWARD_MIRRORS ?? '/work/.mirror';
const peerMirrors = opt['peer-mirrors'] ?? process.env.KEYWARD_PEER_MIRRORS ?? mirrors;
const work = opt.keep ? path.resolve(opt.keep) : mkdtempSync(path.join(os.tmpdir(), 'keyward-accuracy-'));
mkdirSync(work, { recursive: true });
const commitOf = dir => execFileSync('git', ['-C', dir, 'rev-parse', 'HEAD^{commit}']).toString().trim();
const pct = (a, b) => (b ? ((100 * a) / b).toFixed(1) : '0.0');
const f3 = x => (Number.isFinite(x) ? x.toFixed(3) : 'n/a');

function scan(target, format, output, extra = []) {
  const r = spawnSync(process.execPath, [cli, 'scan', target, '--format', format, '--output', output, '--exit-zero', ...extra], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  if (r.status !== 0) throw new Error(`keyward scan ${target} failed (exit ${r.status}): ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  const summary = (r.stderr + r.stdout).split('\n').find(l => l.startsWith('Scanned')) ?? '';
  return { report: JSON.parse(readFileSync(output, 'utf8')), summary };
}

// ---- the exceptions list: `- file: <path under the corpus>` / `reason: <one line>`, one file per engineer
export function readExceptions(dir) {
  const out = [];
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir).filter(n => /\.ya?ml$/.test(n)).sort()) {
    const text = readFileSync(path.join(dir, name), 'utf8');
    let cur = null;
    text.split('\n').forEach((raw, i) => {
      const line = raw.replace(/\s+#.*$/, '').trimEnd();
      if (!line.trim() || line.trim().startsWith('#')) return;
      const m = /^(-\s+|\s+)(file|reason):\s*(.*)$/.exec(line);
      if (!m) throw new Error(`${name}:${i + 1}: expected "- file: PATH" or "  reason: TEXT"`);
      const value = m[3].replace(/^(['"])(.*)\1$/, '$2');
      if (m[1].startsWith('-')) { cur = { source: name }; out.push(cur); } else if (!cur) throw new Error(`${name}:${i + 1}: "${m[2]}" outside an entry`);
      cur[m[2]] = value;
    });
    for (const e of out.filter(x => x.source === name)) {
      if (!e.file || !e.reason) throw new Error(`${name}: every entry needs a file and a reason (${e.file ?? 'no file'})`);
    }
  }
  return out;
}

// ---- 1. peer examples
function peers() {
  console.log('\n-- peer examples (noseyparker, kingfisher, secretlint and gitleaks rule examples)');
  const names = { noseyparker: 'praetorian-inc+noseyparker', kingfisher: 'mongodb+kingfisher', secretlint: 'secretlint+secretlint', gitleaks: 'gitleaks+gitleaks' };
  const dirs = {};
  for (const [peer, mirror] of Object.entries(names)) {
    const dir = opt[peer] ?? path.join(peerMirrors, mirror, 'repo');
    if (!existsSync(dir)) {
      console.log(`  ${peer}: no mirror at ${dir} (fetch github:${mirror.replace('+', '/')}, or pass --${peer} GITDIR); skipped`);
      continue;
    }
    dirs[peer] = dir;
  }
  if (!Object.keys(dirs).length) return;
  const out = path.join(work, 'peers');
  rmSync(out, { recursive: true, force: true });
  const harvest = spawnSync(process.execPath, [path.join(sharedEval, 'harvest-peer-examples.mjs'), out, ...Object.entries(dirs).flatMap(([p, d]) => [`--${p}`, d])], { encoding: 'utf8' });
  if (harvest.status !== 0) throw new Error(`harvest failed: ${harvest.stderr.trim()}`);
  const { summary } = scan(path.join(out, 'corpus'), 'sarif', path.join(out, 'keyward.sarif'));
  const labels = JSON.parse(readFileSync(path.join(out, 'labels.json'), 'utf8'));
  const sarif = JSON.parse(readFileSync(path.join(out, 'keyward.sarif'), 'utf8'));

  // exceptions: a file where keyward is right to differ from the peer leaves both the labels and the results
  const exceptions = readExceptions(path.join(here, 'exceptions'));
  const excepted = new Set(exceptions.map(e => e.file));
  const unknown = exceptions.filter(e => !existsSync(path.join(out, 'corpus', e.file)));
  const relOf = uri => {
    let p = uri;
    if (p.startsWith('file:')) p = fileURLToPath(p);
    p = decodeURIComponent(p);
    const corpus = path.join(out, 'corpus') + path.sep;
    return p.startsWith(corpus) ? p.slice(corpus.length).split(path.sep).join('/') : p.replace(/^\.\//, '');
  };
  const bases = run => run.originalUriBaseIds ?? {};
  const fileOfResult = (run, r) => {
    const loc = r.locations?.[0]?.physicalLocation?.artifactLocation;
    if (!loc?.uri) return null;
    const base = loc.uriBaseId ? bases(run)[loc.uriBaseId]?.uri ?? '' : '';
    return relOf(base && !/^[a-z]+:/i.test(loc.uri) ? base.replace(/\/?$/, '/') + loc.uri : loc.uri);
  };
  const kept = {
    ...labels,
    positives: labels.positives.filter(p => !excepted.has(p.file)),
    negatives: labels.negatives.filter(n => !excepted.has(n.file)),
  };
  writeFileSync(path.join(out, 'labels-scored.json'), JSON.stringify(kept));
  const resultFiles = [];
  for (const run of sarif.runs ?? []) {
    run.results = (run.results ?? []).filter(r => {
      const f = fileOfResult(run, r);
      resultFiles.push({ file: f, line: r.locations?.[0]?.physicalLocation?.region?.startLine, end: r.locations?.[0]?.physicalLocation?.region?.endLine });
      return !excepted.has(f);
    });
  }
  writeFileSync(path.join(out, 'keyward-scored.sarif'), JSON.stringify(sarif));
  const score = spawnSync(process.execPath, [path.join(sharedEval, 'score.mjs'), path.join(out, 'labels-scored.json'), path.join(out, 'keyward-scored.sarif')], { encoding: 'utf8' });
  if (score.status !== 0) throw new Error(`score failed: ${score.stderr.trim()}`);
  const last = score.stdout.trim().split('\n').at(-1);
  const raw = spawnSync(process.execPath, [path.join(sharedEval, 'score.mjs'), path.join(out, 'labels.json'), path.join(out, 'keyward.sarif')], { encoding: 'utf8' });
  const rawLast = /recall=([\d.]+) precision=([\d.]+)/.exec(raw.stdout.trim().split('\n').at(-1) ?? '');
  const m = /recall=([\d.]+) precision=([\d.]+) f1=([\d.]+) fp=(\d+)/.exec(last);

  // negative files flagged: a file labelled negative (no positive in it) where keyward reports anything
  const positiveFiles = new Set(kept.positives.map(p => p.file));
  const negativeFiles = new Set(kept.negatives.map(n => n.file).filter(f => !positiveFiles.has(f)));
  const flagged = new Set(resultFiles.filter(r => r.file && negativeFiles.has(r.file)).map(r => r.file));
  if (opt.details) console.log(score.stdout);
  console.log(`  peers: ${Object.entries(labels.meta?.sources ?? {}).map(([p, s]) => `${p} ${String(s.commit).slice(0, 8)}`).join(', ')}`);
  console.log(`  corpus: ${labels.positives.length} positives, ${new Set(labels.negatives.map(n => n.file)).size} negative files; ${summary}`);
  console.log(`  exceptions: ${excepted.size} files (${exceptions.length} entries in ${new Set(exceptions.map(e => e.source)).size} files)${unknown.length ? `; ${unknown.length} name no harvested file` : ''}`);
  console.log(`  recall ${m?.[1]}  precision ${m?.[2]}  f1 ${m?.[3]}  false-positive locations ${m?.[4]}  (without the exceptions: recall ${rawLast?.[1]}, precision ${rawLast?.[2]})`);
  console.log(`  negative files flagged ${flagged.size} of ${negativeFiles.size} (${pct(flagged.size, negativeFiles.size)}%)`);
  console.log(`  per provider and per file type: add --details (the full score.mjs report), or --keep DIR to keep the harvest`);
  return { recall: Number(m?.[1]), precision: Number(m?.[2]), flagged: flagged.size, negatives: negativeFiles.size, exceptions: excepted.size };
}

// ---- 2. real code
const manifest = JSON.parse(readFileSync(path.join(here, 'real-code.json'), 'utf8'));
const verdictsPath = path.join(here, 'verdicts.jsonl');
function readVerdicts() {
  const out = new Map();
  if (!existsSync(verdictsPath)) return out;
  readFileSync(verdictsPath, 'utf8').split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    let v;
    try { v = JSON.parse(line); } catch (e) { throw new Error(`verdicts.jsonl:${i + 1}: ${e.message}`); }
    for (const k of ['repo', 'commit', 'path', 'line', 'rule', 'verdict', 'category']) {
      if (v[k] === undefined || v[k] === '') throw new Error(`verdicts.jsonl:${i + 1}: missing "${k}"`);
    }
    if (!['TP', 'FP'].includes(v.verdict)) throw new Error(`verdicts.jsonl:${i + 1}: verdict must be TP or FP, not ${v.verdict}`);
    out.set(keyOf(v.repo, v.commit, v.path, v.line, v.rule), v);
  });
  return out;
}
const keyOf = (repo, commit, file, line, rule) => `${repo}@${commit}:${file}:${line}:${rule}`;

function triage(repo, commit, findings, verdicts, untriaged) {
  const counts = { findings: findings.length, TP: 0, FP: 0, untriaged: 0, categories: new Map() };
  const found = new Set();
  for (const f of findings) {
    const key = keyOf(repo, commit, f.path, f.startLine, f.ruleId);
    const v = verdicts.get(key);
    if (!v) {
      counts.untriaged++;
      untriaged.push({ repo, commit, path: f.path, line: f.startLine, rule: f.ruleId, verdict: '?', category: '?' });
      continue;
    }
    found.add(key);
    counts[v.verdict]++;
    if (v.verdict === 'FP') counts.categories.set(v.category, (counts.categories.get(v.category) ?? 0) + 1);
  }
  // a true positive recorded for this commit that the scan no longer reports is a lost one
  counts.tpRecorded = [...verdicts.values()].filter(v => v.repo === repo && v.commit === commit && v.verdict === 'TP').length;
  counts.tpKept = [...verdicts.values()].filter(v => v.repo === repo && v.commit === commit && v.verdict === 'TP' && found.has(keyOf(v.repo, v.commit, v.path, v.line, v.rule))).length;
  return counts;
}

// Write the tree of COMMIT into DIR. Not `git archive`: a snapshot mirror lacks its largest blobs (and LFS
// content), and archive stops at the first one; those are counted and skipped instead.
function extract(mirror, commit, dir) {
  const entries = execFileSync('git', ['-C', mirror, 'ls-tree', '-r', '-z', commit], { maxBuffer: 1 << 28 })
    .toString()
    .split('\0')
    .filter(Boolean)
    .map(line => { const tab = line.indexOf('\t'); const [mode, type, id] = line.slice(0, tab).split(' '); return { mode, type, id, file: line.slice(tab + 1) }; })
    .filter(e => e.type === 'blob' && e.mode !== '120000');
  let absent = 0;
  for (let i = 0; i < entries.length; i += 2000) {
    const batch = entries.slice(i, i + 2000);
    const r = spawnSync('git', ['-C', mirror, 'cat-file', '--batch'], { input: batch.map(e => e.id + '\n').join(''), maxBuffer: 1 << 30 });
    if (r.status !== 0) throw new Error(`git cat-file in ${mirror} failed: ${r.stderr}`);
    let at = 0;
    for (const e of batch) {
      const nl = r.stdout.indexOf(10, at);
      const header = r.stdout.subarray(at, nl).toString();
      at = nl + 1;
      const m = /^[0-9a-f]+ blob (\d+)$/.exec(header);
      if (!m) { absent++; continue; }
      const size = Number(m[1]);
      const target = path.join(dir, e.file);
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(target, r.stdout.subarray(at, at + size));
      at += size + 1;
    }
  }
  return absent;
}

function real() {
  console.log(`\n-- real code (${manifest.repositories.length} repositories at pinned commits, mirrors in ${mirrors})`);
  const verdicts = readVerdicts();
  const untriaged = [];
  const groups = { ordinary: { TP: 0, FP: 0, untriaged: 0, findings: 0, tpKept: 0, tpRecorded: 0, bytes: 0, categories: new Map() }, 'scanner-test-data': { TP: 0, FP: 0, untriaged: 0, findings: 0, tpKept: 0, tpRecorded: 0, bytes: 0, categories: new Map() } };
  const missing = [];
  for (const r of manifest.repositories) {
    const mirror = path.join(mirrors, r.repo.replace('/', '+'), 'repo');
    const has = existsSync(mirror) && spawnSync('git', ['-C', mirror, 'cat-file', '-e', `${r.commit}^{commit}`]).status === 0;
    if (!has) { missing.push(r); continue; }
    const dir = path.join(work, 'real', r.repo.replace('/', '+'));
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const absent = extract(mirror, r.commit, dir);
    // every committed file counts, even one a .gitignore in the tree names
    const { report, summary } = scan(dir, 'json', path.join(work, `${r.repo.replace('/', '+')}.json`), ['--no-gitignore']);
    const c = triage(r.repo, r.commit, report.findings, verdicts, untriaged);
    const g = groups[r.kind ?? 'ordinary'];
    for (const k of ['TP', 'FP', 'untriaged', 'findings', 'tpKept', 'tpRecorded']) g[k] += c[k];
    for (const [k, n] of c.categories) g.categories.set(k, (g.categories.get(k) ?? 0) + n);
    g.bytes += report.stats?.bytes ?? 0;
    console.log(`  ${r.repo.padEnd(42)} ${r.commit.slice(0, 10)}  ${String(c.findings).padStart(4)} findings: ${c.TP} TP, ${c.FP} FP, ${c.untriaged} untriaged  (${summary.replace(/^Scanned /, '').replace(/:.*$/, '')}${absent ? `; ${absent} blobs absent from the mirror` : ''})`);
    if (!opt.keep) rmSync(dir, { recursive: true, force: true });
  }
  for (const r of missing) console.log(`  ${r.repo}: mirror or commit ${r.commit.slice(0, 10)} missing under ${mirrors}; fetch github:${r.repo}`);
  for (const [name, g] of Object.entries(groups)) {
    const precision = g.TP / (g.TP + g.FP);
    const blobs = manifest.repositories.filter((r) => (r.kind ?? 'ordinary') === name).reduce((n, r) => n + (r.megabytes ?? 0), 0);
    console.log(`  ${name}: ${blobs.toFixed(1)} MB committed, ${(g.bytes / 1e6).toFixed(1)} MB of text scanned, ${g.findings} findings; precision ${f3(precision)} (${g.TP} TP / ${g.TP + g.FP} triaged); true positives kept ${g.tpKept} of ${g.tpRecorded}; not yet triaged ${g.untriaged}`);
    if (g.categories.size) console.log(`    false positives by category: ${[...g.categories].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(', ')}`);
  }
  if (untriaged.length && opt.untriaged) {
    writeFileSync(opt.untriaged, untriaged.map(u => JSON.stringify(u)).join('\n') + '\n');
    console.log(`  untriaged findings (no values) written to ${opt.untriaged}; read each in context, then add it to bench/accuracy/verdicts.jsonl`);
  }
  return { groups, missing: missing.length };
}

// ---- 3. the npm tree
function npm() {
  const pkgs = manifest.npm.packages;
  let tree = opt['npm-tree'] ?? process.env.KEYWARD_NPM_TREE;
  if (!tree) {
    tree = path.join(work, 'npm-tree');
    mkdirSync(tree, { recursive: true });
    writeFileSync(path.join(tree, 'package.json'), JSON.stringify({ name: 'keyward-accuracy-npm-tree', private: true }));
    const r = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--no-package-lock', ...pkgs], { cwd: tree, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`npm install failed (pass --npm-tree DIR to use an installed tree): ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  }
  const modules = existsSync(path.join(tree, 'node_modules')) ? path.join(tree, 'node_modules') : tree;
  console.log(`\n-- npm tree (${pkgs.join(', ')}) in ${modules}`);
  const { report, summary } = scan(modules, 'json', path.join(work, 'npm-tree.json'));
  const byRule = new Map();
  for (const f of report.findings) byRule.set(f.ruleId, (byRule.get(f.ruleId) ?? 0) + 1);
  console.log(`  ${summary}`);
  console.log(`  findings on the npm tree: ${report.findings.length} (target 0)${byRule.size ? ': ' + [...byRule].map(([k, n]) => `${k} ${n}`).join(', ') : ''}`);
  for (const f of report.findings.slice(0, 40)) console.log(`    ${f.path}:${f.startLine}  ${f.ruleId}`);
  return report.findings.length;
}

console.log(`keyward ${commitOf(root).slice(0, 10)}, ${new Date().toISOString().slice(0, 10)}; reproduce with: pnpm bench accuracy ${part}`);
try {
  if (part === 'peers' || part === 'all') peers();
  if (part === 'real' || part === 'all') real();
  if (part === 'npm' || part === 'all') npm();
} finally {
  if (!opt.keep) rmSync(work, { recursive: true, force: true });
}
