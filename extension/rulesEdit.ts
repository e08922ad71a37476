/**
 * Adding an "always answer this method like this" rule to a rules file's text. No `vscode` import.
 */
import type { Rule, RulesFile } from '../mock-server/hooks';
import { parseRulesText } from '../mock-server/hooks';

/** Whether a rule matches by method name alone (the kind this command writes and replaces). */
function isPlainMethodRule(rule: Rule, method: string): boolean {
  return rule.method === method && rule.type === undefined && rule.app === undefined && rule.when === undefined;
}

/**
 * The rules file text with `rule` (method + answer) in force. An existing plain rule for the same method is
 * replaced in place; otherwise the rule goes before the first rule that does not name a method (type-, app-
 * or field-only rules and catch-alls), so it is not shadowed by them, and after rules for specific fields.
 * Throws RulesError when the current text is not a valid rules file: a broken file is not silently rewritten.
 */
export function withRule(text: string | undefined, rule: Rule & { method: string }): string {
  const current: RulesFile = text === undefined || text.trim() === '' ? { rules: [] } : parseRulesText(text);
  const raw = text === undefined || text.trim() === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
  const rules = [...current.rules];
  const same = rules.findIndex((r) => isPlainMethodRule(r, rule.method));
  if (same >= 0) rules[same] = rule;
  else {
    const generic = rules.findIndex((r) => r.method === undefined);
    rules.splice(generic < 0 ? rules.length : generic, 0, rule);
  }
  // Keep the file's other top-level fields ($schema, default) and their order.
  const out: Record<string, unknown> = { ...raw, rules };
  return JSON.stringify(out, null, 2) + '\n';
}
