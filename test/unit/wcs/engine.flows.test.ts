import { strict as assert } from 'node:assert';
import { closeEngines, connected, forbid, framesNamed, makeEngine, recordingBackend } from './support';

describe('wcs engine: streams', () => {
  afterEach(closeEngines);

  it('publish: publishStream hook, setRemoteSDP [id, answer], StreamStatusEvent PUBLISHING, notifyStreamStatusEvent', async () => {
    const rec = recordingBackend();
    const offers: { offer: string; kind: string }[] = [];
    const engine = makeEngine({ backend: rec.backend, sdpAnswer: (offer, kind) => (offers.push({ offer, kind }), 'v=0\r\nanswer\r\n') });
    const c = await connected(engine, {}, { origin: 'https://app.example.com' });
    const r = await c.publish('cam1', { futureStreamField: 'kept' });
    await engine.idle();
    assert.equal(r.status, 'PUBLISHING');
    const sdpFrame = c.frames.find((f) => f.message === 'setRemoteSDP')!;
    assert.deepEqual(sdpFrame.data, [r.id, 'v=0\r\nanswer\r\n']);
    assert.equal(offers[0]!.kind, 'publish');
    assert.match(offers[0]!.offer, /^v=0/);
    const order = c.frames.map((f) => f.message);
    assert.ok(order.indexOf('setRemoteSDP') < order.indexOf('notifyStreamStatusEvent'));
    assert.deepEqual(rec.sequence().slice(2), ['publishStream', 'StreamStatusEvent PUBLISHING']);
    const hook = rec.of('publishStream')[0]!.body;
    assert.equal(hook.name, 'cam1');
    assert.equal(hook.futureStreamField, 'kept');
    assert.equal(hook.origin, 'https://app.example.com');
    assert.match(String(hook.sdp), /^v=0/);
    const ev = rec.of('StreamStatusEvent')[0]!.body;
    assert.equal(ev.mediaSessionId, r.id);
    assert.equal(ev.published, true);
    assert.equal(ev.mediaType, 'publish');
    assert.equal('sdp' in ev, false);
    assert.equal(ev.futureStreamField, 'kept');
  });

  it('the default SDP answer is the synthetic one (sdp.ts)', async () => {
    const engine = makeEngine({ backend: recordingBackend().backend });
    const c = await connected(engine);
    await c.publish('cam1');
    const answer = String(c.frames.find((f) => f.message === 'setRemoteSDP')!.data[1]);
    assert.match(answer, /^v=0\r\n/);
    assert.match(answer, /a=setup:active/);
    assert.match(answer, /a=fingerprint:sha-256 /);
  });

  it('play, stop and unpublish: PLAYING, STOPPED, UNPUBLISHED with their hooks', async () => {
    const rec = recordingBackend();
    const engine = makeEngine({ backend: rec.backend });
    const c = await connected(engine);
    const pub = await c.publish('cam1');
    const play = await c.play('cam1');
    assert.equal(play.status, 'PLAYING');
    assert.equal((await c.stopStream(play.id, false)).status, 'STOPPED');
    assert.equal((await c.stopStream(pub.id, true)).status, 'UNPUBLISHED');
    await engine.idle();
    assert.deepEqual(rec.sequence().slice(2), [
      'publishStream', 'StreamStatusEvent PUBLISHING', 'playStream', 'StreamStatusEvent PLAYING',
      'stopStream', 'StreamStatusEvent STOPPED', 'unPublishStream', 'StreamStatusEvent UNPUBLISHED',
    ]);
    assert.deepEqual(c.sdkEvents.slice(1), ['stream cam1 PUBLISHING', 'stream cam1 PLAYING', 'stream cam1 STOPPED', 'stream cam1 UNPUBLISHED']);
  });

  it('a publisher stopping stops its players in other sessions ("Stopped by publisher stop")', async () => {
    const rec = recordingBackend();
    const engine = makeEngine({ backend: rec.backend });
    const a = await connected(engine);
    const b = await connected(engine);
    const pub = await a.publish('cam1');
    const play = await b.play('cam1');
    const stopped = b.waitFor((f) => f.message === 'notifyStreamStatusEvent' && (f.data[0] as { status: string }).status === 'STOPPED', 'STOPPED');
    await a.stopStream(pub.id, true);
    const f = (await stopped).data[0] as Record<string, unknown>;
    assert.equal(f.mediaSessionId, play.id);
    assert.equal(f.info, 'Stopped by publisher stop');
  });

  it('a stream name in use fails the second publisher; a reused mediaSessionId is refused', async () => {
    const rec = recordingBackend();
    const engine = makeEngine({ backend: rec.backend });
    const a = await connected(engine);
    const b = await connected(engine);
    const first = await a.publish('cam1');
    const second = await b.publish('cam1');
    assert.equal(second.status, 'FAILED');
    assert.equal(second.info, 'Stream name is already in use');
    const again = await a.publish('cam2', { mediaSessionId: first.id });
    assert.equal(again.status, 'FAILED');
    assert.equal(again.info, 'MediaSessionId is already in use');
  });

  it('unPublishStream declined under FAIL: the stream stays on the server, the client hears about it', async () => {
    const rec = recordingBackend((m, b) => (m === 'connect' ? { status: 200, body: { ...b, restClientConfig: { unPublishStream: { restOnError: 'FAIL' } } } } : m === 'unPublishStream' ? forbid('keep going') : undefined));
    const engine = makeEngine({ backend: rec.backend });
    const c = await connected(engine);
    const pub = await c.publish('cam1');
    const r = await c.stopStream(pub.id, true);
    assert.equal(r.info, 'keep going');
    assert.equal(engine.sessions()[0]!.streams[0]!.status, 'PUBLISHING');
  });

  it('sendStreamEvent: hook, then one StreamEvent per subscriber with the subscriber\'s mediaSessionId, and notifyStreamEvent', async () => {
    const rec = recordingBackend();
    const engine = makeEngine({ backend: rec.backend });
    const a = await connected(engine);
    const b = await connected(engine);
    const c2 = await connected(engine);
    const pub = await a.publish('cam1');
    const p1 = await b.play('cam1');
    const p2 = await c2.play('cam1');
    a.sendStreamEvent(pub.id, 'data', { count: 23 });
    a.sendStreamEvent(pub.id, 'audioMuted');
    await engine.idle();
    assert.deepEqual(rec.of('sendStreamEvent').map((h) => [h.body.mediaSessionId, h.body.type, h.body.payload]), [
      [pub.id, 'data', { count: 23 }],
      [pub.id, 'audioMuted', undefined],
    ]);
    const events = rec.of('StreamEvent').map((h) => `${h.body.mediaSessionId} ${h.body.type}`).sort();
    assert.deepEqual(events, [`${p1.id} audioMuted`, `${p1.id} data`, `${p2.id} audioMuted`, `${p2.id} data`].sort());
    assert.deepEqual(framesNamed(b, 'notifyStreamEvent').map((f) => [f.mediaSessionId, f.type, f.payload]), [
      [p1.id, 'data', { count: 23 }],
      [p1.id, 'audioMuted', undefined],
    ]);
    assert.equal(framesNamed(a, 'notifyStreamEvent').length, 0);
    await a.stopStream(pub.id, true);
    await engine.idle();
    assert.deepEqual(rec.of('StreamStatusEvent').find((h) => h.body.status === 'UNPUBLISHED')!.body.audioState, { muted: true });
  });

  it('periodic StreamKeepAliveEvent while the stream is live', async () => {
    const rec = recordingBackend();
    const engine = makeEngine({ backend: rec.backend, streamKeepAliveMs: 5 });
    const c = await connected(engine);
    const pub = await c.publish('cam1');
    await new Promise<void>((resolve) => {
      const sub = engine.on('hook', (_s, method) => {
        if (method === 'StreamKeepAliveEvent') {
          sub.dispose();
          resolve();
        }
      });
    });
    await c.stopStream(pub.id, true);
    await engine.idle();
    const n = rec.of('StreamKeepAliveEvent').length;
    assert.ok(n >= 1);
    assert.equal(rec.of('StreamKeepAliveEvent')[0]!.body.status, 'PUBLISHING');
  });

  it('a stream whose keep-alive is still unanswered gets no second one queued behind it', async () => {
    let release: (() => void) | undefined;
    // The stream "slow" gets no answer to its keep-alive until released; "fast" is answered at once.
    const rec = recordingBackend((method, body) =>
      method === 'StreamKeepAliveEvent' && body.name === 'slow' ? new Promise((r) => (release = () => r({ status: 200, body }))) : undefined,
    );
    const engine = makeEngine({ backend: rec.backend, streamKeepAliveMs: 5, hookTimeoutMs: 0 });
    const slow = await connected(engine);
    await slow.publish('slow');
    const fast = await connected(engine);
    await fast.publish('fast');
    const keepAlives = (name: string) => rec.of('StreamKeepAliveEvent').filter((h) => h.body.name === name).length;
    // Both timers tick at the same period: by the fast stream's fifth keep-alive the slow one's has ticked too.
    await new Promise<void>((resolve) => {
      const sub = engine.on('hook', () => {
        if (keepAlives('fast') >= 5) {
          sub.dispose();
          resolve();
        }
      });
    });
    assert.equal(keepAlives('slow'), 1);
    release!();
    await engine.close();
  });

  it('snapshot and availableStream answer the SDK in the shapes it reads', async () => {
    const rec = recordingBackend();
    const engine = makeEngine({ backend: rec.backend });
    const c = await connected(engine);
    await c.publish('cam1');
    c.sendFrame('snapshot', { name: 'cam1', mediaSessionId: 'snap-1' });
    c.sendFrame('availableStream', { name: 'cam1', mediaSessionId: 'av-1' });
    c.sendFrame('availableStream', { name: 'nobody', mediaSessionId: 'av-2' });
    await engine.idle();
    const snap = framesNamed(c, 'notifyStreamEvent')[0]!;
    assert.equal(snap.type, 'snapshotCompleted');
    assert.equal(typeof (snap.payload as { snapshot: string }).snapshot, 'string');
    assert.deepEqual(framesNamed(c, 'availableStream').map((f) => [f.id, f.status]), [['av-1', 'true'], ['av-2', 'false']]);
    assert.deepEqual(rec.sequence().slice(-3), ['snapshot', 'availableStream', 'availableStream']);
  });
});

