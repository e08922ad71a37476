/**
 * VS Code snippets generated from the catalog: every hook body (the catalog's sample), the answers WCS
 * understands (connect with restClientConfig, the reason body, an OVERWRITE entry), and handler
 * snippets per language. `scripts/gen-snippets.ts` writes them to snippets/; a test fails when the
 * committed files differ from what this module generates.
 */
import { isBlockable, METHODS, REST_ON_ERROR, REST_POLICIES, sampleBody } from '../protocol';
import { choice, literalLines, placeholder, snippet, tabstop } from './snippetSyntax';

export interface VsCodeSnippet {
  readonly prefix: string;
  readonly body: readonly string[];
  readonly description: string;
}
export type SnippetFile = Record<string, VsCodeSnippet>;

/** The file names under snippets/, with the VS Code language each one is contributed for. */
export const SNIPPET_LANGUAGES: Readonly<Record<string, string>> = {
  'json.code-snippets': 'json',
  'typescript.code-snippets': 'typescript',
  'javascript.code-snippets': 'javascript',
  'php.code-snippets': 'php',
  'python.code-snippets': 'python',
};

// DISABLED is the WCS 4 spelling of DISABLE; offering both would only confuse.
const POLICIES = REST_POLICIES.filter((p) => p !== 'DISABLED');
const FAIL_FIRST = ['FAIL', ...REST_ON_ERROR.filter((v) => v !== 'FAIL')];
/** Methods a restClientConfig entry is usually written for first: the blockable ones, then the rest. */
const CONFIG_METHODS = ['publishStream', ...METHODS.map((m) => m.name).filter((n) => n !== 'publishStream' && isBlockable(n)),
  ...METHODS.map((m) => m.name).filter((n) => !isBlockable(n))];
/** Methods offered in handler snippets: those a backend declines (blockable), most common first. */
const ROUTE_METHODS = CONFIG_METHODS.filter((n) => isBlockable(n) && n !== 'connect');

function jsonSnippets(): SnippetFile {
  const out: SnippetFile = {};
  for (const m of METHODS) {
    out[`WCS hook body: ${m.name}`] = {
      prefix: `wcs-hook-${m.name}`,
      body: literalLines(JSON.stringify(sampleBody(m.name), null, 2)),
      description: `Sample ${m.name} hook body (${m.type}${m.certainty === 'documented' ? '' : `, ${m.certainty}`}). ${m.description}`,
    };
  }

  const connect = JSON.stringify(sampleBody('connect'), null, 2).split('\n');
  out['WCS answer: connect with restClientConfig'] = {
    prefix: 'wcs-answer-connect',
    // The received connect body (echoed, as WCS expects), then the config that governs the session.
    body: [
      ...literalLines(connect.slice(0, -1).join('\n') + ','),
      ...snippet`  "restClientConfig": {
    "${choice(1, CONFIG_METHODS)}": {
      "restExclude": "${tabstop(2)}",
      "clientExclude": "${tabstop(3)}",
      "restOnError": "${choice(4, FAIL_FIRST)}",
      "restPolicy": "${choice(5, POLICIES)}",
      "restOverwrite": "${tabstop(6)}"
    }
  }
}`,
    ],
    description: '200 answer to connect: the received body plus restClientConfig, which governs every later hook of the session.',
  };

  out['WCS answer: decline with reason'] = {
    prefix: 'wcs-answer-reason',
    body: snippet`{"status":403,"reason":"${placeholder(1, 'Wrong credentials')}"}`,
    description: '403 body WCS passes to the client as the reason; it must have exactly these two keys (WCS 5.2.968+).',
  };

  out['WCS answer: restClientConfig OVERWRITE entry'] = {
    prefix: 'wcs-answer-overwrite',
    body: snippet`"${choice(1, CONFIG_METHODS)}": {
  "restExclude": "",
  "clientExclude": "",
  "restOnError": "${choice(2, REST_ON_ERROR)}",
  "restPolicy": "OVERWRITE",
  "restOverwrite": "${placeholder(3, 'name')}"
}`,
    description: 'restClientConfig entry under which WCS takes the fields named in restOverwrite from your answer (e.g. to rename a stream).',
  };
  return out;
}

interface HandlerSnippets {
  echo: string[];
  decline: string[];
  connect: string[];
  signature: string[];
}

