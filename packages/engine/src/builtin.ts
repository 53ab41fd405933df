import { builtinRuleFiles } from './generated/builtin-rules.js';
import { loadRuleSources } from './rules.js';
import type { Rule } from './types.js';

let cached: Rule[] | undefined;

/** The rules shipped in rules/*.yaml, parsed once. */
export function builtinRules(): Rule[] {
  cached ??= loadRuleSources(builtinRuleFiles);
  return cached;
}
