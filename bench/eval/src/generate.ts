// The seeded corpus: realistic files of every syntax with planted credentials of every provider that
// has a rule, generic credentials, and labelled look-alikes. Same seed and rules, same corpus.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Detector, loadRuleDirectory, SeededRandom, type Rule } from '../../../packages/engine/src/index.js';
import { CorpusFile, type Label } from './corpus-file.js';
import {
  codeReferences,
  credentialFiles,
  docs,
  encodedPlants,
  encryptedFiles,
  keysAndCertificates,
  lockfiles,
  goSum,
  locales,
  minifiedBundle,
  sourceMap,
  webAssets,
  type PlantSource,
} from './files.js';
import { PlantFactory, type Plant, type PlantProblem } from './plants.js';
import { FILLER, SYNTAXES, type Entry, type Syntax } from './syntaxes.js';
import { checksumFailure, connectionStringEntry, genericEntry, negative, planted, VALUE_NEGATIVES } from './values.js';

export interface CorpusOptions {
  rulesDir: string;
  outDir: string;
  seed: string;
  /** Plain placements of each rule's credential (each in a different syntax where possible). */
  perRule: number;
}

export interface Corpus {
  labels: Label[];
  files: number;
  bytes: number;
  rules: Rule[];
  problems: PlantProblem[];
}

function offsetIn(text: string, line: number, column: number): number {
  let offset = 0;
  for (let i = 1; i < line; i++) offset = text.indexOf('\n', offset) + 1;
  return offset + column - 1;
}

