/**
 * `pnpm bench verify`: 1,000 findings over every provider that has a check, against the local HTTPS
 * stand-ins of the tests with injected latency (BENCH_LATENCY_MS, default 80 ms a request). A third of
 * the findings repeat a secret found elsewhere. Prints, per concurrency cap: wall time, requests made
 * (which must equal the distinct secrets) and the outcome counts. Local stand-ins: real providers answer
 * slower and rate-limit, so these are lower bounds on time.
 */
import { performance } from 'node:perf_hooks';
import { builtinRules, Detector, expandExample, Verifier, type Finding, type FetchLike } from '../../packages/engine/src/index.js';
import { startStandIns } from '../../test/verify/providers.js';

const FINDINGS = Number(process.env.BENCH_FINDINGS ?? 1000);
const LATENCY = Number(process.env.BENCH_LATENCY_MS ?? 80);
const rules = builtinRules().filter((r) => r.verify);
const standIn = await startStandIns();
const delayed: FetchLike = async (url, init) => {
  await new Promise((r) => setTimeout(r, LATENCY));
  return standIn.fetch(url, init);
};

const samples: Array<{ rule: (typeof rules)[number]; finding: Finding }> = [];
for (let i = 0; samples.length < FINDINGS; i++) {
  // Every third finding repeats the secret of the one before it: the same key found in another file.
  if (i % 3 === 2) {
    const previous = samples.at(-1)!;
    samples.push({ rule: previous.rule, finding: { ...previous.finding, path: `f${i}.env` } });
    continue;
  }
  const rule = rules[i % rules.length]!;
  const text = expandExample(rule.examples.match[0]!, `${rule.id}:bench-${i}`);
  const finding = new Detector([rule]).detect({ text, path: `f${i}.env` })[0];
  if (!finding) throw new Error(`${rule.id}: its example yields no finding`);
  if (i % 2 === 0) standIn.live.add(finding.secret);
  samples.push({ rule, finding });
}
const distinct = new Set(samples.map((s) => `${s.rule.id}\0${s.finding.secret}`)).size;
console.log(`${samples.length} findings, ${distinct} distinct secrets, ${rules.length} providers' checks, ${LATENCY} ms per request`);
for (const concurrency of [1, 8, 32]) {
  if (concurrency === 1 && samples.length > 200) {
    console.log(`concurrency 1: skipped (about ${((distinct * LATENCY) / 1000).toFixed(0)} s, serial by design)`);
    continue;
  }
  const verifier = new Verifier({ fetch: delayed, concurrency, perHostIntervalMs: 20 });
  const started = performance.now();
  await Promise.all(samples.map((s) => verifier.verify(s.rule, s.finding)));
  const seconds = (performance.now() - started) / 1000;
  const st = verifier.stats;
  console.log(
    `concurrency ${String(concurrency).padStart(2)}: ${seconds.toFixed(2)} s, ${st.requests} requests (distinct secrets ${distinct}${st.requests === distinct ? '' : ' -- MISMATCH'}), ` +
      `${st.verified} verified, ${st.invalid} invalid, ${st.unknown} unknown`,
  );
}
await standIn.close();
