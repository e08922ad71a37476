/** Which exchanges a filtered view shows. */
import type { AnyHookType } from '../protocol';
import type { Exchange } from '../hooks';
import type { ModelFilter } from './nodes';

/** The filter as the view keeps it: empty parts left out, text trimmed and lower-cased. */
export function normalizeFilter(filter: ModelFilter): ModelFilter {
  const text = filter.text?.trim().toLowerCase();
  return {
    ...(filter.heldOnly ? { heldOnly: true } : {}),
    ...(filter.types && filter.types.length > 0 ? { types: [...filter.types] } : {}),
    ...(text ? { text } : {}),
  };
}

export function isFiltering(f: ModelFilter): boolean {
  return !!(f.heldOnly || f.types || f.text);
}

/** The lower-cased text a text filter searches: method, app, type, key fields, raw body and answer body. */
export function haystackOf(ex: Exchange): string {
  const k = ex.keys;
  return [ex.method, ex.app, ex.type, k.sessionId, k.callId, k.mediaSessionId, k.name, ex.rawBody, ex.answer?.body]
    .filter(Boolean)
    .join('\n')
    .toLowerCase();
}

/** What the filter needs to know about one exchange; the haystack is read only under a text filter. */
export interface Filterable {
  /** Still waiting for an answer. */
  readonly pending: boolean;
  readonly type: AnyHookType;
  haystack(): string;
}

export function matchesFilter(f: ModelFilter, e: Filterable, ignoreHeld: boolean): boolean {
  if (f.heldOnly && !ignoreHeld && !e.pending) return false;
  if (f.types && !f.types.includes(e.type)) return false;
  if (f.text && !e.haystack().includes(f.text)) return false;
  return true;
}

/** Merges two lists each already in arrival order into one. */
export function mergeBySeq<T extends { readonly seq: number }>(a: readonly T[], b: readonly T[]): T[] {
  if (a.length === 0) return b.slice();
  if (b.length === 0) return a.slice();
  const out: T[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) out.push(a[i]!.seq <= b[j]!.seq ? a[i++]! : b[j++]!);
  while (i < a.length) out.push(a[i++]!);
  while (j < b.length) out.push(b[j++]!);
  return out;
}
