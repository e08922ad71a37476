/**
 * A small JSON parser that remembers where every value starts. Node's JSON.parse reports no position on
 * Node 20, and a rules file error is only useful with the line and column of the bad field. Only used for
 * files a person wrote (rules), never on the hook hot path.
 */

export interface TextPosition {
  readonly offset: number;
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly column: number;
}

export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly position: TextPosition,
  ) {
    super(message);
    this.name = 'JsonSyntaxError';
  }
}

export interface LocatedJson {
  readonly value: unknown;
  /** Where the value at a path starts; keys are paths joined by '\u0000' ('' for the root). */
  readonly positions: ReadonlyMap<string, TextPosition>;
  /** Offset just past the value at a path (same keys), so an editor can underline the whole value. */
  readonly ends: ReadonlyMap<string, number>;
  /**
   * Keys written twice in one object: JSON.parse keeps the last silently, but the text someone typed has
   * both, and a server reading it may keep either. The path and the offsets of the repeated key's quotes.
   */
  readonly duplicates: readonly DuplicateKey[];
}

export interface DuplicateKey {
  readonly path: readonly PropertyKey[];
  readonly start: number;
  readonly end: number;
}

/** The key `positions` uses for a path like `['rules', 1, 'answer']`. */
export function pathKey(path: readonly PropertyKey[]): string {
  return path.map(String).join('\u0000');
}

export function positionAt(text: string, offset: number): TextPosition {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { offset, line, column: end - lineStart + 1 };
}

const MAX_DEPTH = 512;

export function parseJsonLocated(text: string): LocatedJson {
  const positions = new Map<string, TextPosition>();
  let i = 0;
  // Offsets are turned into line/column lazily: most files have few values, but walking the text once per
  // value would still be quadratic for a large one, so keep offsets and convert in one pass at the end.
  const offsets: [string, number][] = [];
  const ends = new Map<string, number>();
  const duplicates: DuplicateKey[] = [];

  const fail = (msg: string, at = i): never => {
    throw new JsonSyntaxError(msg, positionAt(text, at));
  };
  const ws = () => {
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 9 || c === 10 || c === 13) i++;
      else break;
    }
  };
  const describe = () => (i >= text.length ? 'end of file' : `'${text[i]}'`);

  const parseString = (): string => {
    const start = i;
    i++; // opening quote
    let out = '';
    while (true) {
      if (i >= text.length) fail('unterminated string', start);
      const c = text[i];
      if (c === '"') {
        i++;
        return out;
      }
      if (c === '\\') {
        const e = text[i + 1];
        const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        if (e !== undefined && e in simple) {
          out += simple[e];
          i += 2;
        } else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
          out += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
          i += 6;
        } else {
          fail('bad escape in string');
        }
      } else if (c.charCodeAt(0) < 0x20) {
        fail('control character in string (a line break inside quotes?)');
      } else {
        out += c;
        i++;
      }
    }
  };

  const parseValue = (path: PropertyKey[]): unknown => {
    const v = parseBare(path);
    ends.set(pathKey(path), i);
    return v;
  };

  const parseBare = (path: PropertyKey[]): unknown => {
    // The parser recurses; a hand-written file never nests this deep, a hostile or broken one must not
    // overflow the stack.
    if (path.length > MAX_DEPTH) fail(`nested more than ${MAX_DEPTH} levels deep`);
    ws();
    offsets.push([pathKey(path), i]);
    const c = text[i];
    if (c === '{') {
      i++;
      const obj: Record<string, unknown> = {};
      const seen = new Set<string>();
      ws();
      if (text[i] === '}') {
        i++;
        return obj;
      }
      while (true) {
        ws();
        if (text[i] !== '"') fail(`expected a property name in double quotes, found ${describe()}`);
        const keyStart = i;
        const key = parseString();
        if (seen.has(key)) duplicates.push({ path: [...path, key], start: keyStart, end: i });
        seen.add(key);
        ws();
        if (text[i] !== ':') fail(`expected ':' after property name "${key}", found ${describe()}`);
        i++;
        // As JSON.parse does: "__proto__" is an own property, not the object's prototype (which would hide
        // the key from validation and lend the object the value's fields).
        Object.defineProperty(obj, key, { value: parseValue([...path, key]), enumerable: true, writable: true, configurable: true });
        ws();
        if (text[i] === ',') {
          i++;
          ws();
          if (text[i] === '}') fail('trailing comma before }');
          continue;
        }
        if (text[i] === '}') {
          i++;
          return obj;
        }
        fail(`expected ',' or '}' after a property value, found ${describe()}`);
      }
    }
    if (c === '[') {
      i++;
      const arr: unknown[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return arr;
      }
      while (true) {
        arr.push(parseValue([...path, arr.length]));
        ws();
        if (text[i] === ',') {
          i++;
          ws();
          if (text[i] === ']') fail('trailing comma before ]');
          continue;
        }
        if (text[i] === ']') {
          i++;
          return arr;
        }
        fail(`expected ',' or ']' after an array element, found ${describe()}`);
      }
    }
    if (c === '"') return parseString();
    const m = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i, i + 64));
    if (m) {
      i += m[0].length;
      return Number(m[0]);
    }
    for (const [word, v] of [['true', true], ['false', false], ['null', null]] as const) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return v;
      }
    }
    return fail(`unexpected ${describe()}, expected a JSON value`);
  };

  // A UTF-8 BOM is what some editors save; it is not an error a person can see.
  if (text.charCodeAt(0) === 0xfeff) i = 1;
  const value = parseValue([]);
  ws();
  if (i < text.length) fail(`unexpected ${describe()} after the end of the JSON value`);

  // One pass over the text turns all recorded offsets into line/column.
  const sorted = offsets.map(([k, o], idx) => ({ k, o, idx })).sort((a, b) => a.o - b.o);
  let line = 1;
  let lineStart = 0;
  let pos = 0;
  for (const { k, o } of sorted) {
    for (; pos < o; pos++) {
      if (text.charCodeAt(pos) === 10) {
        line++;
        lineStart = pos + 1;
      }
    }
    positions.set(k, { offset: o, line, column: o - lineStart + 1 });
  }
  return { value, positions, ends, duplicates };
}

/** `rules[1].answer.status` from `['rules', 1, 'answer', 'status']`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out;
}

/** A bad field in a JSON file the user wrote (rules file, apps file), with where it is for `file:line:column`. */
export class LocatedFieldError extends Error {
  constructor(
    message: string,
    /** Path of the bad field, e.g. `rules[1].answer.status`; '' for the file as a whole. */
    readonly path: string,
    readonly file?: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(message);
  }
}

/**
 * Parses the text of a JSON file the user wrote, keeping positions; a syntax error becomes `make`'s error,
 * worded `file:line:column: invalid JSON: ...` (`where` words the location the way the caller's file does).
 */
export function parseJsonFile<E extends LocatedFieldError>(
  text: string,
  file: string | undefined,
  where: (line: number, column: number) => string,
  make: new (message: string, path: string, file?: string, line?: number, column?: number) => E,
): LocatedJson {
  try {
    return parseJsonLocated(text);
  } catch (err) {
    if (!(err instanceof JsonSyntaxError)) throw err;
    const { line, column } = err.position;
    throw new make(`${where(line, column)}invalid JSON: ${err.message}`, '', file, line, column);
  }
}

