/**
 * The generated servers, actually run: each target's stub for the golden option set is started on
 * 127.0.0.1 (PORT=0, the stub prints its port) and fed every example hook body plus catalog samples
 * and edge cases. They must echo byte for byte, decline exactly where a decision says so, add
 * restClientConfig to connect, and refuse what is not a JSON POST.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sampleBody } from '../../../mock-server/protocol';
import { generateStub, type StubTarget } from '../../../mock-server/codegen/stubs';
import type { AnswerSpec } from '../../../mock-server/hooks';
import { needs } from '../../support/skip';
import { GOLDEN_CONNECT_CONFIG, GOLDEN_DECISIONS, GOLDEN_OPTIONS, TRICKY_REASON } from './goldenOptions';
import { http, startStub, type HttpResult, type RunningStub } from './runStub';
import { findFlaskPython, hasExpress, hasPhp } from './toolchains';

const EXAMPLES = join(__dirname, '..', '..', 'fixtures', 'examples');

interface Case {
  readonly name: string;
  readonly method: string;
  readonly raw: Buffer;
}

function exampleCases(): Case[] {
  return readdirSync(EXAMPLES)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => ({ name: f, method: f.replace(/\.json$/, '').split('-')[0]!, raw: readFileSync(join(EXAMPLES, f)) }));
}

const SAMPLED = ['connect', 'publishStream', 'playStream', 'OnCallEvent', 'CallStatusEvent', 'StreamKeepAliveEvent',
  'hangup', 'OnDataEvent', 'ConnectionStatusEvent', 'sendDtmf', 'StreamStatusEvent', 'ErrorEvent'];

function sampleCases(): Case[] {
  return SAMPLED.flatMap((m) => [
    { name: `catalog sample ${m} (compact)`, method: m, raw: Buffer.from(JSON.stringify(sampleBody(m))) },
    { name: `catalog sample ${m} (pretty)`, method: m, raw: Buffer.from(JSON.stringify(sampleBody(m), null, 2)) },
  ]);
}

const EDGE_CASES: Case[] = [
  {
    name: 'unknown method, Jackson-style spacing, non-ASCII, escapes, big and fractional numbers, CRLF',
    method: 'SomethingNew',
    raw: Buffer.from('{\r\n  "text" : "é \\u00e9 😀 \\u0000 \\/",\r\n  "n" : 1.50,\r\n  "big" : 12345678901234567890,\r\n  "nested" : { }\r\n}\r\n'),
  },
  { name: 'publishStream named "reserved": 403 with an empty body', method: 'publishStream', raw: Buffer.from(JSON.stringify({ ...sampleBody('publishStream'), name: 'reserved' })) },
  { name: 'OnDataEvent with operationId null', method: 'OnDataEvent', raw: Buffer.from('{"operationId":null}') },
  { name: 'CallStatusEvent with sipStatus 180.0 (same number)', method: 'CallStatusEvent', raw: Buffer.from('{"sipStatus":180.0,"status":"RING"}') },
  { name: 'call with hasVideo 1 (not true: types are strict)', method: 'call', raw: Buffer.from('{"callee":"1002","hasVideo":1}') },
  { name: 'call with hasVideo true: declined', method: 'call', raw: Buffer.from('{"callee":"1002","hasVideo":true}') },
];

interface Expected {
  readonly status: number;
  /** Exact bytes, when the answer has a fixed form (echo, reason, fixed body). */
  readonly bytes?: Buffer;
  /** The parsed answer, when the stub re-serialises (merge, connect): formatting may differ by language. */
  readonly json?: unknown;
}

