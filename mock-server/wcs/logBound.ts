/**
 * Keeps the engine's event log bounded in bytes, not only in entries. A client can send frames of up to
 * 16 MiB (pushLogs, bug reports, or an attacker before `connection`): kept whole, 150 of them held 2 GB.
 * Each entry's values are copied with long strings cut and deep or wide structures summarised, and the log
 * counts what it keeps so the oldest entries go first once the byte bound is reached.
 */

/** The longest string kept whole in a log entry (an SDP fits many times over). */
export const MAX_LOG_STRING_CHARS = 64 * 1024;
/** What one entry may keep in all (strings and structure), so one frame never dominates the log. */
export const MAX_LOG_ENTRY_CHARS = 256 * 1024;
/** Default bound on the bytes of kept log entries. */
export const DEFAULT_LOG_MAX_BYTES = 64 * 1024 * 1024;
const MAX_DEPTH = 32;
/** Counted per object, array and number: a rough cost of the structure beyond its strings. */
const NODE_BYTES = 16;

/** A copy of `value` within the entry budget, and what it is counted at (UTF-16 code units × 2). */
export function boundValue<T>(value: T): { value: T; bytes: number } {
  let budget = MAX_LOG_ENTRY_CHARS;
  const copy = (v: unknown, depth: number): unknown => {
    if (typeof v === 'string') {
      const keep = Math.min(v.length, MAX_LOG_STRING_CHARS, Math.max(0, budget));
      budget -= keep;
      return keep === v.length ? v : `${v.slice(0, keep)}…[${v.length - keep} more characters not kept]`;
    }
    budget -= NODE_BYTES;
    if (v === null || typeof v !== 'object') return v;
    if (depth >= MAX_DEPTH || budget <= 0) return Array.isArray(v) ? '[array not kept]' : '[object not kept]';
    if (Array.isArray(v)) {
      const out: unknown[] = [];
      for (let i = 0; i < v.length; i++) {
        if (budget <= 0) {
          out.push(`…[${v.length - i} more items not kept]`);
          break;
        }
        out.push(copy(v[i], depth + 1));
      }
      return out;
    }
    const out: Record<string, unknown> = {};
    const keys = Object.keys(v);
    for (let i = 0; i < keys.length; i++) {
      if (budget <= 0) {
        out['…'] = `${keys.length - i} more fields not kept`;
        break;
      }
      const k = keys[i]!;
      budget -= k.length;
      // defineProperty: a "__proto__" key from a frame stays data.
      Object.defineProperty(out, k, { value: copy((v as Record<string, unknown>)[k], depth + 1), enumerable: true, writable: true, configurable: true });
    }
    return out;
  };
  const value2 = copy(value, 0) as T;
  return { value: value2, bytes: (MAX_LOG_ENTRY_CHARS - budget) * 2 };
}
