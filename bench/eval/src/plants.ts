// Planted credentials come from each rule's own `examples.match` templates, expanded with fresh seeds,
// so every provider that has a rule is covered the moment its rule file lands. The rule itself is
// used only to cut the secret out of the expanded example (which part of `KEY=value` is the value).
import { Detector, expandExample, type Rule, type SeededRandom } from '../../../packages/engine/src/index.js';

export interface Plant {
  rule: Rule;
  /** The credential itself, exactly as the rule's secret group captures it. */
  secret: string;
  /** The whole expanded example, for formats that only exist with their surroundings (multi-line, file scope). */
  example: string;
  /** Offset of `secret` inside `example`. */
  offset: number;
  /** True when the secret cannot be lifted out of its example and planted on its own. */
  verbatim: boolean;
  /** True when the rule finds the secret only in its example's surroundings (a URL, a pair, a file format), not as `NAME=value`. */
  contextBound: boolean;
  /** True when the rule finds the secret with no name beside it (a prefixed format such as `ghp_…`). */
  standalone: boolean;
  /** Name words for the variable that holds it, e.g. ["aws", "secret", "access", "key"]. */
  words: string[];
}

export interface PlantProblem {
  ruleId: string;
  reason: string;
}

const KIND_NOISE = new Set(['pair', 'legacy', 'classic']);

/** Variable-name words for a rule: its id, which already reads `<provider>-<kind>`. */
export function nameWords(rule: Rule): string[] {
  const words = rule.id.split('-').filter((w) => !KIND_NOISE.has(w));
  return words.map((w) => (/^[0-9]/.test(w) ? w.replace(/^1/, 'one') : w));
}

function offsetOf(text: string, line: number, column: number): number {
  let offset = 0;
  for (let i = 1; i < line; i++) offset = text.indexOf('\n', offset) + 1;
  return offset + column - 1;
}

export class PlantFactory {
  private readonly detectors = new Map<string, Detector>();
  readonly problems: PlantProblem[] = [];

  constructor(private readonly seedPrefix: string) {}

  private detectorFor(rule: Rule): Detector {
    let d = this.detectors.get(rule.id);
    if (!d) {
      d = new Detector([rule], { regexBackend: 're2js' });
      this.detectors.set(rule.id, d);
    }
    return d;
  }

  /** A fresh credential for `rule`, or undefined (recorded in `problems`) when no example yields one. */
  plant(rule: Rule, n: number, rng: SeededRandom): Plant | undefined {
    const templates = rule.examples.match;
    const first = rng.int(templates.length);
    for (let k = 0; k < templates.length; k++) {
      const template = templates[(first + k) % templates.length]!;
      let example: string;
      try {
        example = expandExample(template, `${this.seedPrefix}:${rule.id}:${n}:${k}`);
      } catch (error) {
        this.problems.push({ ruleId: rule.id, reason: `example does not expand: ${(error as Error).message}` });
        continue;
      }
      const found = this.detectorFor(rule)
        .detect({ text: example, path: 'eval/example.txt' })
        .find((f) => f.ruleId === rule.id);
      if (!found) continue;
      const offset = offsetOf(example, found.startLine, found.startColumn);
      const secret = found.secret;
      const verbatim = rule.scope === 'file' || /[\r\n]/.test(secret);
      const words = nameWords(rule);
      const detector = this.detectorFor(rule);
      const named = [`${words.join('_').toUpperCase()}=${secret}`, `${words.join('_')}: "${secret}"`];
      const contextBound = !verbatim && !named.some((text) => detector.detect({ text, path: 'eval/probe.txt' }).some((f) => f.ruleId === rule.id));
      const standalone = !verbatim && detector.detect({ text: `x("${secret}")`, path: 'eval/probe.txt' }).some((f) => f.ruleId === rule.id);
      return { rule, secret, example, offset, verbatim, contextBound, standalone, words };
    }
    if (!this.problems.some((p) => p.ruleId === rule.id)) {
      this.problems.push({ ruleId: rule.id, reason: 'no examples.match template yields a finding of the rule' });
    }
    return undefined;
  }
}
