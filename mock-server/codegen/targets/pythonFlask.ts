/**
 * Python on Flask (Debian: python3-flask). The server is werkzeug's make_server rather than app.run so
 * that PORT=0 works and the real port can be printed.
 */
import { commentBlock, pyLiteral, quoted } from '../text';
import { headerParagraphs, renderReply, type Reply, type ReplySyntax, type Route, type StubPlan } from '../plan';

export const PY_RUN_HINT = 'PORT=3000 python3 app.py';

const SYNTAX: ReplySyntax = {
  echo: 'echo(raw)',
  body: 'body',
  quote: quoted,
  literal: pyLiteral,
  connectConfig: 'merged(200, body, {"restClientConfig": REST_CLIENT_CONFIG})',
};

function replyExpr(r: Reply, indent: string): string {
  return renderReply(r, indent, SYNTAX);
}

function routeLines(route: Route): string[] {
  const out = commentBlock(route.about, '# ');
  out.push(`def ${route.ident}(body, raw):`);
  for (const b of route.branches) {
    out.push(...commentBlock(b.comment, '    # '));
    if (b.conditions.length === 0) {
      out.push(`    return ${replyExpr(b.reply, '    ')}`);
      continue;
    }
    const test = b.conditions.map(([f, v]) => `field_is(body, ${quoted(f)}, ${pyLiteral(v)})`).join(' and ');
    out.push(`    if ${test}:`, `        return ${replyExpr(b.reply, '        ')}`);
  }
  if (route.fallback) out.push(`    return ${replyExpr(route.fallback, '    ')}`);
  return out;
}

export function renderPythonFlask(plan: StubPlan, label: string): string {
  const config = plan.connectConfig
    ? [
        '# Returned in the connect answer; it governs every later hook of the session (restOnError, restPolicy, ...).',
        `REST_CLIENT_CONFIG = ${pyLiteral(plan.connectConfig as never)}`,
        '',
        '',
      ]
    : [];
  const routes = plan.routes.flatMap((r) => [...routeLines(r), '', '']);
  const table = plan.routes.length === 0
    ? ['ROUTES = {}']
    : ['ROUTES = {', ...plan.routes.map((r) => `    ${quoted(r.method)}: ${r.ident},`), '}'];
  return [
    ...commentBlock(headerParagraphs(plan, label, PY_RUN_HINT), '# '),
    'import json',
    'import os',
    'import sys',
    '',
    'from flask import Flask, Response, request',
    'from werkzeug.serving import make_server',
    '',
    'app = Flask(__name__)',
    '',
    '',
    '# Answers. WCS wants its own body back on 200 (echo); a decline that the client should see carries',
    '# exactly {"status":403,"reason":"..."}, or WCS falls back to "Forbidden".',
    'def echo(raw):',
    '    return 200, raw',
    '',
    '',
    'def reason(status, text):',
    '    return status, to_json({"status": status, "reason": text})',
    '',
    '',
    'def merged(status, body, fields):',
    '    return status, to_json({**body, **fields})',
    '',
    '',
    'def reply(status, text):',
    '    return status, text',
    '',
    '',
    'def to_json(value):',
    '    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)',
    '',
    '',
    '# A top-level field equals a value: types compared strictly (True is not 1), 5 and 5.0 are the same number.',
    'def field_is(body, name, expected):',
    '    if name not in body:',
    '        return False',
    '    actual = body[name]',
    '    if isinstance(actual, bool) or isinstance(expected, bool) or actual is None or expected is None:',
    '        return actual is expected',
    '    if isinstance(actual, (int, float)) and isinstance(expected, (int, float)):',
    '        return actual == expected',
    '    return type(actual) is type(expected) and actual == expected',
    '',
    '',
    ...config,
    ...routes,
    '# One handler per hook method (the last path segment of the request URL).',
    ...table,
    '',
    '',
    'def plain(status, text, headers=None):',
    '    return Response(text + "\\n", status=status, headers=headers, mimetype="text/plain")',
    '',
    '',
    'def reject_constant(name):',
    '    raise ValueError("%s is not JSON" % name)',
    '',
    '',
    'ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]',
    '',
    '',
    '@app.route("/", defaults={"path": ""}, methods=ALL_METHODS)',
    '@app.route("/<path:path>", methods=ALL_METHODS)',
    'def hook(path):',
    '    if request.method != "POST":',
    '        return plain(405, "WCS sends hooks as POST", {"Allow": "POST"})',
    '    raw = request.get_data()',
    '    try:',
    '        body = json.loads(raw.decode("utf-8"), parse_constant=reject_constant)',
    '    except ValueError as err:',
    '        return plain(400, "the body is not JSON: %s" % err)',
    '    if not isinstance(body, dict):',
    '        return plain(400, "the body is not a JSON object")',
    '    # The hook method: the last non-empty path segment, whatever the prefix.',
    '    method = path.rstrip("/").rsplit("/", 1)[-1]',
    '    handler = ROUTES.get(method)',
    '    status, answer = handler(body, raw) if handler else echo(raw)',
    '    if isinstance(answer, str):',
    '        answer = answer.encode("utf-8")',
    '    if not answer:',
    '        return Response(b"", status=status)',
    '    return Response(answer, status=status, mimetype="application/json")',
    '',
    '',
    'if __name__ == "__main__":',
    '    host = os.environ.get("HOST", "127.0.0.1")',
    '    port = int(os.environ.get("PORT") or (sys.argv[1] if len(sys.argv) > 1 else 3000))',
    '    server = make_server(host, port, app, threaded=True)',
    '    print("listening on http://%s:%d/" % (host, server.server_port), flush=True)',
    '    server.serve_forever()',
    '',
  ].join('\n');
}
