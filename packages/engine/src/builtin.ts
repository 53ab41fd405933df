import { builtinRuleFiles } from './generated/builtin-rules.js';
import { loadRuleDocuments } from './rules.js';
import type { Rule } from './types.js';

let cached: Rule[] | undefined;

/** The rules shipped in rules/*.yaml (embedded already parsed, to spare start-up a YAML parse), checked once. */
export function builtinRules(): Rule[] {
  cached ??= loadRuleDocuments(builtinRuleFiles);
  return cached;
}
