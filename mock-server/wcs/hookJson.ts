/**
 * Hook bodies as WCS writes them: Jackson's pretty printer, `"key" : value` with two-space indents
 * (PROTOCOL.md §1.2).
 *
 * Why a writer of its own: the obvious way, `JSON.stringify(body, null, 2)` and a regular expression that
 * rewrites each key's `": `, ran the text twice and cost 8 % of the load source's CPU in the keep-alive
 * scenario (docs/benchmarks.md). This writes the same bytes in one pass. Anything but plain data (a Date or
 * another object with toJSON, a class instance, a BigInt, a cycle) takes the old path, which keeps
 * JSON.stringify's own rules and errors for it.
 */

class NotPlain extends Error {}

/** Deeper than any hook body; past it the old path gives JSON.stringify's own error for a cycle. */
const MAX_DEPTH = 256;

function write(v: unknown, indent: string, depth: number): string | undefined {
  switch (typeof v) {
    case 'string':
      return JSON.stringify(v);
    case 'number':
      return Number.isFinite(v) ? String(v) : 'null';
    case 'boolean':
      return v ? 'true' : 'false';
    case 'object':
      break;
    case 'bigint':
      throw new NotPlain();
    default:
      // undefined, functions and symbols: left out of objects, null in arrays (as JSON.stringify does).
      return undefined;
  }
  if (v === null) return 'null';
  if (depth > MAX_DEPTH) throw new NotPlain();
  const inner = `${indent}  `;
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    let out = '[';
    for (let i = 0; i < v.length; i++) out += `${i ? ',' : ''}\n${inner}${write(v[i], inner, depth + 1) ?? 'null'}`;
    return `${out}\n${indent}]`;
  }
  const proto = Object.getPrototypeOf(v) as unknown;
  if ((proto !== Object.prototype && proto !== null) || typeof (v as { toJSON?: unknown }).toJSON === 'function') throw new NotPlain();
  let out = '';
  const o = v as Record<string, unknown>;
  for (const k in o) {
    if (!Object.prototype.hasOwnProperty.call(o, k)) continue;
    const value = write(o[k], inner, depth + 1);
    if (value === undefined) continue;
    out += `${out ? ',' : ''}\n${inner}${JSON.stringify(k)} : ${value}`;
  }
  return out ? `{${out}\n${indent}}` : '{}';
}

/** The text WCS would post for `body`. */
export function serializeHookBody(body: unknown): string {
  try {
    const text = write(body, '', 0);
    if (text !== undefined) return text;
  } catch (err) {
    if (!(err instanceof NotPlain)) throw err;
  }
  return jacksonByRewrite(body);
}

/**
 * The general path: only keys start a line and are followed by `": `, so the rewrite cannot touch string
 * contents.
 */
export function jacksonByRewrite(body: unknown): string {
  return JSON.stringify(body, null, 2).replace(/^(\s*"(?:[^"\\]|\\.)*"): /gm, '$1 : ');
}
