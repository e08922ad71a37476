import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { basicHeader, signatureHeader } from '../../../mock-server/hooks/auth';
import { readJournalFile } from '../../../mock-server/hooks/journal';
import { createHookServer, type HookServer } from '../../../mock-server/hooks/server';
import { METHOD_NAMES, methodType } from '../../../mock-server/protocol';
import { next, post, postHeld, started } from './client';

const EXAMPLES = join(__dirname, '../../fixtures/examples');

describe('hook server', () => {
  let server: HookServer;
  let url: string;
  let agent: http.Agent;

  async function start(options: Parameters<typeof started>[0] = {}): Promise<void> {
    ({ server, url, agent } = await started(options));
  }

  afterEach(async () => {
    agent?.destroy();
    await server?.close();
  });

  describe('echo', () => {
    it('echoes every example body byte for byte with application/json', async () => {
      await start({ policy: 'echo-all' });
      const files = readdirSync(EXAMPLES).filter((f) => f.endsWith('.json'));
      assert.ok(files.length >= 10, 'the examples are there');
      for (const f of files) {
        const raw = readFileSync(join(EXAMPLES, f));
        const method = f.replace(/\.json$/, '').replace(/-.*$/, '');
        const r = await post(url, `/EchoApp/${method}`, raw, { agent });
        assert.equal(r.status, 200, f);
        assert.equal(r.headers['content-type'], 'application/json', f);
        assert.ok(r.body.equals(raw), `${f} comes back byte for byte`);
        const ex = server.journal.all().at(-1)!;
        assert.equal(ex.method, method);
        assert.equal(ex.rawBody, raw.toString('utf8'));
        assert.deepEqual(ex.issues, [], `${f} is valid against the catalog`);
      }
    });

    it('echoes bytes that are not valid UTF-8 unchanged', async () => {
      await start({ policy: 'echo-all' });
      const raw = Buffer.concat([Buffer.from('{"name":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
      const r = await post(url, '/EchoApp/StreamStatusEvent', raw, { agent });
      assert.ok(r.body.equals(raw));
    });

    it('serves several hooks over one keep-alive connection', async () => {
      await start({ policy: 'echo-all' });
      const sockets = new Set<net.Socket>();
      const ports = new Set<number>();
      for (const m of ['connect', 'ConnectionStatusEvent', 'publishStream', 'StreamStatusEvent', 'disconnect']) {
        const r = await post(url, `/EchoApp/${m}`, `{"method":"${m}"}`, { agent });
        assert.equal(r.text, `{"method":"${m}"}`);
        assert.equal(r.headers.connection, 'keep-alive');
        sockets.add(r.socket);
        ports.add(r.socket.localPort!);
      }
      assert.equal(sockets.size, 1, 'one socket');
      assert.equal(ports.size, 1, 'one local port');
      assert.equal(server.journal.size, 5);
    });
  });

  describe('paths and methods', () => {
    it('takes the last segment as the method and the rest as the app', async () => {
      await start({ policy: 'echo-all' });
      const cases: [string, string, string][] = [
        ['/EchoApp/connect', '/EchoApp', 'connect'],
        ['/rest/my_api/OnCallEvent', '/rest/my_api', 'OnCallEvent'],
        ['/apps/EchoApp/StreamStatusEvent', '/apps/EchoApp', 'StreamStatusEvent'],
        ['/connect', '', 'connect'],
        ['/EchoApp/publishStream/?x=1', '/EchoApp', 'publishStream'],
      ];
      for (const [path, app, method] of cases) {
        await post(url, path, '{}', { agent });
        const ex = server.journal.all().at(-1)!;
        assert.equal(ex.app, app, path);
        assert.equal(ex.method, method, path);
        assert.equal(ex.type, methodType(method), path);
      }
    });

    it('answers unknown method names by the default and flags them', async () => {
      await start();
      const r = await post(url, '/EchoApp/SomethingNewEvent', '{"a":1}', { agent });
      assert.equal(r.status, 200);
      assert.equal(r.text, '{"a":1}');
      const ex = server.journal.all()[0]!;
      assert.equal(ex.type, 'unknown');
      assert.equal(ex.unknownMethod, true);
      assert.equal(ex.answer?.by, 'rule');
      assert.equal(ex.answer?.ruleIndex, undefined);
    });

    it('records type, correlation keys and validation issues', async () => {
      await start({ policy: 'echo-all' });
      await post(url, '/EchoApp/StreamStatusEvent', '{"sessionId":"s1","mediaSessionId":"m1","name":"cam","status":42}', { agent });
      const ex = server.journal.all()[0]!;
      assert.equal(ex.type, 'event');
      assert.deepEqual(ex.keys, { sessionId: 's1', mediaSessionId: 'm1', name: 'cam' });
      assert.ok(ex.issues.some((i) => i.path === 'status'), JSON.stringify(ex.issues));
      assert.equal(ex.state, 'answered');
      assert.equal(typeof ex.latencyMs, 'number');
    });
  });

  describe('default policy', () => {
    it('holds what the backend can block and echoes the rest', async () => {
      await start();
      assert.equal(server.policy, 'hold-blockable');
      for (const m of METHOD_NAMES) {
        const t = methodType(m);
        if (t === 'event') {
          const r = await post(url, `/app/${m}`, '{}', { agent });
          assert.equal(r.status, 200, m);
        } else {
          const { ex, reply } = await postHeld(server, url, `/app/${m}`, '{}');
          assert.equal(ex.state, 'pending', m);
          assert.ok(server.answer(ex.id, 'echo'));
          assert.equal((await reply).status, 200);
        }
      }
    });

    it('hold-all holds events too and echo-all holds nothing; setPolicy switches', async () => {
      await start({ policy: 'hold-all' });
      const { ex, reply } = await postHeld(server, url, '/a/StreamStatusEvent', '{}');
      server.answer(ex.id, 'echo');
      await reply;
      server.setPolicy('echo-all');
      assert.equal((await post(url, '/a/connect', '{}', { agent })).status, 200);
      assert.equal(server.pending().length, 0);
      assert.throws(() => server.setPolicy('nope' as never), /policy must be one of/);
    });
  });

  describe('answer forms', () => {
    const body = '{\n  "sessionId" : "s1",\n  "custom" : { "a" : 1 }\n}';
    const forms: { spec: Parameters<HookServer['answer']>[1]; status: number; text: string; json: boolean }[] = [
      { spec: 'echo', status: 200, text: body, json: true },
      { spec: 'forbid', status: 403, text: '', json: false },
      { spec: { status: 403, reason: 'Wrong credentials' }, status: 403, text: '{"status":403,"reason":"Wrong credentials"}', json: true },
      {
        spec: { status: 200, merge: { restClientConfig: { publishStream: { restOnError: 'FAIL' } }, custom: 'x' } },
        status: 200,
        text: '{"sessionId":"s1","custom":"x","restClientConfig":{"publishStream":{"restOnError":"FAIL"}}}',
        json: true,
      },
      { spec: { status: 500, body: { oops: true } }, status: 500, text: '{"oops":true}', json: true },
      { spec: { status: 200, body: '{ "edited" : true }' }, status: 200, text: '{ "edited" : true }', json: true },
      { spec: { status: 204 }, status: 204, text: '', json: false },
    ];
    for (const f of forms) {
      it(`answers ${JSON.stringify(f.spec)} as ${f.status}`, async () => {
        await start();
        const { ex, reply } = await postHeld(server, url, '/EchoApp/connect', body, { agent });
        const answered = next(server, 'answered');
        assert.equal(server.answer(ex.id, f.spec), true);
        const r = await reply;
        assert.equal(r.status, f.status);
        assert.equal(r.text, f.text);
        assert.equal(r.headers['content-type'], f.json ? 'application/json' : undefined);
        assert.equal(r.headers['access-control-allow-origin'], undefined, 'no Origin, no CORS');
        const [done] = await answered;
        assert.equal(done.id, ex.id);
        assert.equal(done.state, 'answered');
        assert.equal(done.answer?.by, 'developer');
        assert.equal(done.answer?.status, f.status);
        assert.equal(done.answer?.body, f.text);
        assert.equal(server.answer(ex.id, 'echo'), false, 'a second answer is refused');
      });
    }

    it('rejects a malformed answer without answering', async () => {
      await start();
      const { ex, reply } = await postHeld(server, url, '/EchoApp/connect', '{}', { agent });
      assert.throws(() => server.answer(ex.id, { status: 'x' } as never), /invalid answer at status/);
      assert.throws(() => server.answer(ex.id, 'hold' as never), /rule decision/);
      assert.equal(server.get(ex.id)?.state, 'pending');
      server.answer(ex.id, 'forbid');
      assert.equal((await reply).status, 403);
    });

    it('answer() is false for unknown ids', async () => {
      await start();
      assert.equal(server.answer('999', 'echo'), false);
    });
  });

  describe('rules', () => {
    it('answers by the first matching rule, then the default', async () => {
      await start({
        rules: {
          rules: [
            { method: 'OnCallEvent', when: { callee: 'PPP005' }, answer: { status: 403, reason: 'busy' } },
            { method: ['call', 'OnCallEvent'], answer: 'echo' },
            { type: 'event', app: 'Other', answer: 'forbid' },
            { type: 'event', answer: { status: 200, merge: { seen: true } } },
          ],
          default: 'hold',
        },
      });
      const busy = await post(url, '/EchoApp/OnCallEvent', '{"callee":"PPP005"}', { agent });
      assert.equal(busy.text, '{"status":403,"reason":"busy"}');
      assert.equal(server.journal.all()[0]!.answer?.ruleIndex, 0);
      const other = await post(url, '/EchoApp/OnCallEvent', '{"callee":"PPP006"}', { agent });
      assert.equal(other.status, 200);
      assert.equal(server.journal.all()[1]!.answer?.ruleIndex, 1);
      assert.equal((await post(url, '/apps/Other/StreamStatusEvent', '{}', { agent })).status, 403);
      assert.equal((await post(url, '/EchoApp/StreamStatusEvent', '{"a":1}', { agent })).text, '{"a":1,"seen":true}');
      const { ex, reply } = await postHeld(server, url, '/EchoApp/publishStream', '{}');
      assert.equal(ex.state, 'pending', 'the rules default holds');
      server.answer(ex.id, 'echo');
      await reply;
    });

    it('setRules changes the answers of hooks that arrive afterwards', async () => {
      await start({ policy: 'echo-all' });
      assert.equal((await post(url, '/a/connect', '{}', { agent })).status, 200);
      server.setRules({ rules: [{ method: 'connect', answer: 'forbid' }] });
      assert.equal((await post(url, '/a/connect', '{}', { agent })).status, 403);
      server.setRules(undefined);
      assert.equal((await post(url, '/a/connect', '{}', { agent })).status, 200);
    });
  });

  describe('holding', () => {
    it('lists held exchanges oldest first and removes them once answered', async () => {
      await start();
      const a = await postHeld(server, url, '/a/connect', '{"n":1}');
      const b = await postHeld(server, url, '/a/publishStream', '{"n":2}');
      assert.deepEqual(server.pending().map((e) => e.id), [a.ex.id, b.ex.id]);
      assert.ok(a.ex.holdDeadline! > a.ex.receivedAt);
      server.answer(b.ex.id, 'forbid');
      assert.deepEqual(server.pending().map((e) => e.id), [a.ex.id]);
      server.answer(a.ex.id, 'echo');
      assert.equal((await a.reply).text, '{"n":1}');
      assert.equal((await b.reply).status, 403);
      assert.equal(server.pending().length, 0);
    });

    it('answers with the fallback when the hold times out, recording the timeout', async () => {
      await start({ holdTimeoutMs: 30, fallback: 'forbid' });
      const { ex, reply } = await postHeld(server, url, '/a/connect', '{}');
      const r = await reply;
      assert.equal(r.status, 403);
      assert.equal(ex.state, 'answered');
      assert.equal(ex.answer?.by, 'timeout');
      assert.equal(server.answer(ex.id, 'echo'), false);
    });

    it('echo is the default fallback', async () => {
      await start({ holdTimeoutMs: 30 });
      const { ex, reply } = await postHeld(server, url, '/a/connect', '{"x":1}');
      assert.equal((await reply).text, '{"x":1}');
      assert.equal(ex.answer?.by, 'timeout');
    });

    it('marks an exchange aborted when its client goes away, and keeps serving', async () => {
      await start();
      let req!: http.ClientRequest;
      const { ex, reply } = await postHeld(server, url, '/a/connect', '{}', { onRequest: (r) => (req = r) });
      const aborted = next(server, 'aborted');
      req.destroy();
      await assert.rejects(reply);
      const [gone] = await aborted;
      assert.equal(gone.id, ex.id);
      assert.equal(ex.state, 'aborted');
      assert.equal(ex.answer, undefined);
      assert.equal(server.answer(ex.id, 'echo'), false);
      assert.equal(server.pending().length, 0);
      assert.equal((await post(url, '/a/StreamStatusEvent', '{}', { agent })).status, 200);
    });

    it('close() answers every held exchange before the sockets close, and is idempotent', async () => {
      await start({ fallback: 'echo' });
      const held: Awaited<ReturnType<typeof postHeld>>[] = [];
      for (let i = 0; i < 3; i++) held.push(await postHeld(server, url, '/a/connect', `{"i":${i}}`));
      const closed = next(server, 'closed');
      const p1 = server.close();
      const p2 = server.close();
      for (let i = 0; i < 3; i++) {
        const r = await held[i]!.reply;
        assert.equal(r.status, 200);
        assert.equal(r.text, `{"i":${i}}`);
        assert.equal(r.headers.connection, 'close', 'the answer says the connection ends');
        assert.equal(held[i]!.ex.answer?.by, 'shutdown');
      }
      await Promise.all([p1, p2]);
      await closed;
      await assert.rejects(post(url, '/a/connect', '{}'), /ECONNREFUSED/);
    });

    it('close() also closes idle keep-alive connections', async () => {
      await start({ policy: 'echo-all' });
      const r = await post(url, '/a/StreamStatusEvent', '{}', { agent });
      const ended = new Promise((resolve) => r.socket.once('close', resolve));
      await server.close();
      await ended;
    });
  });

  describe('bad input', () => {
    it('answers malformed JSON with 400 and a JSON error, recording the exchange', async () => {
      await start();
      const r = await post(url, '/a/connect', '{"a":', { agent });
      assert.equal(r.status, 400);
      assert.equal(r.headers['content-type'], 'application/json');
      const err = JSON.parse(r.text) as { error: string };
      assert.match(err.error, /malformed JSON/);
      const ex = server.journal.all()[0]!;
      assert.match(ex.error!, /malformed JSON/);
      assert.equal(ex.rawBody, '{"a":');
      assert.equal(ex.answer?.by, 'server');
      assert.equal((await post(url, '/a/StreamStatusEvent', '{}', { agent })).status, 200, 'still serving');
    });

    it('answers an empty body with 400', async () => {
      await start();
      assert.equal((await post(url, '/a/connect', '', { agent })).status, 400);
    });

    it('answers a body over the limit with 413 (declared and chunked)', async () => {
      await start({ maxBodyBytes: 100 });
      const big = `{"x":"${'a'.repeat(200)}"}`;
      const r = await post(url, '/a/connect', big);
      assert.equal(r.status, 413);
      assert.match(r.text, /limit/);
      const chunked = await new Promise<number>((resolve, reject) => {
        const req = http.request(`${url}/a/connect`, { method: 'POST', headers: { 'Transfer-Encoding': 'chunked' } }, (res) => {
          res.resume();
          resolve(res.statusCode!);
        });
        req.on('error', reject);
        req.write(big.slice(0, 60));
        setImmediate(() => req.end(big.slice(60)));
      });
      assert.equal(chunked, 413);
      assert.equal(server.journal.all().filter((e) => e.answer?.status === 413).length, 2);
      assert.equal((await post(url, '/a/StreamStatusEvent', '{}', { agent })).status, 200, 'still serving');
    });

    it('answers non-POST with 405 and the CORS preflight with 204', async () => {
      await start();
      const warnings: string[] = [];
      server.on('warning', (m) => warnings.push(m));
      const get = await post(url, '/a/connect', undefined, { method: 'GET', agent });
      assert.equal(get.status, 405);
      assert.equal(get.headers.allow, 'POST, OPTIONS');
      assert.deepEqual(warnings, ['405 for GET /a/connect from 127.0.0.1: hooks are POST requests (1 so far)'], 'said, not silent');
      assert.equal(server.refused.method, 1);
      assert.equal(get.headers['access-control-allow-origin'], undefined);
      const pre = await post(url, '/a/connect', undefined, {
        method: 'OPTIONS',
        agent,
        headers: { Origin: 'http://localhost:5173', 'Access-Control-Request-Method': 'POST' },
      });
      assert.equal(pre.status, 204);
      assert.equal(pre.headers['access-control-allow-origin'], 'http://localhost:5173');
      assert.match(String(pre.headers['access-control-allow-methods']), /POST/);
      assert.match(String(pre.headers['access-control-allow-headers']), /Authorization/);
      assert.match(String(pre.headers['access-control-allow-headers']), /Content-Type/);
      assert.equal(server.journal.size, 0, 'neither is a hook');
      assert.equal(server.refused.method, 1, 'a preflight is no refusal');
      const asked = await post(url, '/a/connect', undefined, {
        method: 'OPTIONS',
        agent,
        headers: { Origin: 'http://127.0.0.1:8080', 'Access-Control-Request-Headers': 'x-trace, content-type', 'Access-Control-Request-Private-Network': 'true' },
      });
      assert.equal(asked.headers['access-control-allow-headers'], 'Authorization, Content-Type, Accept', 'asked headers are not reflected');
      assert.equal(asked.headers['access-control-allow-private-network'], 'true');
    });

    it('cuts off a client that never finishes its headers', async () => {
      await start({ headersTimeoutMs: 200, requestTimeoutMs: 300 });
      const { port } = new URL(url);
      const closed = await new Promise<string>((resolve) => {
        const sock = net.connect(Number(port), '127.0.0.1', () => sock.write('POST /a/connect HTTP/1.1\r\nHost: x\r\n'));
        let got = '';
        sock.on('data', (d) => (got += d.toString()));
        sock.on('close', () => resolve(got));
        sock.on('error', () => undefined);
      });
      assert.match(closed, /^HTTP\/1\.1 408/);
    });
  });

  describe('authentication', () => {
    const secret = 'hook-secret';
    const body = '{\n  "sessionId" : "s1"\n}';

    it('accepts the right signature and refuses a wrong or missing one with 403, shown', async () => {
      await start({ policy: 'echo-all', signingSecret: secret });
      const ok = await post(url, '/a/connect', body, { agent, headers: { Authorization: signatureHeader(body, secret) } });
      assert.equal(ok.status, 200);
      assert.equal(ok.text, body);
      const warnings: string[] = [];
      server.on('warning', (m) => warnings.push(m));
      const wrong = await post(url, '/a/connect', body, { agent, headers: { Authorization: signatureHeader(body, 'other') } });
      assert.equal(wrong.status, 403);
      const missing = await post(url, '/a/connect', body, { agent });
      assert.equal(missing.status, 403);
      // Signed over the raw bytes: the same JSON re-serialised does not pass.
      const reserialised = await post(url, '/a/connect', JSON.stringify(JSON.parse(body)), {
        agent,
        headers: { Authorization: signatureHeader(body, secret) },
      });
      assert.equal(reserialised.status, 403);
      const [, w, m] = server.journal.all();
      assert.match(w!.error!, /does not match/);
      assert.match(m!.error!, /missing body signature/);
      assert.equal(w!.answer?.by, 'server');
      assert.equal(warnings.length, 3);
      assert.match(warnings[0]!, /403 for POST \/a\/connect/);
    });

    it('checks HTTP Basic credentials', async () => {
      await start({ policy: 'echo-all', basicAuth: { username: 'wcs', password: 'pw' } });
      assert.equal((await post(url, '/a/connect', '{}', { agent, headers: { Authorization: basicHeader('wcs', 'pw') } })).status, 200);
      assert.equal((await post(url, '/a/connect', '{}', { agent, headers: { Authorization: basicHeader('wcs', 'no') } })).status, 403);
      assert.equal((await post(url, '/a/connect', '{}', { agent })).status, 403);
      const [, wrong, missing] = server.journal.all();
      assert.match(wrong!.error!, /wrong HTTP Basic credentials \(user "wcs"\)/);
      assert.match(missing!.error!, /missing HTTP Basic/);
    });

    it('needs both when both are configured', async () => {
      await start({ policy: 'echo-all', basicAuth: { username: 'u', password: 'p' }, signingSecret: secret });
      const both = `${basicHeader('u', 'p')}, ${signatureHeader(body, secret)}`;
      assert.equal((await post(url, '/a/connect', body, { agent, headers: { Authorization: both } })).status, 200);
      assert.equal((await post(url, '/a/connect', body, { agent, headers: { Authorization: basicHeader('u', 'p') } })).status, 403);
    });
  });

  describe('journal', () => {
    it('keeps the newest exchanges up to the limit and counts the dropped ones', async () => {
      await start({ policy: 'echo-all', journalLimit: 3 });
      for (let i = 1; i <= 5; i++) await post(url, '/a/StreamStatusEvent', `{"i":${i}}`, { agent });
      assert.equal(server.journal.size, 3);
      assert.equal(server.journal.dropped, 2);
      assert.equal(server.journal.limit, 3);
      assert.deepEqual(server.journal.all().map((e) => e.rawBody), ['{"i":3}', '{"i":4}', '{"i":5}']);
      assert.equal(server.get('1'), undefined);
      assert.equal(server.get('5')?.rawBody, '{"i":5}');
    });

    it('writes one JSONL line per settled exchange, readable back', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'wcs-journal-'));
      const file = join(dir, 'j.jsonl');
      await start({ journalFile: file });
      await post(url, '/a/StreamStatusEvent', '{"status":"PUBLISHING"}', { agent });
      const { ex, reply } = await postHeld(server, url, '/a/connect', '{"sessionId":"s"}');
      assert.equal((await readFile(file, 'utf8').catch(() => '')).includes('"connect"'), false, 'held: not written yet');
      server.answer(ex.id, { status: 403, reason: 'no' });
      await reply;
      await post(url, '/a/connect', 'nope', { agent });
      await server.close();
      const { records, warnings } = await readJournalFile(file);
      assert.deepEqual(warnings, []);
      assert.deepEqual(records.map((r) => [r.method, r.state, r.answer?.status, r.answer?.by]), [
        ['StreamStatusEvent', 'answered', 200, 'rule'],
        ['connect', 'answered', 403, 'developer'],
        ['connect', 'answered', 400, 'server'],
      ]);
      assert.equal(records[1]!.answer?.body, '{"status":403,"reason":"no"}');
      assert.deepEqual(records[1]!.keys, { sessionId: 's' });
      assert.deepEqual(records[1]!.body, { sessionId: 's' }, 'the parsed body is restored from rawBody');
      assert.equal(records[0]!.answer?.body, '{"status":"PUBLISHING"}', 'an echo answer body is restored');
      const firstLine = (await readFile(file, 'utf8')).split('\n')[0]!;
      assert.equal(firstLine.split('PUBLISHING').length - 1, 1, 'the body is written once per line');
      assert.equal(records[2]!.body, undefined, 'malformed JSON has no parsed body');
      assert.ok(Array.isArray(records[0]!.issues));
    });
  });

  describe('lifecycle', () => {
    it('rejects listen() on a busy port with a clear message and EADDRINUSE', async () => {
      await start();
      const port = Number(new URL(url).port);
      const other = createHookServer({ port });
      await assert.rejects(other.listen(), (err: NodeJS.ErrnoException) => {
        assert.equal(err.code, 'EADDRINUSE');
        assert.match(err.message, new RegExp(`port ${port} on 127.0.0.1 is already in use`));
        return true;
      });
      await other.close();
    });

    it('emits listening and closed, and reports url', async () => {
      const s = createHookServer({ port: 0 });
      const listening = next(s, 'listening');
      const addr = await s.listen();
      assert.deepEqual((await listening)[0], addr);
      assert.equal(s.url, `http://127.0.0.1:${addr.port}`);
      const closed = next(s, 'closed');
      await s.close();
      await closed;
      server = s;
    });

    it('refuses bad options up front', () => {
      assert.throws(() => createHookServer({ port: 70000 }), /port must be an integer/);
      assert.throws(() => createHookServer({ policy: 'x' as never }), /policy must be one of/);
      assert.throws(() => createHookServer({ fallback: 'hold' as never }), /fallback must be echo or forbid/);
      assert.throws(() => createHookServer({ journalLimit: 0 }), /journalLimit/);
    });

    it('received fires after a rule answered, with the answer already set', async () => {
      await start({ policy: 'echo-all' });
      const order: string[] = [];
      server.on('received', (ex) => order.push(`received:${ex.state}`));
      server.on('answered', (ex) => order.push(`answered:${ex.state}`));
      await post(url, '/a/StreamStatusEvent', '{}', { agent });
      assert.deepEqual(order, ['received:answered', 'answered:answered']);
    });
  });
});
