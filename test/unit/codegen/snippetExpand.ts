/**
 * What VS Code inserts for a snippet body when the user accepts every default: a small reading of the
 * snippet grammar (tab stops, placeholders, choices, variables, escapes). Written independently of the
 * generator's escaping so that a missing escape shows up as wrong inserted text.
 *
 * Unknown variables (`$body`, `${name}`) are inserted as their name, as VS Code does: an unescaped PHP
 * `$body` therefore comes out as `body`.
 */
type Node =
  | { kind: 'text'; text: string }
  | { kind: 'tabstop'; n: number; children?: Node[] }
  | { kind: 'choice'; n: number; options: string[] }
  | { kind: 'variable'; name: string; children?: Node[] };

class Reader {
  i = 0;
  constructor(readonly s: string) {}
  peek(k = 0): string | undefined {
    return this.s[this.i + k];
  }
  fail(msg: string): never {
    throw new Error(`snippet syntax: ${msg} at ${this.i} in ${JSON.stringify(this.s)}`);
  }
}

/** Parses until `stop` (unescaped) or the end; `inPlaceholder` makes `}` special. */
function parseSeq(r: Reader, inPlaceholder: boolean): Node[] {
  const nodes: Node[] = [];
  let text = '';
  const flush = () => {
    if (text) nodes.push({ kind: 'text', text });
    text = '';
  };
  while (r.i < r.s.length) {
    const c = r.s[r.i]!;
    if (c === '\\') {
      const next = r.peek(1);
      if (next === '$' || next === '\\' || next === '}') {
        text += next;
        r.i += 2;
      } else {
        text += c;
        r.i += 1;
      }
      continue;
    }
    if (c === '}' && inPlaceholder) break;
    if (c === '$') {
      const node = parseDollar(r);
      if (node) {
        flush();
        nodes.push(node);
        continue;
      }
      text += '$';
      r.i += 1;
      continue;
    }
    text += c;
    r.i += 1;
  }
  flush();
  return nodes;
}

function parseDollar(r: Reader): Node | undefined {
  const rest = r.s.slice(r.i + 1);
  let m = /^(\d+)/.exec(rest);
  if (m) {
    r.i += 1 + m[1]!.length;
    return { kind: 'tabstop', n: Number(m[1]) };
  }
  m = /^([A-Za-z_][A-Za-z0-9_]*)/.exec(rest);
  if (m) {
    r.i += 1 + m[1]!.length;
    return { kind: 'variable', name: m[1]! };
  }
  if (!rest.startsWith('{')) return undefined;
  m = /^\{(\d+|[A-Za-z_][A-Za-z0-9_]*)/.exec(rest);
  if (!m) return undefined;
  const id = m[1]!;
  const numeric = /^\d+$/.test(id);
  r.i += 1 + m[0].length;
  const c = r.peek();
  if (c === '}') {
    r.i += 1;
    return numeric ? { kind: 'tabstop', n: Number(id) } : { kind: 'variable', name: id };
  }
  if (c === ':') {
    r.i += 1;
    const children = parseSeq(r, true);
    if (r.peek() !== '}') r.fail('unclosed placeholder');
    r.i += 1;
    return numeric ? { kind: 'tabstop', n: Number(id), children } : { kind: 'variable', name: id, children };
  }
  if (c === '|' && numeric) {
    r.i += 1;
    const options: string[] = [];
    let cur = '';
    for (;;) {
      const ch = r.peek();
      if (ch === undefined) r.fail('unclosed choice');
      if (ch === '\\' && [',', '|', '\\', '$', '}'].includes(r.peek(1) ?? '')) {
        cur += r.peek(1);
        r.i += 2;
      } else if (ch === ',') {
        options.push(cur);
        cur = '';
        r.i += 1;
      } else if (ch === '|' && r.peek(1) === '}') {
        options.push(cur);
        r.i += 2;
        return { kind: 'choice', n: Number(id), options };
      } else {
        cur += ch;
        r.i += 1;
      }
    }
  }
  r.fail(`unexpected ${JSON.stringify(c)} after \${${id}`);
}

function defaults(nodes: Node[], acc: Map<number, Node[] | string>): void {
  for (const n of nodes) {
    if (n.kind === 'tabstop' && n.children && !acc.has(n.n)) acc.set(n.n, n.children);
    if (n.kind === 'choice' && !acc.has(n.n)) acc.set(n.n, n.options[0] ?? '');
    if ((n.kind === 'tabstop' || n.kind === 'variable') && n.children) defaults(n.children, acc);
  }
}

function render(nodes: Node[], acc: Map<number, Node[] | string>): string {
  return nodes
    .map((n) => {
      switch (n.kind) {
        case 'text':
          return n.text;
        case 'choice':
          return n.options[0] ?? '';
        case 'tabstop': {
          const d = n.children ?? acc.get(n.n);
          return d === undefined ? '' : typeof d === 'string' ? d : render(d, acc);
        }
        case 'variable':
          return n.children ? render(n.children, acc) : n.name;
      }
    })
    .join('');
}

/** The text inserted for `body` (snippet lines) with every default accepted. */
export function expandSnippet(body: readonly string[]): string {
  const nodes = parseSeq(new Reader(body.join('\n')), false);
  const acc = new Map<number, Node[] | string>();
  defaults(nodes, acc);
  return render(nodes, acc);
}

/** The options of every choice in the body, by tab stop number. */
export function snippetChoices(body: readonly string[]): Map<number, string[]> {
  const out = new Map<number, string[]>();
  const walk = (nodes: Node[]) => {
    for (const n of nodes) {
      if (n.kind === 'choice') out.set(n.n, n.options);
      if ((n.kind === 'tabstop' || n.kind === 'variable') && n.children) walk(n.children);
    }
  };
  walk(parseSeq(new Reader(body.join('\n')), false));
  return out;
}
