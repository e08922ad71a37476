/**
 * Forward mode in the hook server: hooks go to a backend of our own and its answers back, byte for byte;
 * failures get the fallback with their reason; breakpoints hold either leg; signatures are redone; both
 * legs are recorded in the exchange, the journal and the JSONL file.
 */
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HookServer } from '../../../mock-server/hooks/server';
import { readJournalFile } from '../../../mock-server/hooks/journal';
import { basicHeader, signatureHeader } from '../../../mock-server/hooks/auth';
import { parseRules } from '../../../mock-server/hooks/rules';
import { parseAnswerSpec } from '../../../mock-server/hooks/answer';
import { closedPort, startBackend, type TestBackend } from './backend';
import { next, post, started } from './client';

// Spacing, key order and non-ASCII text that a re-encoding would change.
const WCS_BODY = Buffer.from('{ "nodeId":"n1",  "appKey":"defaultApp","sessionId":"/127.0.0.1:5000/127.0.0.1:8443-a","login":"Jürgen",\n"z":1 }', 'utf8');

describe('hooks: forward mode', function () {
  this.timeout(30_000);
  let backend: TestBackend;
  let server: HookServer | undefined;

  beforeEach(async () => {
    backend = await startBackend();
  });

  afterEach(async () => {
    await server?.close();
    server = undefined;
    await backend.close();
  });

  it('passes the hook to <target>/<method> and the answer back to WCS byte for byte, recording both legs', async () => {
    const answer = Buffer.from('{"nodeId":"n1","appKey":"defaultApp","sessionId":"/127.0.0.1:5000/127.0.0.1:8443-a","login":"Jürgen",  "z":1}', 'utf8');
    backend.behave({ kind: 'answer', status: 200, headers: { 'Content-Type': 'application/json; charset=utf-8', 'X-Backend': 'yes' }, body: answer });
    const s = await started({ forward: { target: backend.url } });
    server = s.server;
    const r = await post(s.url, '/EchoApp/connect', WCS_BODY, { headers: { 'X-Trace': 't-1', 'Keep-Alive': 'timeout=5', Connection: 'keep-alive, X-Hop', 'X-Hop': 'drop me' } });

    assert.equal(backend.got.length, 1);
    const got = backend.got[0]!;
    assert.equal(got.url, '/wcs/connect');
    assert.ok(got.body.equals(WCS_BODY), 'the backend got the exact bytes WCS sent');
    assert.equal(got.headers['x-trace'], 't-1');
    assert.equal(got.headers['content-type'], 'application/json;charset=UTF-8');
    assert.equal(got.headers['keep-alive'], undefined, 'hop-by-hop headers are not forwarded');
    assert.equal(got.headers['x-hop'], undefined, 'a header named by Connection is hop-by-hop');
    assert.equal(got.headers['content-length'], String(WCS_BODY.length));

    assert.equal(r.status, 200);
    assert.ok(r.body.equals(answer), 'WCS got the exact bytes the backend sent');
    assert.equal(r.headers['content-type'], 'application/json; charset=utf-8');
    assert.equal(r.headers['x-backend'], undefined, 'only the headers that matter to WCS go back');

    const ex = s.server.journal.get('1')!;
    assert.equal(ex.answer?.by, 'backend');
    assert.equal(ex.answer?.body, answer.toString('utf8'));
    assert.equal(ex.answer?.headers['Content-Type'], 'application/json; charset=utf-8');
    const leg = ex.forward!;
    assert.equal(leg.stage, 'done');
    assert.equal(leg.request?.url, `${backend.url}/connect`);
    assert.equal(leg.request?.body, undefined, 'not edited: the backend got what WCS sent');
    assert.equal(leg.response?.status, 200);
    assert.equal(leg.response?.body, answer.toString('utf8'));
    assert.ok((leg.response?.latencyMs ?? -1) >= 0);
    assert.equal(leg.failure, undefined);
  });

  it('passes a non-200 answer and a non-JSON content type on unchanged, and keeps the sockets alive', async () => {
    backend.behave((g) => (g.url.endsWith('/call') ? { kind: 'answer', status: 500, headers: { 'Content-Type': 'text/plain' }, body: 'boom' } : { kind: 'echo' }));
    const s = await started({ forward: { target: `${backend.url}/` } });
    server = s.server;
    const a = await post(s.url, '/EchoApp/call', '{"callId":"c"}');
    assert.equal(a.status, 500);
    assert.equal(a.text, 'boom');
    assert.equal(a.headers['content-type'], 'text/plain');
    const b = await post(s.url, '/EchoApp/hangup', '{"callId":"c"}');
    assert.equal(b.text, '{"callId":"c"}');
    assert.deepEqual(backend.got.map((g) => g.url), ['/wcs/call', '/wcs/hangup'], 'one slash between target and method');
    assert.match(s.server.journal.get('1')!.forward!.warnings![0]!, /^500: WCS accepts 200/);
  });

  for (const [kind, behave] of [
    ['reset', { kind: 'reset' }],
    ['bad-response', { kind: 'garbage' }],
  ] as const) {
    it(`a backend that answers with ${behave.kind} gets the fallback, the exchange saying why (${kind})`, async () => {
      backend.behave(behave);
      const s = await started({ forward: { target: backend.url }, fallback: 'forbid' });
      server = s.server;
      const r = await post(s.url, '/EchoApp/connect', WCS_BODY);
      assert.equal(r.status, 403, 'the configured fallback answered');
      const ex = s.server.journal.get('1')!;
      assert.equal(ex.answer?.by, 'fallback');
      assert.equal(ex.forward?.failure?.kind, kind);
    });
  }

  it('a backend that is down gets the fallback with "refused"', async () => {
    const port = await closedPort();
    const s = await started({ forward: { target: `http://127.0.0.1:${port}/wcs` } });
    server = s.server;
    const r = await post(s.url, '/EchoApp/connect', WCS_BODY);
    assert.equal(r.status, 200);
    assert.ok(r.body.equals(WCS_BODY), 'the echo fallback');
    const ex = s.server.journal.get('1')!;
    assert.equal(ex.answer?.by, 'fallback');
    assert.equal(ex.forward?.failure?.kind, 'refused');
    assert.match(ex.forward!.failure!.message, /connection refused/);
  });

  it('a backend slower than the hold timeout gets the fallback with "timeout", inside the round trip', async () => {
    backend.behave({ kind: 'silent' });
    const s = await started({ forward: { target: backend.url }, holdTimeoutMs: 300, fallback: 'forbid' });
    server = s.server;
    const r = await post(s.url, '/EchoApp/connect', WCS_BODY);
    assert.equal(r.status, 403);
    const ex = s.server.journal.get('1')!;
    assert.equal(ex.answer?.by, 'fallback');
    assert.equal(ex.forward?.failure?.kind, 'timeout');
  });

  it('signs what the backend gets again with the target secret, keeping Basic credentials', async () => {
    const s = await started({ signingSecret: 'wcs-secret', forward: { target: backend.url, secret: 'backend-secret' } });
    server = s.server;
    const r = await post(s.url, '/EchoApp/connect', WCS_BODY, {
      headers: { Authorization: signatureHeader(WCS_BODY, 'wcs-secret') },
    });
    assert.equal(r.status, 200);
    assert.equal(backend.got[0]!.headers.authorization, signatureHeader(WCS_BODY, 'backend-secret'));
    assert.equal(s.server.journal.get('1')!.forward?.request?.resigned, true);

    // Basic and a signature in one header: the Basic part stays as WCS sent it.
    const both = `${basicHeader('u', 'p')}, ${signatureHeader(WCS_BODY, 'wcs-secret')}`;
    await post(s.url, '/EchoApp/connect', WCS_BODY, { headers: { Authorization: both } });
    const values = backend.got[1]!.rawHeaders.filter((_, i, a) => i % 2 === 1 && a[i - 1]!.toLowerCase() === 'authorization');
    assert.deepEqual(values, [basicHeader('u', 'p'), signatureHeader(WCS_BODY, 'backend-secret')]);
  });

  it('without a target secret, WCS\'s Authorization goes through unchanged', async () => {
    const s = await started({ forward: { target: backend.url } });
    server = s.server;
    await post(s.url, '/EchoApp/connect', WCS_BODY, { headers: { Authorization: signatureHeader(WCS_BODY, 'wcs-secret') } });
    assert.equal(backend.got[0]!.headers.authorization, signatureHeader(WCS_BODY, 'wcs-secret'));
  });

  it('a breakpoint before the backend holds the hook; an edited body is sent (and signed) when let through', async () => {
    const s = await started({ forward: { target: backend.url, secret: 'k', breakBefore: ['connect'] } });
    server = s.server;
    const arrived = next(s.server, 'received');
    const reply = post(s.url, '/EchoApp/connect', WCS_BODY);
    const [ex] = await arrived;
    assert.equal(ex.state, 'pending');
    assert.equal(ex.forward?.stage, 'before');
    assert.deepEqual(s.server.pending().map((e) => e.id), [ex.id]);
    assert.equal(backend.got.length, 0, 'nothing sent while held');
    const edited = '{"nodeId":"n1","appKey":"defaultApp","sessionId":"x","login":"edited"}';
    assert.equal(s.server.pass(ex.id, edited), true);
    const r = await reply;
    assert.equal(backend.got[0]!.body.toString('utf8'), edited);
    assert.equal(backend.got[0]!.headers.authorization, signatureHeader(edited, 'k'), 'the edited body is signed');
    assert.equal(r.text, edited, 'the backend echoed the edited body back to WCS');
    const leg = s.server.journal.get(ex.id)!.forward!;
    assert.equal(leg.request?.body, edited);
    assert.deepEqual(leg.breaks, ['before']);
    assert.equal(s.server.pass(ex.id), false, 'answered: nothing more to let through');
  });

  it('a breakpoint before the backend can be answered by the developer instead; the backend never sees it', async () => {
    const s = await started({ forward: { target: backend.url, breakBefore: ['*'] } });
    server = s.server;
    const arrived = next(s.server, 'received');
    const reply = post(s.url, '/EchoApp/publishStream', '{"name":"s"}');
    const [ex] = await arrived;
    assert.equal(s.server.answer(ex.id, { status: 403, reason: 'not now' }), true);
    assert.equal((await reply).text, '{"status":403,"reason":"not now"}');
    assert.equal(backend.got.length, 0);
  });

  it('a breakpoint after the backend holds its answer: pass sends it as it came, an edit replaces it', async () => {
    backend.behave({ kind: 'answer', status: 200, headers: { 'Content-Type': 'application/json' }, body: '{"from":"backend"}' });
    const s = await started({ forward: { target: backend.url, breakAfter: ['connect', 'call'] } });
    server = s.server;

    const heldConnect = next(s.server, 'held');
    const first = post(s.url, '/EchoApp/connect', WCS_BODY);
    const [ex1] = await heldConnect;
    assert.equal(ex1.forward?.stage, 'after');
    assert.equal(ex1.forward?.response?.body, '{"from":"backend"}');
    assert.ok(s.server.pending().includes(ex1));
    assert.equal(s.server.pass(ex1.id), true);
    assert.equal((await first).text, '{"from":"backend"}');
    assert.equal(s.server.journal.get(ex1.id)!.answer?.by, 'backend');

    const heldCall = next(s.server, 'held');
    const second = post(s.url, '/EchoApp/call', '{"callId":"c"}');
    const [ex2] = await heldCall;
    assert.equal(s.server.answer(ex2.id, { status: 200, body: '{"from":"developer"}' }), true);
    const r = await second;
    assert.equal(r.text, '{"from":"developer"}');
    const rec = s.server.journal.get(ex2.id)!;
    assert.equal(rec.answer?.by, 'developer');
    assert.equal(rec.forward?.response?.body, '{"from":"backend"}', 'what the backend said is still on record');
    assert.deepEqual(rec.forward?.breaks, ['after']);
  });

  it('flags a connect answer that does not echo what it received, as check does', async () => {
    backend.behave((g) => {
      const j = JSON.parse(g.body.toString('utf8')) as Record<string, unknown>;
      delete j.nodeId;
      j.login = 'someone else';
      return { kind: 'answer', status: 200, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(j) };
    });
    const s = await started({ forward: { target: backend.url } });
    server = s.server;
    await post(s.url, '/EchoApp/connect', WCS_BODY);
    const warnings = s.server.journal.get('1')!.forward!.warnings!;
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /^connect does not echo what it received: missing nodeId; changed login$/);
  });

  it('flags a 200 whose body is not JSON', async () => {
    backend.behave({ kind: 'answer', status: 200, headers: { 'Content-Type': 'text/html' }, body: '<html>ok</html>' });
    const s = await started({ forward: { target: backend.url } });
    server = s.server;
    await post(s.url, '/EchoApp/OnCallEvent', '{"callId":"c"}');
    assert.deepEqual(s.server.journal.get('1')!.forward!.warnings, ['200 with a body that is not JSON: WCS cannot read it']);
  });

  it('rules decide first; a rule can forward to its own target; without a target other hooks follow the policy', async () => {
    const rules = parseRules({ rules: [{ method: 'connect', answer: 'forbid' }, { method: 'call', answer: { forward: backend.url } }] });
    const s = await started({ rules, policy: 'echo-all' });
    server = s.server;
    assert.equal((await post(s.url, '/EchoApp/connect', WCS_BODY)).status, 403);
    backend.behave({ kind: 'answer', status: 200, headers: { 'Content-Type': 'application/json' }, body: '{"routed":true}' });
    assert.equal((await post(s.url, '/EchoApp/call', '{"callId":"c"}')).text, '{"routed":true}');
    assert.equal((await post(s.url, '/EchoApp/hangup', '{"callId":"c"}')).text, '{"callId":"c"}');
    assert.deepEqual(backend.got.map((g) => g.url), ['/wcs/call']);
    assert.equal(s.server.journal.get('2')!.answer?.by, 'backend');
    assert.equal(s.server.journal.get('3')!.forward, undefined, 'not forwarded: no leg');
  });

  it('rejects a forward target that is not an http(s) URL, in rules and as a run-time answer', () => {
    assert.throws(() => parseRules({ rules: [{ answer: { forward: 'ftp://x' } }] }), /rules\[0\]\.answer\.forward: must be an http:\/\/ or https:\/\/ URL/);
    assert.throws(() => parseAnswerSpec({ forward: 'http://127.0.0.1:1/x' }), /"forward" is a rule decision, not an answer/);
  });

  it('writes both legs to the JSONL journal, with credentials redacted on both', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'wcs-fwd-'));
    const file = join(dir, 'j.jsonl');
    const s = await started({ journalFile: file, forward: { target: backend.url, secret: 'k' } });
    server = s.server;
    await post(s.url, '/EchoApp/connect', WCS_BODY, { headers: { Authorization: basicHeader('u', 'p') } });
    await s.server.close();
    server = undefined;
    const { records } = await readJournalFile(file);
    assert.equal(records.length, 1);
    const leg = records[0]!.forward!;
    assert.equal(leg.request?.url, `${backend.url}/connect`);
    assert.equal(leg.response?.status, 200);
    assert.equal(leg.response?.body, WCS_BODY.toString('utf8'));
    assert.equal(records[0]!.headers.authorization, 'Basic [redacted]');
    assert.equal(leg.request?.headers.authorization, 'Basic [redacted], WCS [redacted]');
  });

  it('answers a hook still with the backend at shutdown with the fallback', async () => {
    backend.behave({ kind: 'silent' });
    const s = await started({ forward: { target: backend.url }, holdTimeoutMs: 0, fallback: 'forbid' });
    server = s.server;
    const arrived = next(s.server, 'received');
    const reply = post(s.url, '/EchoApp/connect', WCS_BODY);
    await arrived;
    assert.deepEqual(s.server.pending(), [], 'with the backend, not waiting for the developer');
    await s.server.close();
    server = undefined;
    assert.equal((await reply).status, 403);
  });
});
