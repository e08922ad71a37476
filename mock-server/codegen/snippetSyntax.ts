/**
 * Building VS Code snippet bodies without escaping mistakes. In snippet syntax `$` starts a tabstop or a
 * variable and `\` escapes, so PHP's `$body`, a JS template literal or a regex would be mangled unless
 * escaped; inside a placeholder `}` must be escaped too. Literal text goes through `snippet`…`` and
 * only the helpers below produce syntax.
 */

/** Snippet syntax, already escaped; produced only by the helpers in this module. */
export class SnippetSyntax {
  constructor(readonly text: string) {}
}

/** Escapes literal text for a snippet body, outside placeholders (where `}` is plain text). */
export function escapeSnippetText(text: string): string {
  return text.replace(/[\\$]/g, (c) => `\\${c}`);
}

/** Escapes literal text for the default of a placeholder, where an unescaped `}` would close it. */
export function escapePlaceholderText(text: string): string {
  return text.replace(/[\\$}]/g, (c) => `\\${c}`);
}

/** `${n:default}`: a tab stop pre-filled with literal text. Repeating `n` elsewhere mirrors it. */
export function placeholder(n: number, text: string): SnippetSyntax {
  return new SnippetSyntax(`\${${n}:${escapePlaceholderText(text)}}`);
}

/** `$n`: an empty tab stop, or a mirror of placeholder `n`. */
export function tabstop(n: number): SnippetSyntax {
  return new SnippetSyntax(`\${${n}}`);
}

/** `${n|a,b|}`: a tab stop offering a fixed list; the first option is inserted. */
export function choice(n: number, options: readonly string[]): SnippetSyntax {
  if (options.length === 0) throw new Error('a snippet choice needs at least one option');
  return new SnippetSyntax(`\${${n}|${options.map((o) => o.replace(/[\\$},|]/g, (c) => `\\${c}`)).join(',')}|}`);
}

/**
 * Tagged template: the literal parts and interpolated strings are escaped, SnippetSyntax values are
 * inserted as they are. Returns the body as lines, the form VS Code snippet files use.
 */
export function snippet(strings: TemplateStringsArray, ...values: (string | SnippetSyntax)[]): string[] {
  let out = '';
  strings.forEach((s, i) => {
    out += escapeSnippetText(s);
    if (i < values.length) {
      const v = values[i]!;
      out += v instanceof SnippetSyntax ? v.text : escapeSnippetText(v);
    }
  });
  return out.replace(/^\n/, '').replace(/\n$/, '').split('\n');
}

/** Literal lines (for example pretty-printed JSON) as snippet lines. */
export function literalLines(text: string): string[] {
  return text.split('\n').map(escapeSnippetText);
}