function handlerFile(lang: string, s: HandlerSnippets): SnippetFile {
  return {
    [`WCS handler (${lang}): echo`]: {
      prefix: 'wcs-route-echo',
      body: s.echo,
      description: 'Route for one hook method that answers 200 with the received body, byte for byte (what WCS expects).',
    },
    [`WCS handler (${lang}): decline with reason`]: {
      prefix: 'wcs-route-decline',
      body: s.decline,
      description: 'Route that answers 403 {"status":403,"reason":"..."} when a body field has a value, and echoes otherwise.',
    },
    [`WCS handler (${lang}): connect with restClientConfig`]: {
      prefix: 'wcs-connect-config',
      body: s.connect,
      description: 'connect route that echoes the body with restClientConfig added (e.g. restOnError FAIL so that a 403 blocks).',
    },
    [`WCS handler (${lang}): signature check`]: {
      prefix: 'wcs-signature',
      body: s.signature,
      description: 'Checks "Authorization: WCS <hex>", the HMAC-MD5 of the raw body keyed with rest_hook_secret_key; answer 403 on mismatch.',
    },
  };
}

const m1 = () => choice(1, ROUTE_METHODS);
const cfgMethod = () => choice(1, CONFIG_METHODS.filter((n) => n !== 'connect'));

function typescriptSnippets(): SnippetFile {
  return handlerFile('TypeScript, Express', {
    echo: snippet`// ${m1()}: WCS expects its own body back, byte for byte.
app.post(/\\/${tabstop(1)}\\/?$/, express.raw({ type: () => true }), (req: Request, res: Response) => {
  res.status(200).type('application/json').send(req.body);
});`,
    decline: snippet`app.post(/\\/${m1()}\\/?$/, express.raw({ type: () => true }), (req: Request, res: Response) => {
  const body = JSON.parse(req.body.toString('utf8'));
  if (body.${placeholder(2, 'name')} === '${placeholder(3, 'forbidden')}') {
    // WCS shows the client this reason only if the body has exactly these two keys.
    res.status(403).json({ status: 403, reason: '${placeholder(4, 'Not allowed')}' });
    return;
  }
  res.status(200).type('application/json').send(req.body);
});`,
    connect: snippet`app.post(/\\/connect\\/?$/, express.raw({ type: () => true }), (req: Request, res: Response) => {
  const body = JSON.parse(req.body.toString('utf8'));
  // Governs every later hook of this session; restOnError FAIL is what makes a 403 block.
  body.restClientConfig = {
    ${cfgMethod()}: { restOnError: '${choice(2, FAIL_FIRST)}', restPolicy: '${choice(3, POLICIES)}' },
  };
  res.status(200).json(body);
});`,
    signature: snippet`// WCS (rest_hook_send_hash=true) signs the raw body: "Authorization: WCS <hex HMAC-MD5>".
// Pass the raw bytes (express.raw), never a re-serialised body.
function signedByWcs(raw: Buffer, authorization: string | undefined, secret: string): boolean {
  const expected = Buffer.from(\`WCS \${createHmac('md5', secret).update(raw).digest('hex')}\`);
  const got = Buffer.from(authorization ?? '');
  return got.length === expected.length && timingSafeEqual(got, expected);
}
${tabstop(0)}`,
  });
}

function javascriptSnippets(): SnippetFile {
  return handlerFile('JavaScript, node:http', {
    echo: snippet`// ${m1()}: WCS expects its own body back, byte for byte.
function ${placeholder(2, 'onHook')}(req, res) {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    const raw = Buffer.concat(chunks);
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': raw.length });
    res.end(raw);
  });
}`,
    decline: snippet`// ${m1()}: decline when a field has a value, echo otherwise.
function ${placeholder(2, 'onHook')}(req, res) {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    const raw = Buffer.concat(chunks);
    const body = JSON.parse(raw.toString('utf8'));
    if (body.${placeholder(3, 'name')} === '${placeholder(4, 'forbidden')}') {
      // WCS shows the client this reason only if the body has exactly these two keys.
      const answer = JSON.stringify({ status: 403, reason: '${placeholder(5, 'Not allowed')}' });
      res.writeHead(403, { 'Content-Type': 'application/json' });
      res.end(answer);
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': raw.length });
    res.end(raw);
  });
}`,
    connect: snippet`// connect: echo the body with restClientConfig, which governs every later hook of the session.
function onConnect(req, res) {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    body.restClientConfig = {
      ${cfgMethod()}: { restOnError: '${choice(2, FAIL_FIRST)}', restPolicy: '${choice(3, POLICIES)}' },
    };
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  });
}`,
    signature: snippet`const { createHmac, timingSafeEqual } = require('node:crypto');

// WCS (rest_hook_send_hash=true) signs the raw body: "Authorization: WCS <hex HMAC-MD5>".
function signedByWcs(raw, authorization, secret) {
  const expected = Buffer.from(\`WCS \${createHmac('md5', secret).update(raw).digest('hex')}\`);
  const got = Buffer.from(authorization || '');
  return got.length === expected.length && timingSafeEqual(got, expected);
}
${tabstop(0)}`,
  });
}

