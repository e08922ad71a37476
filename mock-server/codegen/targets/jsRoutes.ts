/** The route table shared by the JavaScript and TypeScript stubs (they differ only in types and server). */
import { commentBlock, jsKey, jsLiteral, jsMember, quoted } from '../text';
import { renderReply, type Reply, type ReplySyntax, type Route, type StubPlan } from '../plan';

const SYNTAX: ReplySyntax = {
  echo: 'echo(raw)',
  body: 'body',
  quote: quoted,
  literal: jsLiteral,
  connectConfig: 'merged(200, body, { restClientConfig: REST_CLIENT_CONFIG })',
};

function replyExpr(r: Reply, indent: string): string {
  return renderReply(r, indent, SYNTAX);
}

function routeLines(route: Route, ts: boolean): string[] {
  const out = commentBlock(route.about, '  // ');
  const params = ts ? '(body: Body, raw: Buffer): Reply' : '(body, raw)';
  out.push(`  ${jsKey(route.method)}${params} {`);
  for (const b of route.branches) {
    out.push(...commentBlock(b.comment, '    // '));
    if (b.conditions.length === 0) {
      out.push(`    return ${replyExpr(b.reply, '    ')};`);
      continue;
    }
    const test = b.conditions.map(([f, v]) => `${jsMember('body', f)} === ${jsLiteral(v)}`).join(' && ');
    out.push(`    if (${test}) {`, `      return ${replyExpr(b.reply, '      ')};`, '    }');
  }
  if (route.fallback) out.push(`    return ${replyExpr(route.fallback, '    ')};`);
  out.push('  },');
  return out;
}

/** `const REST_CLIENT_CONFIG = …` (when set) and `const routes = {…};`. */
export function jsRouteTable(plan: StubPlan, ts: boolean): string[] {
  const out: string[] = [];
  if (plan.connectConfig) {
    out.push(
      '// Returned in the connect answer; it governs every later hook of the session (restOnError, restPolicy, ...).',
      `const REST_CLIENT_CONFIG = ${jsLiteral(plan.connectConfig as never)};`,
      '',
    );
  }
  out.push('// One handler per hook method (the last path segment of the request URL).');
  const decl = ts ? 'const routes: Record<string, Handler> = {' : 'const routes = {';
  if (plan.routes.length === 0) {
    out.push(`${decl}};`);
    return out;
  }
  out.push(decl);
  plan.routes.forEach((r, i) => {
    if (i > 0) out.push('');
    out.push(...routeLines(r, ts));
  });
  out.push('};');
  return out;
}

/**
 * The part of a request handler both JavaScript stubs share once they hold the raw body: refuse what is not a
 * JSON object (400), route on the last path segment, echo unrouted methods, and turn a throwing route into 500.
 */
export function parseAndDispatchLines(o: { ts: boolean; indent: string; path: string }): string[] {
  const i = o.indent;
  const message = o.ts ? '(err as Error).message' : 'err.message';
  return [
    `${i}let body${o.ts ? ': unknown' : ''};`,
    `${i}try {`,
    `${i}  body = JSON.parse(raw.toString('utf8'));`,
    `${i}} catch (err) {`,
    `${i}  plain(res, 400, \`the body is not JSON: \${${message}}\`);`,
    `${i}  return;`,
    `${i}}`,
    `${i}if (body === null || typeof body !== 'object' || Array.isArray(body)) {`,
    `${i}  plain(res, 400, 'the body is not a JSON object');`,
    `${i}  return;`,
    `${i}}`,
    `${i}const method = methodOf(${o.path});`,
    `${i}try {`,
    `${i}  send(res, Object.hasOwn(routes, method) ? routes[method](body${o.ts ? ' as Body' : ''}, raw) : echo(raw));`,
    `${i}} catch (err) {`,
    `${i}  plain(res, 500, \`handler for \${method} failed: \${${o.ts ? message : 'err && err.message'}}\`);`,
    `${i}}`,
  ];
}
