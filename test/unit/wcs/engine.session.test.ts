import { strict as assert } from 'node:assert';
import { ScriptedClient } from '../../../mock-server/wcs/scriptedClient';
import { closeEngines, connectAnswer, connected, forbid, framesNamed, makeEngine, recordingBackend } from './support';

describe('wcs engine: sessions', () => {
  afterEach(closeEngines);

  it('connect 200: getUserData (ESTABLISHED, authToken) then ConnectionStatusEvent; envelope shaped like WCS; unknown fields pass through', async () => {
    const rec = recordingBackend();
    const engine = makeEngine({ backend: rec.backend });
    const c = new ScriptedClient(engine, { origin: 'https://app.example.com', remoteAddress: '127.0.0.1:50123' });
    const r = await c.connect({ custom: { login: 'alice' }, fields: { futureField: { x: 1 } } });
    assert.equal(r.established, true);
    assert.equal(r.data.status, 'ESTABLISHED');
    assert.equal(typeof r.data.authToken, 'string');
    assert.deepEqual(r.data.futureField, { x: 1 });
    assert.deepEqual(r.data.custom, { login: 'alice' });
    await engine.idle();
    assert.deepEqual(rec.sequence(), ['connect', 'ConnectionStatusEvent ESTABLISHED']);
    const body = rec.hooks[0]!.body;
    assert.match(String(body.nodeId), /^[A-Za-z0-9]{32}@127\.0\.0\.1$/);
    assert.match(String(body.sessionId), /^\/127\.0\.0\.1:50123\/127\.0\.0\.1:8080-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(body.appKey, 'defaultApp');
    assert.equal(body.origin, 'https://app.example.com');
    assert.equal(body.useWsTunnel, false);
    assert.deepEqual(body.futureField, { x: 1 });
    assert.equal(rec.hooks[1]!.body.sessionId, body.sessionId);
    assert.equal(rec.hooks[1]!.body.nodeId, body.nodeId);
    assert.deepEqual(c.sdkEvents, ['session ESTABLISHED']);
  });

  it('the client cannot set envelope fields', async () => {
    const rec = recordingBackend();
    const engine = makeEngine({ backend: rec.backend });
    await connected(engine, { fields: { nodeId: 'spoofed', sessionId: 'spoofed' } });
    assert.notEqual(rec.hooks[0]!.body.nodeId, 'spoofed');
    assert.notEqual(rec.hooks[0]!.body.sessionId, 'spoofed');
  });

  it('applies SIP credentials and authToken from the connect answer, ignores other changes, and says so in the log', async () => {
    const rec = recordingBackend((m, b) => (m === 'connect' ? { status: 200, body: { ...b, sipLogin: '7001', authToken: 'tok-1', clientVersion: 'evil' } } : undefined));
    const engine = makeEngine({ backend: rec.backend });
    const c = new ScriptedClient(engine);
    const r = await c.connect({ sip: { login: '1001', password: 'pw' } });
    assert.equal(r.data.sipLogin, '7001');
    assert.equal(r.data.authToken, 'tok-1');
    assert.equal(r.data.clientVersion, '2.0');
    await engine.idle();
    assert.equal(rec.of('ConnectionStatusEvent')[0]!.body.sipLogin, '7001');
    assert.match(engine.logText(), /backend overrides sipLogin/);
    assert.match(engine.logText(), /answer changed clientVersion;.*ignored/);
    assert.equal(engine.sessions()[0]!.sipLogin, '7001');
  });

  it('SIP registration asked for: RegistrationStatusEvent REGISTERED and the registered frame', async () => {
    const rec = recordingBackend();
    const engine = makeEngine({ backend: rec.backend });
    const c = await connected(engine, { sip: { login: '1001', registerRequired: true } });
    await engine.idle();
    assert.deepEqual(rec.sequence(), ['connect', 'ConnectionStatusEvent ESTABLISHED', 'RegistrationStatusEvent REGISTERED']);
    assert.equal(rec.of('RegistrationStatusEvent')[0]!.body.sipLogin, '1001');
    assert.deepEqual(c.sdkEvents, ['session ESTABLISHED', 'session REGISTERED']);
  });

  describe('declined connect (WARN, then DISCONNECTED)', () => {
    const cases: { name: string; reply: Parameters<typeof recordingBackend>[0]; info: string }[] = [
      { name: 'custom reason {"status":403,"reason":…}', reply: (m) => (m === 'connect' ? forbid('Wrong credentials') : undefined), info: 'Wrong credentials' },
      { name: '403 with an empty body: the reason phrase', reply: (m) => (m === 'connect' ? forbid() : undefined), info: 'Forbidden' },
      {
        name: 'a reason body with an extra key falls back to the reason phrase',
        reply: (m) => (m === 'connect' ? { status: 403, body: { status: 403, reason: 'x', code: 7 } } : undefined),
        info: 'Forbidden',
      },
      {
        name: 'a reason body without a JSON content type falls back to the reason phrase',
        reply: (m) => (m === 'connect' ? { status: 403, body: '{"status":403,"reason":"x"}', headers: { 'Content-Type': 'text/html' } } : undefined),
        info: 'Forbidden',
      },
      { name: '500', reply: (m) => (m === 'connect' ? { status: 500 } : undefined), info: 'Internal Server Error' },
      { name: 'a 201 is not a 200', reply: (m) => (m === 'connect' ? { status: 201 } : undefined), info: 'Created' },
      {
        name: 'a handler that throws',
        reply: (m) => {
          if (m === 'connect') throw new Error('boom');
          return undefined;
        },
        info: 'Internal Server Error',
      },
    ];
    for (const tc of cases) {
      it(tc.name, async () => {
        const rec = recordingBackend(tc.reply);
        const engine = makeEngine({ backend: rec.backend });
        const c = new ScriptedClient(engine);
        const r = await c.connect();
        assert.equal(r.established, false);
        assert.deepEqual(r.data, { status: 'FAILED', info: tc.info, apiMethod: 'ConnectionStatusEvent' });
        await c.whenClosed();
        await engine.idle();
        assert.deepEqual(c.sdkEvents, [`session WARN: ${tc.info} (apiMethod ConnectionStatusEvent)`, 'session DISCONNECTED']);
        assert.deepEqual(rec.sequence(), ['connect', 'ConnectionStatusEvent FAILED', 'ConnectionStatusEvent DISCONNECTED']);
        const failed = rec.hooks[1]!.body;
        assert.deepEqual(Object.keys(failed).sort(), ['appKey', 'info', 'nodeId', 'sessionId', 'status']);
        assert.equal(failed.info, tc.info);
        assert.equal(engine.sessions().length, 0);
      });
    }
  });

  it('disconnect: live streams and calls end, then ConnectionStatusEvent DISCONNECTED', async () => {
    const rec = recordingBackend();
    const engine = makeEngine({ backend: rec.backend, farEnd: { kind: 'ring' } });
    const c = await connected(engine);
    await c.publish('s1');
    const callDone = c.call('1002').catch(() => undefined);
    await c.waitFor((f) => f.message === 'ring', 'ring');
    c.disconnect();
    await callDone;
    await engine.idle();
    const tail = rec.sequence().slice(-3);
    assert.deepEqual(tail, ['StreamStatusEvent UNPUBLISHED', 'CallStatusEvent FINISH', 'ConnectionStatusEvent DISCONNECTED']);
    assert.equal(rec.of('StreamStatusEvent').at(-1)!.body.info, 'Stopped by session disconnect');
    assert.equal(engine.sessions().length, 0);
  });

  it('server ping: the client answers pong; unanswered pings drop the client', async () => {
    const rec = recordingBackend();
    const engine = makeEngine({ backend: rec.backend, pingIntervalMs: 5, maxMissedPings: 2 });
    const good = await connected(engine);
    const bad = await connected(engine, {}, { answerPings: false });
    await bad.whenClosed();
    const ping = good.frames.find((f) => f.message === 'ping');
    assert.deepEqual(ping?.data, [null]);
    assert.equal(good.closed, false);
    await engine.idle();
    assert.equal(engine.sessions().length, 1);
    assert.match(engine.logText(), /pings unanswered: dropping the client/);
  });

  it('client ping gets pong', async () => {
    const engine = makeEngine({ backend: recordingBackend().backend });
    const c = await connected(engine);
    const pong = c.waitFor((f) => f.message === 'pong', 'pong');
    c.sendFrame('ping', null);
    assert.deepEqual((await pong).data, [null]);
  });

  it('bad frames get a fail frame and never hurt the engine or other sessions', async () => {
    const rec = recordingBackend();
    const engine = makeEngine({ backend: rec.backend });
    const other = await connected(engine);
    const c = new ScriptedClient(engine);
    c.link.receive('not json');
    c.link.receive('{"data":[1]}');
    c.link.receive('[1,2]');
    c.sendFrame('publishStream', { mediaSessionId: 'x', name: 'early' });
    await engine.idle();
    const fails = framesNamed(c, 'fail');
    assert.equal(fails.length, 4);
    assert.match(String(fails[0]!.info), /Malformed message/);
    assert.match(String(fails[3]!.info), /publishStream before the session was established/);
    assert.equal(rec.of('publishStream').length, 0);
    await c.connect();
    c.sendFrame('noSuchMessage', { a: 1 });
    c.sendFrame('publishStream', 'not an object');
    await engine.idle();
    assert.match(String(framesNamed(c, 'fail').at(-2)!.info), /Unknown message noSuchMessage/);
    assert.match(String(framesNamed(c, 'fail').at(-1)!.info), /expected an object/);
    const p = await other.publish('still-works');
    assert.equal(p.status, 'PUBLISHING');
  });

  it('a client that throws while receiving is logged, and the engine carries on', async () => {
    const rec = recordingBackend();
    const engine = makeEngine({ backend: rec.backend });
    let calls = 0;
    const sent: string[] = [];
    const link = engine.accept({
      send(text) {
        calls++;
        sent.push(JSON.parse(text).message);
        if (calls === 1) throw new TypeError('SDK handler exploded');
      },
      close() {},
    });
    link.receive(JSON.stringify({ message: 'connection', data: [{ appKey: 'defaultApp' }] }));
    await engine.idle();
    const entry = engine.log.find((e) => e.kind === 'client-frame' && e.message === 'getUserData');
    assert.ok(entry && entry.kind === 'client-frame');
    assert.equal(entry.error, 'SDK handler exploded');
    assert.equal(engine.stats.clientSendErrors, 1);
    link.receive(JSON.stringify({ message: 'sendData', data: [{ operationId: 'op1', payload: 1 }] }));
    await engine.idle();
    assert.deepEqual(sent, ['getUserData', 'DataStatusEvent']);
    assert.deepEqual(rec.sequence().slice(-2), ['OnDataEvent', 'DataStatusEvent ACCEPTED']);
  });

  it('a second connection frame is refused without a second connect hook', async () => {
    const rec = recordingBackend();
    const engine = makeEngine({ backend: rec.backend });
    const c = await connected(engine);
    c.sendFrame('connection', { appKey: 'defaultApp' });
    await engine.idle();
    assert.equal(rec.of('connect').length, 1);
    assert.match(String(framesNamed(c, 'fail')[0]!.info), /already connected/);
  });

  it('the log shows every decision: client message, hook, answer, client frame', async () => {
    const rec = recordingBackend((m, b) => (m === 'connect' ? connectAnswer(b, { publishStream: { restOnError: 'FAIL' } }) : m === 'publishStream' ? forbid('No streams today') : undefined));
    const engine = makeEngine({ backend: rec.backend });
    const c = await connected(engine);
    await c.publish('x');
    const kinds = engine.log.filter((e) => e.sessionId === c.sessionId).map((e) => e.kind);
    for (const k of ['session', 'client-message', 'hook', 'hook-answer', 'decision', 'client-frame']) assert.ok(kinds.includes(k as never), `log lacks ${k}`);
    assert.match(engine.logText(c.sessionId), /HTTP 403 under restOnError FAIL/);
    assert.match(engine.logText(c.sessionId), /client ← fail \{status=FAILED info=No streams today apiMethod=StreamStatusEvent/);
  });

  it('dropSession and close fire the disconnect hooks', async () => {
    const rec = recordingBackend();
    const engine = makeEngine({ backend: rec.backend });
    const a = await connected(engine);
    await connected(engine);
    await engine.dropSession(a.sessionId!);
    assert.equal(a.closed, true);
    await engine.close();
    assert.equal(rec.sequence().filter((x) => x === 'ConnectionStatusEvent DISCONNECTED').length, 2);
    assert.equal(engine.sessions().length, 0);
  });

  it('rejects bad options with a clear error', () => {
    assert.throws(() => makeEngine({ backend: { url: 'ftp://x' } }), /http\(s\) app URL/);
    assert.throws(() => makeEngine({ backend: { handler: recordingBackend().backend.handler }, pingIntervalMs: -1 }), /pingIntervalMs/);
  });
});