function phpSnippets(): SnippetFile {
  return handlerFile('PHP', {
    echo: snippet`// ${m1()}: WCS expects its own body back, byte for byte.
if (basename(parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH)) === '${tabstop(1)}') {
    header('Content-Type: application/json');
    echo file_get_contents('php://input');
    exit;
}`,
    decline: snippet`if (basename(parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH)) === '${m1()}') {
    $raw = file_get_contents('php://input');
    $body = json_decode($raw, true);
    if (($body['${placeholder(2, 'name')}'] ?? null) === '${placeholder(3, 'forbidden')}') {
        // WCS shows the client this reason only if the body has exactly these two keys.
        http_response_code(403);
        header('Content-Type: application/json');
        echo json_encode(['status' => 403, 'reason' => '${placeholder(4, 'Not allowed')}']);
        exit;
    }
    header('Content-Type: application/json');
    echo $raw;
    exit;
}`,
    connect: snippet`if (basename(parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH)) === 'connect') {
    // Objects, not arrays: an empty {} must stay {} in the answer.
    $body = json_decode(file_get_contents('php://input'));
    // Governs every later hook of this session; restOnError FAIL is what makes a 403 block.
    $body->restClientConfig = (object) [
        '${cfgMethod()}' => (object) ['restOnError' => '${choice(2, FAIL_FIRST)}', 'restPolicy' => '${choice(3, POLICIES)}'],
    ];
    header('Content-Type: application/json');
    echo json_encode($body, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE);
    exit;
}`,
    signature: snippet`// WCS (rest_hook_send_hash=true) signs the raw body: "Authorization: WCS <hex HMAC-MD5>".
$raw = file_get_contents('php://input');
$expected = 'WCS ' . hash_hmac('md5', $raw, ${placeholder(1, "getenv('WCS_HOOK_SECRET')")});
if (!hash_equals($expected, $_SERVER['HTTP_AUTHORIZATION'] ?? '')) {
    http_response_code(403);
    exit;
}
${tabstop(0)}`,
  });
}

function pythonSnippets(): SnippetFile {
  return handlerFile('Python, Flask', {
    echo: snippet`# ${m1()}: WCS expects its own body back, byte for byte.
@app.post("/${tabstop(1)}")
@app.post("/<path:prefix>/${tabstop(1)}")
def ${placeholder(2, 'on_hook')}(prefix=""):
    return Response(request.get_data(), status=200, mimetype="application/json")`,
    decline: snippet`@app.post("/${m1()}")
@app.post("/<path:prefix>/${tabstop(1)}")
def ${placeholder(2, 'on_hook')}(prefix=""):
    raw = request.get_data()
    body = json.loads(raw)
    if body.get("${placeholder(3, 'name')}") == "${placeholder(4, 'forbidden')}":
        # WCS shows the client this reason only if the body has exactly these two keys.
        answer = json.dumps({"status": 403, "reason": "${placeholder(5, 'Not allowed')}"}, separators=(",", ":"))
        return Response(answer, status=403, mimetype="application/json")
    return Response(raw, status=200, mimetype="application/json")`,
    connect: snippet`@app.post("/connect")
@app.post("/<path:prefix>/connect")
def on_connect(prefix=""):
    body = request.get_json(force=True)
    # Governs every later hook of this session; restOnError FAIL is what makes a 403 block.
    body["restClientConfig"] = {
        "${cfgMethod()}": {"restOnError": "${choice(2, FAIL_FIRST)}", "restPolicy": "${choice(3, POLICIES)}"},
    }
    return Response(json.dumps(body), status=200, mimetype="application/json")`,
    signature: snippet`# WCS (rest_hook_send_hash=true) signs the raw body: "Authorization: WCS <hex HMAC-MD5>".
def signed_by_wcs(raw, authorization, secret):
    expected = "WCS " + hmac.new(secret.encode("utf-8"), raw, "md5").hexdigest()
    return hmac.compare_digest(expected, authorization or "")
${tabstop(0)}`,
  });
}

/** Snippet files by name under snippets/ (the extension contributes each for its SNIPPET_LANGUAGES entry). */
export function generateSnippets(): Record<string, SnippetFile> {
  return {
    'json.code-snippets': jsonSnippets(),
    'typescript.code-snippets': typescriptSnippets(),
    'javascript.code-snippets': javascriptSnippets(),
    'php.code-snippets': phpSnippets(),
    'python.code-snippets': pythonSnippets(),
  };
}

/** The exact text of each file, as gen-snippets writes it and the staleness test compares it. */
export function renderSnippetFiles(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, file] of Object.entries(generateSnippets())) out[name] = `${JSON.stringify(file, null, 2)}\n`;
  return out;
}