describe('wcs engine: calls', () => {
  afterEach(closeEngines);

  it('outgoing call: the hook sequence of the PROTOCOL.md §5.2 capture, and the SDK sees TRYING, RING, ESTABLISHED, FINISH', async () => {
    const rec = recordingBackend();
    const engine = makeEngine({ backend: rec.backend });
    const c = await connected(engine, { sip: { login: '1001' } });
    const r = await c.call('1002');
    assert.equal(r.status, 'ESTABLISHED');
    await c.callAction('hangup', r.id, ['FINISH']);
    await engine.idle();
    assert.deepEqual(rec.sequence().slice(2), ['call', 'CallStatusEvent TRYING', 'CallStatusEvent RING', 'CallStatusEvent ESTABLISHED', 'hangup', 'CallStatusEvent FINISH']);
    const frames = c.frames.filter((f) => f.message !== 'getUserData').map((f) => f.message);
    assert.deepEqual(frames, ['notifyTryingResponse', 'ring', 'setRemoteSDP', 'talk', 'finish']);
    assert.deepEqual(c.sdkEvents.slice(1).map((e) => e.replace(/call \w+ /, '')), ['TRYING', 'RING', 'ESTABLISHED', 'FINISH: Normal call clearing']);
    const hangup = rec.of('hangup')[0]!.body;
    assert.deepEqual(Object.keys(hangup).sort(), ['appKey', 'callId', 'nodeId', 'sessionId']);
    assert.equal(rec.of('CallStatusEvent')[1]!.body.sipStatus, 180);
    assert.equal(rec.of('CallStatusEvent')[0]!.body.callee, '1002');
  });

  it('far end busy: BUSY (SIP 486)', async () => {
    const rec = recordingBackend();
    const engine = makeEngine({ backend: rec.backend, farEnd: { kind: 'busy' } });
    const c = await connected(engine);
    const r = await c.call('1002');
    assert.equal(r.status, 'BUSY');
    await engine.idle();
    assert.equal(rec.of('CallStatusEvent').at(-1)!.body.sipStatus, 486);
  });

  it('far end rejects with SIP 403: FAILED, info "SIP 403 FORBIDDEN", sipMessageRaw', async () => {
    const rec = recordingBackend();
    const engine = makeEngine({ backend: rec.backend, farEnd: (call) => (call.callee === '666' ? { kind: 'reject', sipStatus: 403 } : { kind: 'answer' }) });
    const c = await connected(engine);
    const r = await c.call('666');
    assert.equal(r.status, 'FAILED');
    assert.equal(r.info, 'SIP 403 FORBIDDEN');
    assert.match(String(r.frame.sipMessageRaw), /^SIP\/2\.0 403 Forbidden\r\n/);
    await engine.idle();
    const ev = rec.of('CallStatusEvent').at(-1)!.body;
    assert.equal(ev.status, 'FAILED');
    assert.equal(ev.info, 'SIP 403 FORBIDDEN');
    assert.match(String(ev.sipMessageRaw), /Call-ID: /);
    assert.equal((await c.call('1002')).status, 'ESTABLISHED');
  });

  it('far end 5xx and 6xx', async () => {
    for (const [sipStatus, status, info] of [[503, 'FAILED', 'SIP 503 SERVICE UNAVAILABLE'], [603, 'FAILED', 'SIP 603 DECLINE'], [600, 'BUSY', 'SIP 600 BUSY EVERYWHERE']] as const) {
      const engine = makeEngine({ backend: recordingBackend().backend, farEnd: { kind: 'reject', sipStatus } });
      const c = await connected(engine);
      const r = await c.call('1002');
      assert.equal(r.status, status);
      assert.equal(r.info, info);
    }
  });

  it('far end answers later and hangs up by itself', async () => {
    const rec = recordingBackend();
    const engine = makeEngine({ backend: rec.backend, farEnd: { kind: 'answer', afterMs: 5, hangupAfterMs: 5 } });
    const c = await connected(engine);
    const r = await c.call('1002');
    assert.equal(r.status, 'ESTABLISHED');
    const fin = await c.waitFor((f) => f.message === 'finish', 'finish');
    assert.equal((fin.data[0] as { status: string }).status, 'FINISH');
    await engine.idle();
    assert.deepEqual(rec.sequence().slice(-2), ['CallStatusEvent ESTABLISHED', 'CallStatusEvent FINISH']);
  });

  it('hangup while ringing cancels the far end', async () => {
    const rec = recordingBackend();
    const engine = makeEngine({ backend: rec.backend, farEnd: { kind: 'answer', afterMs: 60_000 } });
    const c = await connected(engine);
    const pending = c.call('1002');
    const ring = await c.waitFor((f) => f.message === 'ring', 'ring');
    const callId = String((ring.data[0] as { callId: string }).callId);
    await c.callAction('hangup', callId, ['FINISH']);
    assert.equal((await pending).status, 'FINISH');
    await engine.close();
    assert.equal(rec.of('CallStatusEvent').filter((h) => h.body.status === 'ESTABLISHED').length, 0);
  });

  it('hold, unhold, sendDtmf, transfer', async () => {
    const rec = recordingBackend();
    const engine = makeEngine({ backend: rec.backend });
    const c = await connected(engine);
    const r = await c.call('1002');
    assert.equal((await c.callAction('hold', r.id, ['HOLD'])).status, 'HOLD');
    assert.equal((await c.callAction('unhold', r.id, ['ESTABLISHED'])).status, 'ESTABLISHED');
    c.sendFrame('sendDtmf', { callId: r.id, type: 'RFC2833', dtmf: '5' });
    const fin = c.waitFor((f) => f.message === 'finish', 'finish');
    c.sendFrame('transfer', { callId: r.id, target: '1003' });
    await fin;
    await engine.idle();
    assert.deepEqual(rec.sequence().slice(6), [
      'hold', 'CallStatusEvent HOLD', 'unhold', 'CallStatusEvent ESTABLISHED', 'sendDtmf', 'transfer',
      'TransferStatusEvent ACCEPTED', 'TransferStatusEvent TRYING', 'TransferStatusEvent COMPLETED', 'CallStatusEvent FINISH',
    ]);
    assert.equal(rec.of('sendDtmf')[0]!.body.dtmf, '5');
    assert.equal(rec.of('transfer')[0]!.body.target, '1003');
    assert.deepEqual(framesNamed(c, 'notifyTransferEvent').map((f) => f.status), ['ACCEPTED', 'TRYING', 'COMPLETED']);
  });

  it('hold declined under FAIL: the call stays up, the client gets WARN', async () => {
    const rec = recordingBackend((m, b) => (m === 'connect' ? { status: 200, body: { ...b, restClientConfig: { hold: { restOnError: 'FAIL' } } } } : m === 'hold' ? forbid('no hold') : undefined));
    const engine = makeEngine({ backend: rec.backend });
    const c = await connected(engine);
    const r = await c.call('1002');
    const res = await c.callAction('hold', r.id, ['HOLD']);
    assert.equal(res.info, 'no hold');
    assert.equal(engine.sessions()[0]!.calls[0]!.status, 'ESTABLISHED');
  });

  it('incoming call: OnCallEvent, setRemoteSDP (offer) before notifyIncomingCall, answer, far end hangs up', async () => {
    const rec = recordingBackend();
    const engine = makeEngine({ backend: rec.backend });
    const c = await connected(engine, { sip: { login: '1001' } });
    const res = await engine.injectIncomingCall(c.sessionId!, { caller: '2002', hasVideo: true });
    assert.equal(res.offered, true);
    const msgs = c.frames.map((f) => f.message);
    assert.ok(msgs.indexOf('setRemoteSDP') < msgs.indexOf('notifyIncomingCall'));
    const offer = String(c.frames.find((f) => f.message === 'setRemoteSDP')!.data[1]);
    assert.match(offer, /m=audio/);
    assert.match(offer, /m=video/);
    assert.equal((await c.answer(res.callId)).status, 'ESTABLISHED');
    await engine.hangupFromFarEnd(res.callId);
    await engine.idle();
    assert.deepEqual(rec.sequence().slice(2), ['OnCallEvent', 'CallStatusEvent RING', 'answer', 'CallStatusEvent ESTABLISHED', 'CallStatusEvent FINISH']);
    assert.equal(rec.of('answer')[0]!.body.callId, res.callId);
    assert.ok(c.sdkEvents.includes(`session INCOMING_CALL from 2002 (call ${res.callId.slice(0, 8)})`));
  });

  it('incoming call to no matching session is a clear error', async () => {
    const engine = makeEngine({ backend: recordingBackend().backend });
    await assert.rejects(engine.injectIncomingCall('nobody', { caller: '1' }), /no established session matches "nobody"/);
  });
});

