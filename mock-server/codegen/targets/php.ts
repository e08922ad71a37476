/**
 * Plain PHP: one router script for the built-in server (`php -S host:port router.php`), which also works
 * as the front controller behind Apache or php-fpm. Routes on the last path segment, as the official
 * PHP sample does.
 */
import { commentBlock, phpLiteral, phpQuoted } from '../text';
import { headerParagraphs, renderReply, type Reply, type ReplySyntax, type Route, type StubPlan } from '../plan';

// `?>` would end PHP mode even inside a `//` comment.
const phpComments = (paragraphs: readonly string[], prefix: string): string[] =>
  commentBlock(paragraphs, prefix).map((l) => l.replace(/\?>/g, '? >'));

export const PHP_RUN_HINT = 'php -S 127.0.0.1:3000 router.php';
const PHP_LISTEN_NOTE =
  'php -S takes the address: use 0.0.0.0:3000 when WCS runs on another machine; port 0 picks a free port and ' +
  'php prints it. Behind Apache or php-fpm, send every request under the app path to this script.';

const SYNTAX: ReplySyntax = {
  echo: 'echo_body($raw)',
  body: '$body',
  quote: phpQuoted,
  literal: phpLiteral,
  connectConfig: "merged(200, $body, (object) ['restClientConfig' => rest_client_config()])",
};

function replyExpr(r: Reply, indent: string): string {
  return renderReply(r, indent, SYNTAX);
}

function routeLines(route: Route): string[] {
  const out = phpComments(route.about, '// ');
  out.push(`function ${route.ident}(stdClass $body, string $raw): array`, '{');
  for (const b of route.branches) {
    out.push(...phpComments(b.comment, '    // '));
    if (b.conditions.length === 0) {
      out.push(`    return ${replyExpr(b.reply, '    ')};`);
      continue;
    }
    const test = b.conditions.map(([f, v]) => `field_is($body, ${phpQuoted(f)}, ${phpLiteral(v)})`).join(' && ');
    out.push(`    if (${test}) {`, `        return ${replyExpr(b.reply, '        ')};`, '    }');
  }
  if (route.fallback) out.push(`    return ${replyExpr(route.fallback, '    ')};`);
  out.push('}');
  return out;
}


export function renderPhp(plan: StubPlan, label: string): string {
  const config = plan.connectConfig
    ? [
        '// Returned in the connect answer; it governs every later hook of the session (restOnError, restPolicy, ...).',
        'function rest_client_config(): stdClass',
        '{',
        `    return ${phpLiteral(plan.connectConfig as never, '    ')};`,
        '}',
        '',
      ]
    : [];
  const routes = plan.routes.flatMap((r) => [...routeLines(r), '']);
  const table = plan.routes.length === 0
    ? ['$routes = [];']
    : ['$routes = [', ...plan.routes.map((r) => `    ${phpQuoted(r.method)} => '${r.ident}',`), '];'];
  return [
    '<?php',
    ...phpComments(headerParagraphs(plan, label, PHP_RUN_HINT, PHP_LISTEN_NOTE), '// '),
    'declare(strict_types=1);',
    '',
    'const JSON_FLAGS = JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_PRESERVE_ZERO_FRACTION;',
    '',
    '// Answers: [status, body]. WCS wants its own body back on 200 (echo); a decline that the client should',
    '// see carries exactly {"status":403,"reason":"..."}, or WCS falls back to "Forbidden".',
    'function echo_body(string $raw): array',
    '{',
    '    return [200, $raw];',
    '}',
    '',
    'function reason(int $status, string $text): array',
    '{',
    `    return [$status, json_encode(['status' => $status, 'reason' => $text], JSON_FLAGS)];`,
    '}',
    '',
    'function merged(int $status, stdClass $body, stdClass $fields): array',
    '{',
    '    $copy = clone $body;',
    '    foreach (get_object_vars($fields) as $name => $value) {',
    '        $copy->$name = $value;',
    '    }',
    '    return [$status, json_encode($copy, JSON_FLAGS)];',
    '}',
    '',
    'function reply(int $status, string $text): array',
    '{',
    '    return [$status, $text];',
    '}',
    '',
    '// A top-level field equals a value: types compared strictly, except that 5 and 5.0 are the same number.',
    'function field_is(stdClass $body, string $name, $expected): bool',
    '{',
    '    if (!property_exists($body, $name)) {',
    '        return false;',
    '    }',
    '    $actual = $body->$name;',
    '    if ((is_int($actual) || is_float($actual)) && (is_int($expected) || is_float($expected))) {',
    '        return $actual == $expected;',
    '    }',
    '    return $actual === $expected;',
    '}',
    '',
    ...config,
    ...routes,
    '// One handler per hook method (the last path segment of the request URL).',
    ...table,
    '',
    'function plain(int $status, string $text): void',
    '{',
    '    http_response_code($status);',
    `    header('Content-Type: text/plain; charset=utf-8');`,
    `    echo $text, "\\n";`,
    '}',
    '',
    `if ($_SERVER['REQUEST_METHOD'] !== 'POST') {`,
    `    header('Allow: POST');`,
    `    plain(405, 'WCS sends hooks as POST');`,
    '    return;',
    '}',
    '',
    `$raw = (string) file_get_contents('php://input');`,
    '$body = json_decode($raw);',
    'if (!($body instanceof stdClass)) {',
    `    plain(400, json_last_error() === JSON_ERROR_NONE ? 'the body is not a JSON object' : 'the body is not JSON: ' . json_last_error_msg());`,
    '    return;',
    '}',
    '',
    '// The hook method: the last non-empty path segment, whatever the prefix.',
    `$path = rtrim(explode('?', $_SERVER['REQUEST_URI'], 2)[0], '/');`,
    `$method = substr($path, strrpos($path, '/') === false ? 0 : strrpos($path, '/') + 1);`,
    '',
    'try {',
    '    [$status, $answer] = isset($routes[$method]) ? $routes[$method]($body, $raw) : echo_body($raw);',
    '} catch (Throwable $err) {',
    `    plain(500, "handler for $method failed: " . $err->getMessage());`,
    '    return;',
    '}',
    'http_response_code($status);',
    `if ($answer !== '') {`,
    `    header('Content-Type: application/json');`,
    '}',
    'echo $answer;',
    '',
  ].join('\n');
}
