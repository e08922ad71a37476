/**
 * Text helpers shared by the stub generators: comment-safe text, word wrapping and literals for the
 * four target languages. Generated code embeds values a developer typed (reasons, field values,
 * method names), so every value goes through one of these and never into a template raw.
 */

/**
 * One line of comment text: line terminators (including U+2028/2029 and NEL, which end a `//` comment
 * in JavaScript) and other control characters become spaces, so a value can never escape its comment.
 */
export function commentSafe(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f\u0085\u2028\u2029]/g, ' ');
}

/** Greedy word wrap; a word longer than `width` stays whole on its own line. */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of commentSafe(text).split(/ +/).filter((w) => w.length > 0)) {
    if (line.length > 0 && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line.length > 0 ? `${line} ${word}` : word;
    }
  }
  if (line.length > 0) lines.push(line);
  return lines;
}

/**
 * Comment block: each paragraph wrapped, `prefix` before each line (blank paragraphs become bare
 * prefixes). Lines starting with two spaces are kept as they are (commands, examples).
 */
export function commentBlock(paragraphs: readonly string[], prefix: string, width = 100): string[] {
  const out: string[] = [];
  for (const p of paragraphs) {
    if (p === '') out.push(prefix.trimEnd());
    else if (p.startsWith('  ')) out.push(prefix + commentSafe(p));
    else for (const l of wrap(p, width - prefix.length)) out.push(prefix + l);
  }
  return out;
}

/** A JSON value that the generators can write as a literal in any target language. */
export type Literal = string | number | boolean | null | readonly Literal[] | { readonly [key: string]: Literal };

/**
 * Double-quoted literal valid in JavaScript, TypeScript and Python (JSON escapes are a subset of both).
 * U+2028/2029 are escaped too: legal inside strings, but editors show them as line breaks.
 */
export function quoted(s: string): string {
  return JSON.stringify(s).replace(/[\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`);
}

/**
 * PHP literal. Single-quoted when possible (only `\` and `'` are special, so `$` stays literal);
 * double-quoted with escapes when the text holds control characters, which a single-quoted string
 * would carry raw across lines.
 */
export function phpQuoted(s: string): string {
  if (!/[\u0000-\u001f\u007f\u2028\u2029]/.test(s)) return `'${s.replace(/[\\']/g, (c) => `\\${c}`)}'`;
  const escaped = s.replace(/[\\"$\u0000-\u001f\u007f\u2028\u2029]/g, (c) => {
    const named: Record<string, string> = { '\\': '\\\\', '"': '\\"', $: '\\$', '\n': '\\n', '\r': '\\r', '\t': '\\t' };
    return named[c] ?? `\\u{${c.charCodeAt(0).toString(16)}}`;
  });
  return `"${escaped}"`;
}

function finite(n: number): string {
  if (!Number.isFinite(n)) throw new Error(`${n} cannot be written as a JSON number`);
  return JSON.stringify(n);
}

const JS_IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** A JavaScript property key: bare when it is an identifier, quoted otherwise. */
export function jsKey(key: string): string {
  return JS_IDENT.test(key) && key !== '__proto__' ? key : quoted(key);
}

/** `body.field` or `body["odd-field"]`. */
export function jsMember(object: string, key: string): string {
  return JS_IDENT.test(key) ? `${object}.${key}` : `${object}[${quoted(key)}]`;
}

function isRecord(v: Literal): v is { readonly [key: string]: Literal } {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

type Style = {
  str(s: string): string;
  bool(b: boolean): string;
  nil: string;
  list(items: string[], indent: string, inner: string): string;
  record(entries: [string, string][], indent: string, inner: string): string;
};

function render(v: Literal, style: Style, indent: string, unit: string): string {
  const inner = indent + unit;
  if (v === null) return style.nil;
  if (typeof v === 'string') return style.str(v);
  if (typeof v === 'number') return finite(v);
  if (typeof v === 'boolean') return style.bool(v);
  if (Array.isArray(v)) {
    const items = v.map((x) => render(x, style, inner, unit));
    // Short lists of scalars read better on one line (mediaProviders, codec lists).
    const flat = v.every((x) => x === null || typeof x !== 'object') && items.join(', ').length <= 60;
    return flat ? `[${items.join(', ')}]` : style.list(items, indent, inner);
  }
  if (isRecord(v)) {
    return style.record(Object.entries(v).map(([k, x]) => [k, render(x, style, inner, unit)]), indent, inner);
  }
  throw new Error(`unsupported value in generated code: ${typeof v}`);
}

function multiline(open: string, close: string, items: string[], indent: string, inner: string): string {
  if (items.length === 0) return `${open}${close}`;
  return `${open}\n${items.map((i) => `${inner}${i},`).join('\n')}\n${indent}${close}`;
}

const JS_STYLE: Style = {
  str: quoted,
  bool: String,
  nil: 'null',
  list: (items, indent, inner) => multiline('[', ']', items, indent, inner),
  record: (entries, indent, inner) =>
    multiline('{', '}', entries.map(([k, v]) => `${jsKey(k)}: ${v}`), indent, inner),
};

const PY_STYLE: Style = {
  str: quoted,
  bool: (b) => (b ? 'True' : 'False'),
  nil: 'None',
  list: (items, indent, inner) => multiline('[', ']', items, indent, inner),
  record: (entries, indent, inner) =>
    multiline('{', '}', entries.map(([k, v]) => `${quoted(k)}: ${v}`), indent, inner),
};

// JSON objects become stdClass so that `{}` stays `{}` when json_encode writes it back (an empty
// PHP array would come out as `[]`).
const PHP_STYLE: Style = {
  str: phpQuoted,
  bool: String,
  nil: 'null',
  list: (items, indent, inner) => multiline('[', ']', items, indent, inner),
  record: (entries, indent, inner) =>
    `(object) ${multiline('[', ']', entries.map(([k, v]) => `${phpQuoted(k)} => ${v}`), indent, inner)}`,
};

/** Literals continue on lines indented from `indent`, in each language's usual step. */
export const jsLiteral = (v: Literal, indent = ''): string => render(v, JS_STYLE, indent, '  ');
export const pyLiteral = (v: Literal, indent = ''): string => render(v, PY_STYLE, indent, '    ');
export const phpLiteral = (v: Literal, indent = ''): string => render(v, PHP_STYLE, indent, '    ');