function fromAnswer(answer: AnswerSpec, raw: Buffer, body: Record<string, unknown>): Expected {
  if (answer === 'echo') return { status: 200, bytes: raw };
  if (answer === 'forbid') return { status: 403, bytes: Buffer.alloc(0) };
  if ('reason' in answer) return { status: answer.status, bytes: Buffer.from(JSON.stringify({ status: answer.status, reason: answer.reason })) };
  if ('merge' in answer) return { status: answer.status, json: { ...body, ...answer.merge } };
  const b = 'body' in answer ? answer.body : undefined;
  return { status: answer.status, bytes: Buffer.from(b === undefined ? '' : typeof b === 'string' ? b : JSON.stringify(b)) };
}

/** The oracle: what the golden decisions mean, written straight from the StubDecision contract. */
function expected(c: Case): Expected {
  const body = JSON.parse(c.raw.toString('utf8')) as Record<string, unknown>;
  for (const d of GOLDEN_DECISIONS) {
    if (d.method !== c.method) continue;
    const holds = Object.entries(d.when ?? {}).every(([k, v]) => Object.hasOwn(body, k) && body[k] === v);
    if (holds) return fromAnswer(d.answer, c.raw, body);
  }
  if (c.method === 'connect') return { status: 200, json: { ...body, restClientConfig: GOLDEN_CONNECT_CONFIG } };
  return { status: 200, bytes: c.raw };
}

function mismatch(c: Case, exp: Expected, got: HttpResult): string | undefined {
  const what = `${c.name} (${c.method})`;
  if (got.status !== exp.status) return `${what}: status ${got.status}, expected ${exp.status}; body ${got.body.toString('utf8').slice(0, 200)}`;
  const type = String(got.headers['content-type'] ?? '');
  const expectBody = exp.json !== undefined || (exp.bytes?.length ?? 0) > 0;
  if (expectBody && !/^application\/json\b/.test(type)) return `${what}: Content-Type ${JSON.stringify(type)}`;
  if (exp.bytes && !got.body.equals(exp.bytes)) {
    return `${what}: body differs\n  got      ${JSON.stringify(got.body.toString('utf8'))}\n  expected ${JSON.stringify(exp.bytes.toString('utf8'))}`;
  }
  if (exp.json !== undefined) {
    try {
      assert.deepStrictEqual(JSON.parse(got.body.toString('utf8')), exp.json);
    } catch (err) {
      return `${what}: ${(err as Error).message}`;
    }
  }
  return undefined;
}

interface Runner {
  readonly target: StubTarget;
  /** Why it cannot run here, or undefined when it can. */
  missing(): { what: string; how: string } | undefined;
  command(): { cmd: string; args: string[] };
}

const RUNNERS: Runner[] = [
  {
    target: 'javascript-node',
    missing: () => undefined,
    command: () => ({ cmd: process.execPath, args: ['server.js'] }),
  },
  {
    target: 'typescript-express',
    missing: () => (hasExpress() ? undefined : { what: 'express', how: 'npm install (express is a devDependency)' }),
    command: () => ({ cmd: process.execPath, args: ['--import', 'tsx', 'server.ts'] }),
  },
  {
    target: 'php',
    missing: () => (hasPhp() ? undefined : { what: 'php', how: 'apt-get install php-cli' }),
    command: () => ({ cmd: 'php', args: ['-S', '127.0.0.1:0', 'router.php'] }),
  },
  {
    target: 'python-flask',
    missing: () => (findFlaskPython() ? undefined : { what: 'Python with Flask', how: 'apt-get install python3-flask' }),
    command: () => ({ cmd: findFlaskPython()!, args: ['app.py'] }),
  },
];