function shuffle<T>(rng: SeededRandom, items: T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

export async function generateCorpus(options: CorpusOptions): Promise<Corpus> {
  const rules = await loadRuleDirectory(options.rulesDir);
  const rng = new SeededRandom(`keyward-eval:${options.seed}`);
  const factory = new PlantFactory(`keyward-eval:${options.seed}`);
  const counters = new Map<string, number>();
  const fresh = (rule: Rule): Plant | undefined => {
    const n = (counters.get(rule.id) ?? 0) + 1;
    counters.set(rule.id, n);
    return factory.plant(rule, n, rng);
  };

  const everyRule = new Detector(rules.filter((r) => !r.tags.includes('generic')), { regexBackend: 're2js' });
  const coPlanted = (example: string, offset: number, length: number) =>
    everyRule
      .detect({ text: example, path: 'eval/example.txt' })
      .map((f) => {
        const start = offsetIn(example, f.startLine, f.startColumn);
        const end = offsetIn(example, f.endLine, f.endColumn);
        return { start, end, info: { kind: 'positive' as const, provider: rules.find((r) => r.id === f.ruleId)!.provider, ruleId: f.ruleId, category: 'co-planted' } };
      })
      .filter((o) => o.end <= offset || o.start >= offset + length);

  // Which rules give single-line credentials that can be planted anywhere, and which need their example.
  const singleLine: Rule[] = [];
  const verbatim: Rule[] = [];
  for (const rule of rules) {
    const probe = fresh(rule);
    if (!probe) continue;
    (probe.verbatim || probe.contextBound ? verbatim : singleLine).push(rule);
  }
  let cursor = 0;
  const source: PlantSource = {
    take(id) {
      const rule = singleLine.find((r) => id.test(r.id));
      return rule ? fresh(rule) : undefined;
    },
    next() {
      for (;;) {
        const rule = singleLine[cursor++ % singleLine.length]!;
        const p = fresh(rule);
        if (p) return p;
      }
    },
  };

  const buckets = new Map<Syntax, Entry[]>(SYNTAXES.map((s) => [s, []]));
  let syntaxOrder = shuffle(rng, SYNTAXES);
  let syntaxCursor = 0;
  const nextSyntax = (): Syntax => {
    if (syntaxCursor >= syntaxOrder.length) {
      syntaxOrder = shuffle(rng, SYNTAXES);
      syntaxCursor = 0;
    }
    return syntaxOrder[syntaxCursor++]!;
  };
  const place = (e: Entry) => buckets.get(nextSyntax())!.push(e);

  // Planted provider credentials, in plain sight.
  for (const rule of singleLine) {
    for (let i = 0; i < options.perRule; i++) {
      const p = fresh(rule);
      if (!p) continue;
      place({ words: p.words, value: p.secret, info: planted(p, 'plain') });
      if (i === 0) {
        const broken = checksumFailure(rng, p);
        if (broken) place({ words: p.words, value: broken, info: negative('checksum-failure') });
      }
    }
  }
  // Generic credentials: passwords and secrets under secret-looking names, and connection strings.
  const genericCount = Math.max(40, Math.round(singleLine.length * 0.6));
  for (let i = 0; i < genericCount; i++) place(i % 3 === 2 ? connectionStringEntry(rng) : genericEntry(rng));
  // Look-alikes.
  const negativeCount = Math.max(200, singleLine.length * 3);
  for (let i = 0; i < negativeCount; i++) {
    const made = VALUE_NEGATIVES[i % VALUE_NEGATIVES.length]!(rng);
    place({ words: made.words, value: made.value, info: negative(made.category) });
  }

  const files: CorpusFile[] = [];
  const usedPaths = new Set<string>();
  const uniquePath = (template: string, n: number): string => {
    const first = template.replace('{n}', String(n));
    let candidate = first;
    for (let k = 2; usedPaths.has(candidate); k++) {
      const dir = path.posix.dirname(first);
      const name = path.posix.basename(first);
      const dot = name.lastIndexOf('.');
      const renamed = dot > 0 ? `${name.slice(0, dot)}-${k}${name.slice(dot)}` : `${name}.${k}`;
      candidate = dir === '.' ? renamed : `${dir}/${renamed}`;
    }
    usedPaths.add(candidate);
    return candidate;
  };
  for (const [syntax, entries] of buckets) {
    const ordered = shuffle(rng, entries);
    for (let start = 0, n = 1; start < ordered.length; start += 16, n++) {
      const f = new CorpusFile(uniquePath(rng.pick(syntax.paths), n), syntax.type);
      f.put(syntax.header);
      for (const e of ordered.slice(start, start + 16)) {
        syntax.entry(f, e, rng);
        if (rng.int(2) === 0) syntax.entry(f, { ...rng.pick(FILLER) }, rng);
      }
      f.put(syntax.footer);
      files.push(f);
    }
  }

  // Formats that exist only with their surroundings: private keys, service-account files, multi-line blocks.
  for (const rule of verbatim) {
    for (let i = 0; i < options.perRule; i++) {
      const p = fresh(rule);
      if (!p) continue;
      const trimmed = p.example.trimStart();
      const ext = p.verbatim
        ? trimmed.startsWith('{') ? 'json' : trimmed.startsWith('-----BEGIN') ? 'pem' : 'txt'
        : /^\s*[{"]/.test(trimmed) ? 'json' : /^[\w.-]+:\s/.test(trimmed) ? 'yaml' : /^[\w.-]+\s*=/.test(trimmed) ? 'env' : 'conf';
      const f = new CorpusFile(uniquePath(`${p.verbatim ? 'secrets' : 'contexts'}/${rule.id}-{n}.${ext}`, i + 1), p.verbatim ? ext : 'in-context');
      // Other rules' credentials inside the same example (a key id next to its secret) are planted too.
      const others = coPlanted(p.example, p.offset, p.secret.length);
      let at = 0;
      for (const o of [...others, { start: p.offset, end: p.offset + p.secret.length, info: planted(p, p.verbatim ? 'verbatim' : 'in-context') }].sort((a, b) => a.start - b.start)) {
        if (o.start < at) continue;
        f.put(p.example.slice(at, o.start)).mark(p.example.slice(o.start, o.end), o.info);
        at = o.end;
      }
      f.put(p.example.slice(at));
      if (!p.example.endsWith('\n')) f.put('\n');
      files.push(f);
      if (i === 0 && p.secret.startsWith('-----BEGIN') && !p.secret.includes('\\n')) {
        // Helm values and Ansible vars hold keys as YAML block scalars.
        const y = new CorpusFile(uniquePath(`helm/${rule.id}-values-{n}.yaml`, 1), 'yaml');
        y.put('tls:\n  enabled: true\n  key: |\n').mark(p.secret.replace(/\n$/, '').replace(/^/gm, '    '), planted(p, 'yaml-block')).put('\n');
        files.push(y);
      }
    }
  }

  files.push(...lockfiles(rng), goSum(rng), ...webAssets(rng));
  for (let i = 0; i < 3; i++) files.push(minifiedBundle(rng, source, i));
  for (let i = 0; i < 2; i++) files.push(sourceMap(rng, source));
  files.push(...keysAndCertificates(rng), ...encryptedFiles(rng), ...locales(), docs(rng), ...codeReferences());
  files.push(...credentialFiles(rng, source));
  files.push(...encodedPlants(rng, source, Math.max(30, Math.round(singleLine.length * 0.8))));

  const labels: Label[] = [];
  let bytes = 0;
  const seenPaths = new Set<string>();
  for (const f of files) {
    if (seenPaths.has(f.path)) throw new Error(`corpus generator wrote ${f.path} twice`);
    seenPaths.add(f.path);
    const target = path.join(options.outDir, f.path);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, f.content);
    bytes += Buffer.byteLength(f.content);
    labels.push(...f.labels());
  }
  return { labels, files: files.length, bytes, rules, problems: factory.problems };
}
