/**
 * zod's issues turned into one readable line: the path of the bad field and what is wrong with it, for
 * rules files and answers given at run time alike (a zod dump never reaches a user).
 */
import type { z } from 'zod';

export { formatPath } from '../util';

export interface FlatIssue {
  path: PropertyKey[];
  message: string;
}

/**
 * zod reports a union failure as "Invalid input" with one issue list per member. Pick the member the
 * author evidently meant: an object for an object, a keyword for a string; otherwise the deepest issue.
 */
export function flattenIssue(issue: z.core.$ZodIssue, input: unknown, base: PropertyKey[] = []): FlatIssue {
  const path = [...base, ...issue.path];
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    let at: unknown = input;
    for (const p of path) at = at !== null && typeof at === 'object' ? (at as Record<PropertyKey, unknown>)[p] : undefined;
    if (typeof at === 'string' && path[path.length - 1] !== 'method') {
      return { path, message: `expected "echo", "forbid", "hold", an object {status, ...} or {forward: URL}; got "${at}"` };
    }
    const candidates = issue.errors.map((branch) => branch.map((i) => flattenIssue(i, input, path)));
    // Prefer the branch whose first problem is deepest: it got furthest before failing.
    candidates.sort((a, b) => (b[0]?.path.length ?? 0) - (a[0]?.path.length ?? 0));
    const best = candidates[0]?.[0];
    if (best) return best;
  }
  if (issue.code === 'unrecognized_keys') {
    return { path, message: `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}` };
  }
  return { path, message: issue.message };
}
