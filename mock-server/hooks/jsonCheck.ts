/**
 * Whether bytes are one valid JSON text, as `JSON.parse(bytes.toString('utf8'))` would decide, without
 * building anything. The server must refuse malformed bodies (400) but an auto-echoed hook never needs its
 * parsed tree; building it anyway was the largest single cost of the echo path and all of it garbage.
 * Agreement with JSON.parse is checked by a property test over random and mutated inputs.
 *
 * Bytes >= 0x80 are only legal inside strings: there the UTF-8 decoder turns even invalid sequences into
 * characters (U+FFFD) that JSON.parse accepts, and outside strings no non-ASCII character is JSON.
 */

const OBJ = 1;
const ARR = 2;

let stack = new Uint8Array(256);

function isWs(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

/** Index after the string starting at `i` (a quote), or -1. */
function skipString(b: Uint8Array, i: number): number {
  const n = b.length;
  i++;
  while (i < n) {
    const c = b[i]!;
    if (c === 0x22) return i + 1;
    if (c === 0x5c) {
      const e = b[i + 1];
      if (e === 0x22 || e === 0x5c || e === 0x2f || e === 0x62 || e === 0x66 || e === 0x6e || e === 0x72 || e === 0x74) {
        i += 2;
      } else if (e === 0x75) {
        if (i + 5 >= n || !isHex(b[i + 2]!) || !isHex(b[i + 3]!) || !isHex(b[i + 4]!) || !isHex(b[i + 5]!)) return -1;
        i += 6;
      } else {
        return -1;
      }
    } else if (c < 0x20) {
      return -1;
    } else {
      i++;
    }
  }
  return -1;
}

/** Index after the number starting at `i`, or -1. */
function skipNumber(b: Uint8Array, i: number): number {
  const n = b.length;
  if (b[i] === 0x2d) i++;
  if (i >= n) return -1;
  if (b[i] === 0x30) i++;
  else if (b[i]! >= 0x31 && b[i]! <= 0x39) {
    i++;
    while (i < n && isDigit(b[i]!)) i++;
  } else return -1;
  if (i < n && b[i] === 0x2e) {
    i++;
    if (i >= n || !isDigit(b[i]!)) return -1;
    while (i < n && isDigit(b[i]!)) i++;
  }
  if (i < n && (b[i] === 0x65 || b[i] === 0x45)) {
    i++;
    if (i < n && (b[i] === 0x2b || b[i] === 0x2d)) i++;
    if (i >= n || !isDigit(b[i]!)) return -1;
    while (i < n && isDigit(b[i]!)) i++;
  }
  return i;
}

function literal(b: Uint8Array, i: number, word: readonly number[]): number {
  for (let k = 0; k < word.length; k++) if (b[i + k] !== word[k]) return -1;
  return i + word.length;
}

const TRUE = [0x74, 0x72, 0x75, 0x65];
const FALSE = [0x66, 0x61, 0x6c, 0x73, 0x65];
const NULL = [0x6e, 0x75, 0x6c, 0x6c];

export function isJson(b: Uint8Array): boolean {
  const n = b.length;
  let i = 0;
  let sp = 0;
  // Iterative, with an explicit stack of open containers: JSON.parse accepts any depth, so must this.
  for (;;) {
    // A value is expected.
    while (i < n && isWs(b[i]!)) i++;
    if (i >= n) return false;
    const c = b[i]!;
    if (c === 0x7b || c === 0x5b) {
      i++;
      while (i < n && isWs(b[i]!)) i++;
      if (b[i] === (c === 0x7b ? 0x7d : 0x5d)) {
        i++;
      } else {
        if (sp === stack.length) {
          const bigger = new Uint8Array(stack.length * 2);
          bigger.set(stack);
          stack = bigger;
        }
        stack[sp++] = c === 0x7b ? OBJ : ARR;
        if (c === 0x7b) {
          // The first key.
          if (b[i] !== 0x22 || (i = skipString(b, i)) < 0) return false;
          while (i < n && isWs(b[i]!)) i++;
          if (b[i] !== 0x3a) return false;
          i++;
        }
        continue;
      }
    } else if (c === 0x22) {
      if ((i = skipString(b, i)) < 0) return false;
    } else if (c === 0x2d || isDigit(c)) {
      if ((i = skipNumber(b, i)) < 0) return false;
    } else if (c === 0x74) {
      if ((i = literal(b, i, TRUE)) < 0) return false;
    } else if (c === 0x66) {
      if ((i = literal(b, i, FALSE)) < 0) return false;
    } else if (c === 0x6e) {
      if ((i = literal(b, i, NULL)) < 0) return false;
    } else {
      return false;
    }
    // After a value: close containers, or a comma and the next value.
    for (;;) {
      while (i < n && isWs(b[i]!)) i++;
      if (sp === 0) return i === n;
      const top = stack[sp - 1];
      const d = b[i];
      if (d === 0x2c) {
        i++;
        if (top === OBJ) {
          while (i < n && isWs(b[i]!)) i++;
          if (b[i] !== 0x22 || (i = skipString(b, i)) < 0) return false;
          while (i < n && isWs(b[i]!)) i++;
          if (b[i] !== 0x3a) return false;
          i++;
        }
        break;
      }
      if ((top === OBJ && d === 0x7d) || (top === ARR && d === 0x5d)) {
        i++;
        sp--;
        continue;
      }
      return false;
    }
  }
}

/** What JSON.parse says is wrong with a body `isJson` refused (one line, for the exchange's error). */
export function jsonSyntaxProblem(raw: Buffer): string {
  try {
    JSON.parse(raw.toString('utf8'));
  } catch (err) {
    return (err as Error).message;
  }
  return 'not JSON';
}
