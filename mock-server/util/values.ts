/**
 * Reading fields out of JSON bodies nobody promised the shape of (hooks pass unknown fields through, and
 * wrong types must not throw). Shared by the catalog, the WCS mock, the session model and the tree.
 */

/** A JSON object (not null, not an array). */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** The value when it is an object, else an empty one, so field reads never throw. */
export function recordOr(v: unknown): Record<string, unknown> {
  return isRecord(v) ? v : {};
}

/** The value when it is a non-empty string. */
export function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}
