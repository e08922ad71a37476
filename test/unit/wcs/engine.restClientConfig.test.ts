import { strict as assert } from 'node:assert';
import { errorOutcome } from '../../../mock-server/protocol';
import type { HookReply } from '../../../mock-server/wcs/engine';
import { closeEngines, connectAnswer, connected, forbid, framesNamed, makeEngine, recordingBackend } from './support';

type Mode = 'FAIL' | 'LOG';

/** A backend whose connect answer sets `config`, and that declines `declined` with `reason`. */
function backendWith(config: Record<string, unknown>, declined: string, reply: HookReply = forbid('Not today')) {
  return recordingBackend((m, b) => (m === 'connect' ? connectAnswer(b, config) : m === declined ? reply : undefined));
}

describe('wcs engine: restOnError × method type (PROTOCOL.md §4.2), cell by cell', () => {
  afterEach(closeEngines);

  it('connect × FAIL and × LOG: a declined connect refuses the session either way (nothing can configure connect before it runs)', async () => {
    assert.equal(errorOutcome('connect', 'FAIL').proceeds, false);
    assert.equal(errorOutcome('connect', 'LOG').proceeds, false);
    const rec = recordingBackend((m) => (m === 'connect' ? forbid('Nope') : undefined));
    const engine = makeEngine({ backend: rec.backend });
    const { ScriptedClient } = await import('../../../mock-server/wcs/scriptedClient');
    const c = new ScriptedClient(engine);
    const r = await c.connect();
    assert.equal(r.established, false);
    assert.equal(r.info, 'Nope');
  });

  for (const mode of ['FAIL', 'LOG'] as Mode[]) {
    it(`direct × ${mode}: publishStream declined ${mode === 'FAIL' ? 'stops the stream and fails it on the client with the reason' : 'is only logged; the stream publishes'}`, async () => {
      const rec = backendWith({ publishStream: { restOnError: mode } }, 'publishStream');
      const engine = makeEngine({ backend: rec.backend });
      const c = await connected(engine);
      const r = await c.publish('cam1');
      await engine.idle();
      if (mode === 'FAIL') {
        assert.equal(r.status, 'FAILED');
        assert.equal(r.info, 'Not today');
        assert.deepEqual(r.frame, { status: 'FAILED', info: 'Not today', apiMethod: 'StreamStatusEvent', id: r.id });
        assert.equal(framesNamed(c, 'setRemoteSDP').length, 0);
        assert.deepEqual(c.sdkEvents.slice(1), ['stream cam1 FAILED: Not today', 'session WARN: Not today (apiMethod StreamStatusEvent)']);
        assert.deepEqual(rec.sequence().slice(2), ['publishStream', 'StreamStatusEvent FAILED']);
        assert.equal(engine.sessions()[0]!.streams.length, 0);
      } else {
        assert.equal(r.status, 'PUBLISHING');
        assert.equal(framesNamed(c, 'fail').length, 0);
        assert.deepEqual(rec.sequence().slice(2), ['publishStream', 'StreamStatusEvent PUBLISHING']);
        assert.match(engine.logText(), /HTTP 403 under restOnError LOG: WCS only logs it/);
      }
    });

    it(`direct × ${mode}: OnDataEvent declined gives DataStatusEvent ${mode === 'FAIL' ? 'FAILED (sendData rejects)' : 'ACCEPTED'}`, async () => {
      const rec = backendWith({ OnDataEvent: { restOnError: mode } }, 'OnDataEvent', forbid('Bad data'));
      const engine = makeEngine({ backend: rec.backend });
      const c = await connected(engine);
      const r = await c.sendData({ text: 'hi' });
      await engine.idle();
      assert.equal(r.status, mode === 'FAIL' ? 'FAILED' : 'ACCEPTED');
      if (mode === 'FAIL') assert.equal(r.info, 'Bad data');
      assert.deepEqual(rec.sequence().slice(2), ['OnDataEvent', `DataStatusEvent ${r.status}`]);
      assert.deepEqual(rec.of('OnDataEvent')[0]!.body.payload, { text: 'hi' });
      assert.equal(rec.of('OnDataEvent')[0]!.body.operationId, r.id);
    });

    it(`direct × ${mode}: call declined ${mode === 'FAIL' ? 'fails the call with the reason' : 'is only logged; the call goes ahead'}`, async () => {
      const rec = backendWith({ call: { restOnError: mode } }, 'call', forbid('No credit'));
      const engine = makeEngine({ backend: rec.backend });
      const c = await connected(engine);
      const r = await c.call('1002');
      await engine.idle();
      if (mode === 'FAIL') {
        assert.equal(r.status, 'FAILED');
        assert.equal(r.info, 'No credit');
        assert.ok(c.sdkEvents.includes('session WARN: No credit (apiMethod CallStatusEvent)'));
        assert.deepEqual(rec.sequence().slice(2), ['call', 'CallStatusEvent FAILED']);
        assert.equal(framesNamed(c, 'setRemoteSDP').length, 0);
      } else {
        assert.equal(r.status, 'ESTABLISHED');
      }
    });

    it(`event × ${mode}: StreamStatusEvent declined ${mode === 'FAIL' ? 'carries on and reports a separate ErrorEvent' : 'is only logged'}`, async () => {
      const rec = backendWith({ StreamStatusEvent: { restOnError: mode } }, 'StreamStatusEvent', forbid('whatever'));
      const engine = makeEngine({ backend: rec.backend });
      const c = await connected(engine);
      const r = await c.publish('cam1');
      await engine.idle();
      assert.equal(r.status, 'PUBLISHING');
      const fails = framesNamed(c, 'fail');
      if (mode === 'FAIL') {
        assert.deepEqual(fails, [{ status: 'FAILED', info: 'StreamStatusEvent: whatever', apiMethod: 'ErrorEvent' }]);
        assert.deepEqual(rec.sequence().slice(2), ['publishStream', 'StreamStatusEvent PUBLISHING', 'ErrorEvent']);
        assert.equal(rec.of('ErrorEvent')[0]!.body.info, 'StreamStatusEvent: whatever');
        assert.equal(engine.sessions()[0]!.streams[0]!.status, 'PUBLISHING');
      } else {
        assert.deepEqual(fails, []);
        assert.deepEqual(rec.sequence().slice(2), ['publishStream', 'StreamStatusEvent PUBLISHING']);
      }
    });

    it(`event × ${mode}: a failing ErrorEvent hook never loops`, async () => {
      const rec = recordingBackend((m, b) =>
        m === 'connect' ? connectAnswer(b, { DataStatusEvent: { restOnError: 'FAIL' }, ErrorEvent: { restOnError: mode } }) : m === 'DataStatusEvent' || m === 'ErrorEvent' ? forbid() : undefined,
      );
      const engine = makeEngine({ backend: rec.backend });
      const c = await connected(engine);
      assert.equal((await c.sendData(1)).status, 'ACCEPTED');
      await engine.idle();
      assert.deepEqual(rec.sequence().slice(2), ['OnDataEvent', 'DataStatusEvent ACCEPTED', 'ErrorEvent']);
      // Under FAIL the failed ErrorEvent is itself reported to the client, but not sent as another hook.
      assert.equal(framesNamed(c, 'fail').length, mode === 'FAIL' ? 2 : 1);
    });

    it(`incoming × ${mode}: OnCallEvent declined ${mode === 'FAIL' ? 'answers the SIP caller 403 and warns the client' : 'is only logged; the client is offered the call'}`, async () => {
      const rec = backendWith({ OnCallEvent: { restOnError: mode } }, 'OnCallEvent', forbid('Do not disturb'));
      const engine = makeEngine({ backend: rec.backend });
      const c = await connected(engine, { sip: { login: '1001' } });
      const res = await engine.injectIncomingCall('1001', { caller: '2002', hasVideo: true });
      await engine.idle();
      assert.equal(rec.of('OnCallEvent')[0]!.body.caller, '2002');
      assert.equal(rec.of('OnCallEvent')[0]!.body.callee, '1001');
      if (mode === 'FAIL') {
        assert.equal(res.offered, false);
        assert.equal(res.sipStatus, 403);
        assert.equal(framesNamed(c, 'notifyIncomingCall').length, 0);
        assert.deepEqual(framesNamed(c, 'fail'), [{ status: 'FAILED', info: 'Do not disturb', apiMethod: 'CallStatusEvent', id: res.callId }]);
        assert.match(engine.logText(), /SIP caller 2002 answered 403 FORBIDDEN/);
      } else {
        assert.equal(res.offered, true);
        assert.equal(res.sipStatus, 180);
        const order = c.frames.map((f) => f.message).filter((m) => m === 'setRemoteSDP' || m === 'notifyIncomingCall');
        assert.deepEqual(order, ['setRemoteSDP', 'notifyIncomingCall']);
        assert.equal(framesNamed(c, 'notifyIncomingCall')[0]!.status, 'RING');
        assert.equal(framesNamed(c, 'notifyIncomingCall')[0]!.incoming, true);
        assert.equal((await c.answer(res.callId)).status, 'ESTABLISHED');
      }
    });

    it(`StreamKeepAliveEvent × ${mode}: a 403 ${mode === 'FAIL' ? 'ends the stream "Terminated by keep-alive"' : 'is only logged'}`, async () => {
      const rec = backendWith({ StreamKeepAliveEvent: { restOnError: mode, restExclude: 'sdp' } }, 'StreamKeepAliveEvent', forbid());
      const engine = makeEngine({ backend: rec.backend });
      const c = await connected(engine);
      const p = await c.publish('cam1');
      await engine.keepAliveRound();
      await engine.idle();
      const statuses = framesNamed(c, 'notifyStreamStatusEvent').map((f) => `${f.status}${f.info ? ` ${f.info}` : ''}`);
      assert.equal(rec.of('StreamKeepAliveEvent')[0]!.body.mediaSessionId, p.id);
      assert.equal(rec.of('StreamKeepAliveEvent')[0]!.body.status, 'PUBLISHING');
      if (mode === 'FAIL') {
        assert.deepEqual(statuses, ['PUBLISHING', 'FAILED Terminated by keep-alive']);
        assert.deepEqual(rec.sequence().slice(-1), ['StreamStatusEvent FAILED']);
        assert.equal(engine.sessions()[0]!.streams.length, 0);
      } else {
        assert.deepEqual(statuses, ['PUBLISHING']);
        assert.equal(engine.sessions()[0]!.streams.length, 1);
      }
    });
  }

  it('without restClientConfig every method runs under LOG/NOTIFY (the defaults)', async () => {
    const rec = recordingBackend((m) => (m === 'connect' ? undefined : forbid('no')));
    const engine = makeEngine({ backend: rec.backend });
    const c = await connected(engine);
    assert.equal((await c.publish('a')).status, 'PUBLISHING');
    assert.equal((await c.sendData(1)).status, 'ACCEPTED');
    assert.equal((await c.call('1002')).status, 'ESTABLISHED');
    assert.deepEqual(framesNamed(c, 'fail'), []);
  });

  it('timeouts and an unreachable backend are interaction errors too (FAIL stops, LOG goes ahead)', async () => {
    const never = new Promise<HookReply>(() => undefined);
    const rec = recordingBackend((m, b) =>
      m === 'connect' ? connectAnswer(b, { publishStream: { restOnError: 'FAIL' } }) : m === 'publishStream' || m === 'playStream' ? never : undefined,
    );
    const engine = makeEngine({ backend: rec.backend, hookTimeoutMs: 30 });
    const c = await connected(engine);
    const pub = await c.publish('a');
    assert.equal(pub.status, 'FAILED');
    assert.equal(pub.info, 'Read timed out');
    const play = await c.play('a');
    assert.equal(play.status, 'PLAYING', 'playStream runs under LOG: a timeout only logs');
    const answers = engine.log.filter((e) => e.kind === 'hook-answer' && e.failure === 'timeout');
    assert.equal(answers.length, 2);
  });
});