for (const runner of RUNNERS) {
  describe(`codegen: the generated ${runner.target} server, running`, function () {
    let server: RunningStub | undefined;

    before(async function () {
      const missing = runner.missing();
      needs(this, missing === undefined, missing?.what ?? '', missing?.how ?? '');
      const { cmd, args } = runner.command();
      server = await startStub(generateStub({ ...GOLDEN_OPTIONS, target: runner.target }), cmd, args);
    });

    after(async () => {
      await server?.stop();
      server = undefined;
    });

    const post = (path: string, raw: Buffer) => http(server!.port, path, raw);

    it('answers every example body, catalog sample and edge case as the decisions say (echo byte for byte otherwise)', async () => {
      const cases = [...exampleCases(), ...sampleCases(), ...EDGE_CASES];
      assert.ok(cases.length >= 12 + SAMPLED.length * 2);
      const problems: string[] = [];
      for (const c of cases) {
        const problem = mismatch(c, expected(c), await post(`/EchoApp/${c.method}`, c.raw));
        if (problem) problems.push(problem);
      }
      assert.deepEqual(problems, [], `server output:\n${server!.output()}`);
    });

    it('declines OnCallEvent.json (callee PPP005) with 403 and exactly {"status":403,"reason":…}', async () => {
      const got = await post('/EchoApp/OnCallEvent', readFileSync(join(EXAMPLES, 'OnCallEvent.json')));
      assert.equal(got.status, 403);
      assert.match(String(got.headers['content-type']), /^application\/json/);
      assert.equal(got.body.toString('utf8'), '{"status":403,"reason":"PPP005 takes no calls from the web"}');
    });

    it('keeps a reason with quotes, newline, $, ?> and non-ASCII intact', async () => {
      const got = await post('/EchoApp/publishStream', readFileSync(join(EXAMPLES, 'publishStream.json')));
      assert.equal(got.status, 403);
      assert.deepEqual(JSON.parse(got.body.toString('utf8')), { status: 403, reason: TRICKY_REASON });
      assert.equal(got.body.toString('utf8'), JSON.stringify({ status: 403, reason: TRICKY_REASON }));
    });

    it('answers connect with the received body plus restClientConfig', async () => {
      const raw = readFileSync(join(EXAMPLES, 'connect.json'));
      const got = await post('/EchoApp/connect', raw);
      assert.equal(got.status, 200);
      const answer = JSON.parse(got.body.toString('utf8'));
      assert.deepEqual(answer.restClientConfig, GOLDEN_CONNECT_CONFIG);
      delete answer.restClientConfig;
      assert.deepEqual(answer, JSON.parse(raw.toString('utf8')));
    });

    it('answers an unconditional decision the same way every time (hangup → 500 fixed body)', async () => {
      const got = await post('/hangup', readFileSync(join(EXAMPLES, 'hangup.json')));
      assert.equal(got.status, 500);
      assert.equal(got.body.toString('utf8'), '{"error":"unexpected"}');
    });

    it('routes on the last path segment, whatever the prefix', async () => {
      const raw = readFileSync(join(EXAMPLES, 'OnCallEvent.json'));
      for (const path of ['/OnCallEvent', '/EchoApp/OnCallEvent', '/apps/EchoApp/OnCallEvent', '/rest/v1/hooks/OnCallEvent',
        '/EchoApp/OnCallEvent?x=1', '/EchoApp/OnCallEvent/']) {
        assert.equal((await post(path, raw)).status, 403, path);
      }
      // The same body under another method name is not declined: it is that method's route (or the echo).
      const other = await post('/EchoApp/OnCallEventX', raw);
      assert.equal(other.status, 200);
      assert.ok(other.body.equals(raw));
    });

    it('answers 405 to GET, and 400 to a body that is not a JSON object', async () => {
      const get = await http(server!.port, '/EchoApp/connect', undefined, 'GET');
      assert.equal(get.status, 405);
      assert.equal(get.headers.allow, 'POST');
      for (const bad of ['{"unterminated": ', 'not json', '[1,2]', '"text"', 'null', '']) {
        const got = await post('/EchoApp/publishStream', Buffer.from(bad));
        assert.equal(got.status, 400, `body ${JSON.stringify(bad)}: ${got.body.toString('utf8')}`);
      }
      // Still serving after bad input.
      assert.equal((await post('/EchoApp/ErrorEvent', Buffer.from('{"a":1}'))).status, 200);
    });
  });
}