describe('wcs engine: data and other hooks', () => {
  afterEach(closeEngines);

  it('sendData: OnDataEvent hook with operationId and payload, DataStatusEvent ACCEPTED', async () => {
    const rec = recordingBackend();
    const engine = makeEngine({ backend: rec.backend });
    const c = await connected(engine);
    const r = await c.sendData({ message: 'hello' });
    assert.deepEqual(r.frame, { operationId: r.id, status: 'ACCEPTED' });
    await engine.idle();
    assert.deepEqual(rec.sequence().slice(2), ['OnDataEvent', 'DataStatusEvent ACCEPTED']);
  });

  it('pushData: the client gets OnDataEvent {payload}', async () => {
    const engine = makeEngine({ backend: recordingBackend().backend });
    const c = await connected(engine, { sip: { login: '1001' } });
    engine.pushData('1001', { type: 'chat', text: 'from server' });
    await engine.idle();
    assert.deepEqual(framesNamed(c, 'OnDataEvent')[0]!.payload, { type: 'chat', text: 'from server' });
    assert.ok(c.sdkEvents.includes('session APP_DATA {"type":"chat","text":"from server"}'));
  });

  it('hook(): fires any method under the session\'s config (messaging has no WebSDK API)', async () => {
    const rec = recordingBackend((m, b) => (m === 'connect' ? { status: 200, body: { ...b, restClientConfig: { sendMessage: { restExclude: 'body' } } } } : undefined));
    const engine = makeEngine({ backend: rec.backend });
    const c = await connected(engine);
    const r = await engine.hook(c.sessionId!, 'sendMessage', { from: '1001', to: '1002', body: 'hi', sessionId: 'spoof' });
    assert.equal(r.ok, true);
    const body = rec.of('sendMessage')[0]!.body;
    assert.equal(body.sessionId, c.sessionId);
    assert.equal('body' in body, false);
  });

  it('sessionDebug, submitBugReport, pushLogs reach the backend', async () => {
    const rec = recordingBackend();
    const engine = makeEngine({ backend: rec.backend });
    const c = await connected(engine);
    c.sendFrame('sessionDebug', { command: 'start' });
    c.sendFrame('submitBugReport', { text: 'broken' });
    c.sendFrame('pushLogs', { logs: 'x' });
    await engine.idle();
    assert.deepEqual(rec.sequence().slice(2), ['sessionDebug', 'SessionDebugStatusEvent STARTED', 'submitBugReport', 'pushLogs']);
    assert.deepEqual(framesNamed(c, 'notifySessionDebugEvent'), [{ status: 'STARTED' }]);
  });
});