describe('wcs engine: restExclude, clientExclude, OVERWRITE, DISABLE', () => {
  afterEach(closeEngines);

  it('restExclude: the field never reaches the backend, but the engine still uses it', async () => {
    const rec = backendWith({ publishStream: { restExclude: 'sdp,custom' } }, 'none');
    const engine = makeEngine({ backend: rec.backend });
    const c = await connected(engine);
    const r = await c.publish('cam1', { custom: { a: 1 } });
    assert.equal(r.status, 'PUBLISHING');
    const hook = rec.of('publishStream')[0]!.body;
    assert.equal('sdp' in hook, false);
    assert.equal('custom' in hook, false);
    assert.equal(hook.name, 'cam1');
    assert.equal(c.frames.filter((f) => f.message === 'setRemoteSDP').length, 1);
    const hookEntry = engine.log.find((e) => e.kind === 'hook' && e.method === 'publishStream');
    assert.ok(hookEntry && hookEntry.kind === 'hook' && !('sdp' in hookEntry.body));
  });

  it('clientExclude: the field never reaches the client, but the backend gets it', async () => {
    const rec = backendWith({ StreamStatusEvent: { clientExclude: 'name,mediaType' }, connect: { clientExclude: 'sipPassword' } }, 'none');
    const engine = makeEngine({ backend: rec.backend });
    const c = await connected(engine, { sip: { login: '1001', password: 'secret' } });
    assert.equal('sipPassword' in framesNamed(c, 'getUserData')[0]!, false);
    assert.equal(rec.hooks[0]!.body.sipPassword, 'secret');
    const r = await c.publish('cam1');
    assert.equal('name' in r.frame, false);
    assert.equal('mediaType' in r.frame, false);
    assert.equal(r.frame.status, 'PUBLISHING');
    await engine.idle();
    assert.equal(rec.of('StreamStatusEvent')[0]!.body.name, 'cam1');
  });

  it('OVERWRITE + restOverwrite: the backend renames the stream; the status event and the client see the new name', async () => {
    const rec = recordingBackend((m, b) =>
      m === 'connect'
        ? connectAnswer(b, { publishStream: { restPolicy: 'OVERWRITE', restOverwrite: 'name' } })
        : m === 'publishStream'
          ? { status: 200, body: { ...b, name: 'renamed', record: true } }
          : undefined,
    );
    const engine = makeEngine({ backend: rec.backend });
    const c = await connected(engine);
    const r = await c.publish('original');
    await engine.idle();
    assert.equal(r.frame.name, 'renamed');
    assert.equal(r.frame.record, false, 'only fields in restOverwrite are taken');
    assert.equal(rec.of('StreamStatusEvent')[0]!.body.name, 'renamed');
    assert.match(engine.logText(), /OVERWRITE name: "original" → "renamed"/);
  });

  it('NOTIFY (default): the answer\'s values are ignored', async () => {
    const rec = recordingBackend((m, b) => (m === 'publishStream' ? { status: 200, body: { ...b, name: 'renamed' } } : undefined));
    const engine = makeEngine({ backend: rec.backend });
    const c = await connected(engine);
    assert.equal((await c.publish('original')).frame.name, 'original');
  });

  it('DISABLE (and WCS 4 DISABLED): no hook, the client\'s data is used', async () => {
    for (const policy of ['DISABLE', 'DISABLED']) {
      const rec = backendWith({ publishStream: { restPolicy: policy }, StreamStatusEvent: { restPolicy: policy } }, 'publishStream');
      const engine = makeEngine({ backend: rec.backend });
      const c = await connected(engine);
      assert.equal((await c.publish('cam1')).status, 'PUBLISHING');
      await engine.idle();
      assert.deepEqual(rec.sequence(), ['connect', 'ConnectionStatusEvent ESTABLISHED'], policy);
      assert.equal(engine.log.filter((e) => e.kind === 'hook-skipped').length, 2);
    }
  });

  it('an invalid restClientConfig entry is reported and only that method falls back to defaults', async () => {
    const rec = recordingBackend((m, b) =>
      m === 'connect'
        ? connectAnswer(b, { publishStream: { restOnError: 'EXPLODE' }, OnDataEvent: { restOnError: 'FAIL' } })
        : m === 'publishStream' || m === 'OnDataEvent'
          ? forbid()
          : undefined,
    );
    const engine = makeEngine({ backend: rec.backend });
    const c = await connected(engine);
    assert.equal((await c.publish('a')).status, 'PUBLISHING');
    assert.equal((await c.sendData(1)).status, 'FAILED');
    assert.match(engine.logText(), /restClientConfig\.publishStream is invalid \(restOnError: .*\); defaults apply/);
  });

  it('a restClientConfig that is not an object is reported and ignored', async () => {
    const rec = recordingBackend((m, b) => (m === 'connect' ? { status: 200, body: { ...b, restClientConfig: 'FAIL' } } : undefined));
    const engine = makeEngine({ backend: rec.backend });
    await connected(engine);
    assert.match(engine.logText(), /restClientConfig is not an object/);
  });
});
