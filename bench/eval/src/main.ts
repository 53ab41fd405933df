// `node bench/eval/run.mjs [--seed S] [--per-rule N] [--keep] [--out DIR] [--json FILE]`
// Generates the corpus into a temp dir, scans it with the real CLI bundle (SARIF), scores, prints.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { generateCorpus } from './generate.js';
import { f1, precision, recall, score, readSarif, type Score, type Tally } from './score.js';

const { values } = parseArgs({
  options: {
    root: { type: 'string' },
    seed: { type: 'string', default: '7' },
    'per-rule': { type: 'string', default: '4' },
    keep: { type: 'boolean', default: false },
    out: { type: 'string' },
    json: { type: 'string' },
    cli: { type: 'string' },
    examples: { type: 'string', default: '12' },
  },
});

const root = path.resolve(values.root ?? process.cwd());
const cli = path.resolve(values.cli ?? path.join(root, 'packages/cli/dist/index.js'));
const work = values.out ? path.resolve(values.out) : mkdtempSync(path.join(tmpdir(), 'keyward-eval-'));
const corpusDir = path.join(work, 'corpus');
const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
const fmt = (x: number) => x.toFixed(4);

function row(cells: Array<string | number>, widths: number[]): string {
  return cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]!) : String(c).padStart(widths[i]!))).join('  ');
}

function table(title: string, entries: Array<[string, Tally]>): string[] {
  const widths = [Math.max(12, ...entries.map(([k]) => k.length)), 6, 6, 6, 6, 8, 8, 8];
  const out = [title, row(['', 'pos', 'found', 'TP', 'FP', 'recall', 'prec', 'F1'], widths)];
  for (const [k, t] of entries) {
    out.push(row([k, t.positives, t.detected, t.truePositives, t.falsePositives, fmt(recall(t)), fmt(precision(t)), fmt(f1(t))], widths));
  }
  return out;
}

