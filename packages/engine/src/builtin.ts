import { builtinRuleFiles } from './generated/builtin-rules.js';
import { loadRuleDocuments } from './rules.js';
import type { Rule } from './types.js';

let cached: Rule[] | undefined;

/**
 * The rules shipped in rules/*.yaml, embedded already parsed to spare start-up a YAML parse. Every field
 * is checked here; the patterns were checked by the tests that load rules/ itself (see LoadOptions), and
 * each is compiled when a scan first needs it.
 */
export function builtinRules(): Rule[] {
  cached ??= loadRuleDocuments(builtinRuleFiles, { checkPatterns: false });
  return cached;
}
