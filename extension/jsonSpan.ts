/**
 * Where to underline in a JSON text a person wrote: the whole value that starts at a position, or the word at
 * a syntax error. No `vscode` import.
 */
import { parseJsonLocated } from '../mock-server/util';

/** The offset of a 1-based line and column. */
export function offsetOf(text: string, line: number, column: number): number {
  let offset = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf('\n', offset);
    if (nl < 0) return text.length;
    offset = nl + 1;
  }
  return Math.min(text.length, offset + Math.max(0, column - 1));
}

/** The word or character at `at` (a syntax error), so the underline is visible. */
export function tokenEnd(text: string, at: number): number {
  const m = /^[^\s,:{}[\]"]+/.exec(text.slice(at, at + 64));
  return Math.min(text.length, at + (m ? m[0].length : 1));
}

/**
 * The span to underline for a problem reported at `at`: the JSON value starting there when the text parses
 * (a bad field's value), else the token there.
 */
export function spanAt(text: string, at: number): { start: number; end: number } {
  try {
    const j = parseJsonLocated(text);
    for (const [k, pos] of j.positions) {
      if (pos.offset !== at) continue;
      const end = j.ends.get(k) ?? tokenEnd(text, at);
      // An object or array over many lines (a missing field is reported on it): its first line is enough.
      const nl = text.indexOf('\n', at);
      return { start: at, end: nl >= 0 && nl < end ? nl : end };
    }
  } catch {
    // Not JSON: the problem is the syntax error itself.
  }
  return { start: at, end: tokenEnd(text, at) };
}

/** 0-based line and character of an offset, as an editor position counts them. */
export function lineCharacterAt(text: string, offset: number): { line: number; character: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  return { line, character: offset - (before.lastIndexOf('\n') + 1) };
}