async function main(): Promise<number> {
  if (!existsSync(cli)) {
    process.stderr.write(`no CLI bundle at ${cli}: run \`node scripts/generate.mjs --only packages/cli\` first\n`);
    return 2;
  }
  rmSync(corpusDir, { recursive: true, force: true });
  mkdirSync(corpusDir, { recursive: true });
  const corpus = await generateCorpus({
    rulesDir: path.join(root, 'rules'),
    outDir: corpusDir,
    seed: values.seed!,
    perRule: Number(values['per-rule']),
  });
  writeFileSync(path.join(work, 'labels.jsonl'), corpus.labels.map((l) => JSON.stringify(l)).join('\n') + '\n');

  // The bundle embeds the rules it was built from: say so when they differ from rules/.
  const listed = spawnSync(process.execPath, [cli, 'rules', 'list', '--format', 'json'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const bundled = new Set<string>(listed.status === 0 ? (JSON.parse(listed.stdout) as Array<{ id: string }>).map((r) => r.id) : []);
  const missingFromBundle = corpus.rules.filter((r) => !bundled.has(r.id)).map((r) => r.id);

  const sarifPath = path.join(work, 'keyward.sarif');
  const started = Date.now();
  const scan = spawnSync(process.execPath, [cli, 'scan', corpusDir, '-f', 'sarif', '-o', sarifPath, '--no-progress', '--exit-zero', '--no-gitignore'], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  const scanMs = Date.now() - started;
  if (scan.status !== 0) {
    process.stderr.write(`keyward scan failed (${scan.status}):\n${scan.stderr}\n`);
    return 2;
  }
  const findings = readSarif(readFileSync(sarifPath, 'utf8')).map((f) => ({ ...f, path: path.posix.normalize(f.path) }));
  const providerById = new Map(corpus.rules.map((r) => [r.id, r.provider]));
  const typeByPath = new Map(corpus.labels.map((l) => [l.path, l.type]));
  const result = score(
    corpus.labels,
    findings,
    (id) => providerById.get(id) ?? `(${id})`,
    (p) => {
      try {
        return readFileSync(path.join(corpusDir, p), 'utf8');
      } catch {
        return undefined;
      }
    },
    (p) => typeByPath.get(p) ?? 'other',
  );
  print(result, corpus, { findings: findings.length, scanMs, missingFromBundle });
  if (values.json) {
    const obj = (m: Map<string, Tally>) => Object.fromEntries([...m].map(([k, t]) => [k, { ...t, recall: recall(t), precision: precision(t), f1: f1(t) }]));
    writeFileSync(
      path.resolve(values.json),
      JSON.stringify({ seed: values.seed, overall: { ...result.overall, recall: recall(result.overall), precision: precision(result.overall), f1: f1(result.overall) }, byProvider: obj(result.byProvider), byType: obj(result.byType) }, null, 2),
    );
  }
  if (values.keep || values.out) process.stdout.write(`\ncorpus, labels.jsonl and keyward.sarif kept in ${work}\n`);
  else rmSync(work, { recursive: true, force: true });
  return 0;
}

function print(s: Score, corpus: Awaited<ReturnType<typeof generateCorpus>>, run: { findings: number; scanMs: number; missingFromBundle: string[] }): void {
  const out: string[] = [];
  const o = s.overall;
  const providers = new Set(corpus.rules.map((r) => r.provider));
  out.push(`keyward evaluation (seed ${values.seed}): ${corpus.files} files, ${(corpus.bytes / 1024).toFixed(0)} KiB, ${corpus.rules.length} rules, ${providers.size} providers`);
  out.push(`planted: ${o.positives} credentials, ${corpus.labels.length - o.positives} labelled look-alikes; keyward reported ${run.findings} findings in ${(run.scanMs / 1000).toFixed(1)} s`);
  if (run.missingFromBundle.length > 0) {
    out.push(`WARNING: the CLI bundle lacks ${run.missingFromBundle.length} rules that rules/ has (rebuild: node scripts/generate.mjs --only packages/cli): ${run.missingFromBundle.slice(0, 10).join(', ')}${run.missingFromBundle.length > 10 ? ', ...' : ''}`);
  }
  out.push('');
  out.push(`overall: recall ${fmt(recall(o))}  precision ${fmt(precision(o))}  F1 ${fmt(f1(o))}   (TP ${o.truePositives}, FP ${o.falsePositives}, FN ${o.positives - o.detected}; named by the expected rule: ${pct(o.positives ? o.named / o.positives : 1)}; duplicate findings: ${s.duplicates})`);
  out.push(`target:  recall >= 0.98 and precision >= 0.99: ${recall(o) >= 0.98 && precision(o) >= 0.99 ? 'MET' : 'NOT MET'}`);
  out.push('');
  const byF1 = (m: Map<string, Tally>) => [...m].sort((a, b) => f1(a[1]) - f1(b[1]) || a[0].localeCompare(b[0]));
  out.push(...table('by file type (worst first)', byF1(s.byType)));
  out.push('');
  const providerRows = byF1(s.byProvider);
  const imperfect = providerRows.filter(([, t]) => f1(t) < 1);
  out.push(...table(`by provider: ${imperfect.length} of ${providerRows.length} below F1 1.0 (worst first; the rest are perfect)`, imperfect));
  out.push('');
  out.push(...table('by how the credential was planted', byF1(s.byPositiveCategory)));
  out.push('');
  out.push('look-alikes reported (false positives by category):');
  for (const [cat, [planted, hit]] of [...s.negatives].sort((a, b) => b[1][1] - a[1][1] || a[0].localeCompare(b[0]))) {
    out.push(`  ${cat.padEnd(22)} ${String(hit).padStart(4)} of ${String(planted).padStart(4)} reported`);
  }
  const unlabelled = s.falsePositives.filter((f) => f.category === 'unlabelled').length;
  out.push(`  ${'(unlabelled text)'.padEnd(22)} ${String(unlabelled).padStart(4)} findings`);
  const limit = Number(values.examples);
  out.push('');
  out.push(`misses (${s.misses.length}; showing ${Math.min(limit, s.misses.length)}):`);
  for (const m of spread(s.misses, (m) => m.label.ruleId, limit)) {
    out.push(`  ${m.label.ruleId.padEnd(34)} ${`${m.label.path}:${m.label.startLine}`.padEnd(48)} ${m.label.category.padEnd(16)} ${m.label.preview}${m.nearby.length ? `  (same line: ${m.nearby.join(', ')})` : ''}`);
  }
  out.push('');
  out.push(`false positives (${s.falsePositives.length}; showing ${Math.min(limit, s.falsePositives.length)}):`);
  for (const f of spread(s.falsePositives, (f) => `${f.finding.ruleId}:${f.category}`, limit)) {
    out.push(`  ${f.finding.ruleId.padEnd(34)} ${`${f.finding.path}:${f.finding.startLine}`.padEnd(48)} ${f.category.padEnd(16)} ${f.preview}`);
  }
  if (s.misnamed.length > 0) {
    out.push('');
    out.push(`found by another rule than expected (${s.misnamed.length}; showing ${Math.min(limit, s.misnamed.length)}):`);
    for (const m of spread(s.misnamed, (m) => m.label.ruleId, limit)) {
      out.push(`  ${m.label.ruleId.padEnd(34)} found by ${m.rules.join(', ').padEnd(30)} ${m.label.path}:${m.label.startLine}`);
    }
  }
  if (corpus.problems.length > 0) {
    out.push('');
    out.push(`rules whose examples gave no credential to plant (${corpus.problems.length}):`);
    for (const p of corpus.problems) out.push(`  ${p.ruleId}: ${p.reason}`);
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

/** Up to `limit` items, one per key first, so the examples show many different problems. */
function spread<T>(items: T[], key: (t: T) => string, limit: number): T[] {
  const seen = new Set<string>();
  const first = items.filter((t) => !seen.has(key(t)) && seen.add(key(t)));
  const rest = items.filter((t) => !first.includes(t));
  return [...first, ...rest].slice(0, limit);
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exit(2);
  },
);
