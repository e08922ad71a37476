/**
 * The engine side of media and faults, in Node (synthetic media): the injected callId, pings and pongs in
 * the log, what each fault sends to backend and client, and that every stream and call hands its media
 * leg back to the media plane.
 */
import { strict as assert } from 'node:assert';
import { SILENT_ICE_PORT } from '../../../mock-server/wcs/sdp';
import { SyntheticMedia, type MediaAnswerRequest, type MediaOfferRequest } from '../../../mock-server/wcs/media';
import { closeEngines, connected, framesNamed, makeEngine, recordingBackend } from './support';

describe('wcs engine: injected call ids', () => {
  afterEach(closeEngines);

  it('a given callId is the call\'s id everywhere, and answer() with it works', async () => {
    const rec = recordingBackend();
    const engine = makeEngine({ backend: rec.backend });
    const c = await connected(engine, { sip: { login: '1001' } });
    const res = await engine.injectIncomingCall('1001', { caller: '2002', callId: 'pbx-77@sip.test' });
    assert.equal(res.callId, 'pbx-77@sip.test');
    assert.equal(rec.of('OnCallEvent')[0]!.body.callId, 'pbx-77@sip.test');
    assert.deepEqual(c.frames.find((f) => f.message === 'setRemoteSDP')!.data[0], 'pbx-77@sip.test');
    assert.equal(framesNamed(c, 'notifyIncomingCall')[0]!.callId, 'pbx-77@sip.test');
    assert.deepEqual(engine.sessions()[0]!.calls.map((x) => x.callId), ['pbx-77@sip.test']);
    assert.equal((await c.answer('pbx-77@sip.test')).status, 'ESTABLISHED');
    assert.equal(rec.of('answer')[0]!.body.callId, 'pbx-77@sip.test');
  });

  it('takes fields.callId too, and refuses two different ids or one already in use', async () => {
    const engine = makeEngine({ backend: recordingBackend().backend });
    const c = await connected(engine, { sip: { login: '1001' } });
    const res = await engine.injectIncomingCall('1001', { caller: '2002', fields: { callId: 'from-fields@x' } });
    assert.equal(res.callId, 'from-fields@x');
    assert.equal(framesNamed(c, 'notifyIncomingCall')[0]!.callId, 'from-fields@x');
    await assert.rejects(engine.injectIncomingCall('1001', { caller: '2', callId: 'a@x', fields: { callId: 'b@x' } }), /differ/);
    await assert.rejects(engine.injectIncomingCall('1001', { caller: '2', callId: 'from-fields@x' }), /already exists/);
    await assert.rejects(engine.injectIncomingCall('1001', { caller: '2', callId: '' }), /non-empty string/);
  });
});

describe('wcs engine: keep-alive in the log', () => {
  afterEach(closeEngines);

  it('logs every server ping and every client pong and ping', async () => {
    const engine = makeEngine({ backend: recordingBackend().backend, pingIntervalMs: 20 });
    const c = await connected(engine);
    await c.waitFor((f) => f.message === 'ping', 'a server ping');
    const pong = c.waitFor((f) => f.message === 'pong', 'the pong to our ping');
    c.sendFrame('ping', null);
    await pong;
    const deadline = Date.now() + 20_000;
    while (!engine.log.some((e) => e.kind === 'client-message' && e.message === 'pong') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    const kinds = engine.log.map((e) => ('message' in e ? `${e.kind} ${e.message}` : e.kind));
    assert.ok(kinds.includes('client-frame ping'), kinds.join(', '));
    assert.ok(kinds.includes('client-message pong'), kinds.join(', '));
    assert.ok(kinds.includes('client-message ping'), kinds.join(', '));
    assert.ok(kinds.includes('client-frame pong'), kinds.join(', '));
    assert.match(engine.logText(), /client ← ping/);
  });

  it('silence: no more pings and no pongs for that session, until resumed', async () => {
    const engine = makeEngine({ backend: recordingBackend().backend, pingIntervalMs: 10, maxMissedPings: 1000 });
    const c = await connected(engine);
    await c.waitFor((f) => f.message === 'ping', 'a server ping');
    engine.faults.silence(c.sessionId);
    // Wait for our own ping to be handled (it is logged) rather than for time to pass.
    c.sendFrame('ping', null);
    const logged = () => engine.log.filter((e) => e.kind === 'client-message' && e.message === 'ping').length;
    while (logged() < 1) await new Promise((r) => setTimeout(r, 5));
    const pingsBefore = c.frames.filter((f) => f.message === 'ping').length;
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(c.frames.filter((f) => f.message === 'pong').length, 0, 'no pong while silenced');
    assert.equal(c.frames.filter((f) => f.message === 'ping').length, pingsBefore, 'no ping while silenced');
    assert.match(engine.logText(), /keep-alive silenced/);
    engine.faults.silence(c.sessionId, false);
    await c.waitFor((f) => f.message === 'ping' && c.frames.filter((x) => x.message === 'ping').length > pingsBefore, 'pings again');
  });
});

describe('wcs engine: faults', () => {
  afterEach(closeEngines);

  it('failStream by name: the publisher fails with the info, backend first; its players stop', async () => {
    const rec = recordingBackend();
    const engine = makeEngine({ backend: rec.backend });
    const pub = await connected(engine);
    const viewer = await connected(engine);
    const p = await pub.publish('cam1');
    const v = await viewer.play('cam1');
    const affected = await engine.faults.failStream('cam1', 'Failed by ICE timeout');
    assert.deepEqual(affected, [p.id]);
    await viewer.waitFor((f) => f.message === 'notifyStreamStatusEvent' && (f.data[0] as { status?: string }).status === 'STOPPED', 'player stopped');
    await engine.idle();
    assert.ok(pub.sdkEvents.includes('stream cam1 FAILED: Failed by ICE timeout'), pub.sdkEvents.join('\n'));
    assert.ok(viewer.sdkEvents.includes('stream cam1 STOPPED: Stopped by publisher stop'), viewer.sdkEvents.join('\n'));
    const failed = rec.of('StreamStatusEvent').find((h) => h.body.status === 'FAILED')!;
    assert.equal(failed.body.info, 'Failed by ICE timeout');
    assert.equal(failed.body.mediaSessionId, p.id);
    assert.equal(engine.sessions().flatMap((s) => s.streams).length, 0);
    assert.ok(v.id);
  });

  it('failStream by mediaSessionId hits that stream only; an unknown one is a clear error', async () => {
    const engine = makeEngine({ backend: recordingBackend().backend });
    const c = await connected(engine);
    await c.publish('cam1');
    const v = await c.play('cam1');
    await engine.faults.failStream(v.id, 'Failed by RTP activity');
    assert.ok(c.sdkEvents.includes('stream cam1 FAILED: Failed by RTP activity'));
    assert.deepEqual(engine.sessions()[0]!.streams.map((s) => s.published), [true]);
    await assert.rejects(engine.faults.failStream('nope'), /no live stream matches "nope"/);
    await assert.rejects(engine.faults.failStream('cam1', 'x', 'PAUSED' as 'FAILED'), /status must be one of/);
  });

  it('streamEvent: notifyStreamEvent with the payload the SDK reads; a broken notEnoughBandwidth is refused', async () => {
    const engine = makeEngine({ backend: recordingBackend().backend });
    const c = await connected(engine);
    const p = await c.publish('cam1');
    await engine.faults.streamEvent('cam1', 'resize');
    await engine.faults.streamEvent(p.id, 'notEnoughBandwidth');
    assert.deepEqual(framesNamed(c, 'notifyStreamEvent'), [
      { mediaSessionId: p.id, type: 'resize', payload: { streamerVideoWidth: 640, streamerVideoHeight: 360 } },
      { mediaSessionId: p.id, type: 'notEnoughBandwidth', payload: { info: '300000/250000' } },
    ]);
    await assert.rejects(engine.faults.streamEvent('cam1', 'notEnoughBandwidth', { bitrate: 1 }), /payload \{info/);
  });

  it('breakNextAnswer: only the next answer of that kind is broken', async () => {
    const engine = makeEngine({ backend: recordingBackend().backend });
    const c = await connected(engine);
    engine.faults.breakNextAnswer('play');
    await c.publish('cam1');
    await c.play('cam1');
    await c.play('cam1');
    const answers = c.frames.filter((f) => f.message === 'setRemoteSDP').map((f) => String(f.data[1]));
    assert.deepEqual(answers.map((a) => /a=setup:actpass/.test(a)), [false, true, false]);
    assert.match(engine.logText(), /play answer broken on purpose/);
  });

  it('snapshot: snapshotFailed for a name not live, snapshotCompleted for a live one', async () => {
    const engine = makeEngine({ backend: recordingBackend().backend });
    const c = await connected(engine);
    c.sendFrame('snapshot', { name: 'cam1', mediaSessionId: 'm-1' });
    const failed = await c.waitFor((f) => f.message === 'notifyStreamEvent', 'snapshot result');
    assert.deepEqual(failed.data[0], { mediaSessionId: 'm-1', type: 'snapshotFailed', payload: { info: 'Stream not found' } });
    await c.publish('cam1');
    c.sendFrame('snapshot', { name: 'cam1', mediaSessionId: 'm-2' });
    const done = await c.waitFor((f) => f.message === 'notifyStreamEvent' && (f.data[0] as { mediaSessionId?: string }).mediaSessionId === 'm-2', 'snapshot result');
    assert.equal((done.data[0] as { type?: string }).type, 'snapshotCompleted');
  });

  it('play of a VOD file: FAILED "File not found" unless the file is listed in vodFiles', async () => {
    const engine = makeEngine({ backend: recordingBackend().backend, vodFiles: ['here.mp4'] });
    const c = await connected(engine);
    assert.deepEqual([(await c.play('vod://missing.mp4')).status, (await c.play('vod://missing.mp4')).info], ['FAILED', 'File not found']);
    assert.equal((await c.play('vod-live://here.mp4')).status, 'PLAYING');
  });

  it('playUnpublished: plays by default, FAILED "Stream not found" with "fail" until someone publishes', async () => {
    const lenient = makeEngine({ backend: recordingBackend().backend });
    assert.equal((await (await connected(lenient)).play('nobody')).status, 'PLAYING');
    const strict = makeEngine({ backend: recordingBackend().backend, playUnpublished: 'fail' });
    const c = await connected(strict);
    const r = await c.play('cam1');
    assert.deepEqual([r.status, r.info], ['FAILED', 'Stream not found']);
    await c.publish('cam1');
    assert.equal((await c.play('cam1')).status, 'PLAYING');
  });

  it('dropSession and apply(): the client sees the socket close; invalid specs are refused with the reason', async () => {
    const rec = recordingBackend();
    const engine = makeEngine({ backend: rec.backend });
    const c = await connected(engine);
    await assert.rejects(engine.faults.apply({ fault: 'failStream' }), /invalid fault: stream/);
    await assert.rejects(engine.faults.apply({ fault: 'explode' }), /invalid fault/);
    const r = await engine.faults.apply({ fault: 'dropSession', session: c.sessionId, reason: 'Node restart' });
    assert.deepEqual(r, { fault: 'dropSession', affected: [c.sessionId] });
    await c.whenClosed();
    await engine.idle();
    assert.equal(engine.sessions().length, 0);
    assert.equal(rec.sequence().at(-1), 'ConnectionStatusEvent DISCONNECTED');
  });
});

describe('wcs engine: media legs', () => {
  afterEach(closeEngines);

  /** A synthetic plane that records what the engine asks of it. */
  function recordingPlane() {
    const calls: string[] = [];
    const inner = new SyntheticMedia();
    const plane = Object.assign(Object.create(SyntheticMedia.prototype) as SyntheticMedia, {
      mode: 'synthetic' as const,
      answer: (r: MediaAnswerRequest) => (calls.push(`answer ${r.kind} ${r.name ?? ''}`), inner.answer(r)),
      offer: (r: MediaOfferRequest) => (calls.push(`offer ${r.name ?? ''} video=${r.video}`), inner.offer(r)),
      accept: async (id: string) => void calls.push(`accept ${id}`),
      release: (id: string) => void calls.push(`release ${id}`),
      releaseSession: () => void calls.push('releaseSession'),
      openConnections: () => 0,
      close: () => void calls.push('close'),
    });
    return { plane, calls };
  }

  it('each stream and call gets a leg and gives it back when it ends; a session end releases the rest', async () => {
    const { plane, calls } = recordingPlane();
    const engine = makeEngine({ backend: recordingBackend().backend, media: plane });
    const c = await connected(engine, { sip: { login: '1001' } });
    const p = await c.publish('cam1');
    const v = await c.play('cam1');
    await c.stopStream(v.id, false);
    const call = await c.call('bob');
    await c.callAction('hangup', call.id, ['FINISH']);
    const inc = await engine.injectIncomingCall('1001', { caller: 'carol', callId: 'in-1@x', hasVideo: true });
    await c.answer(inc.callId);
    c.disconnect();
    await engine.idle();
    assert.deepEqual(calls, [
      'answer publish cam1', 'answer play cam1', `release ${v.id}`,
      'answer call bob', `release ${call.id}`,
      'offer carol video=true', 'accept in-1@x',
      `release ${p.id}`, 'releaseSession',
    ]);
    await engine.close();
    assert.equal(calls.at(-1), 'close');
  });

  it('the synthetic answer\'s candidate is on a port Chromium checks (not below 1024)', async () => {
    const engine = makeEngine({ backend: recordingBackend().backend });
    const c = await connected(engine);
    await c.publish('cam1');
    const answer = String(c.frames.find((f) => f.message === 'setRemoteSDP')!.data[1]);
    assert.match(answer, new RegExp(`a=candidate:1 1 udp \\d+ 127\\.0\\.0\\.1 ${SILENT_ICE_PORT} typ host`));
    assert.ok(SILENT_ICE_PORT > 1023);
  });
});

describe('docs/wcs-media.md example', () => {
  it('docs/examples/wcs-faults.ts runs and prints what the doc says', async () => {
    const { execFile } = await import('node:child_process');
    const path = await import('node:path');
    const root = path.resolve(__dirname, '../../..');
    const out = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, ['--import', 'tsx', 'docs/examples/wcs-faults.ts'], { cwd: root, timeout: 60_000 }, (err, stdout, stderr) =>
        err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout),
      ),
    );
    assert.match(out, /publisher saw: .*stream cam1 FAILED: Failed by RTP activity/);
    assert.match(out, /viewer saw: .*stream cam1 STOPPED: Stopped by publisher stop/);
  });
});

describe('installWcsMock media option (Node)', () => {
  it('defaults to synthetic without RTCPeerConnection, and says why loopback cannot run here', async () => {
    const { installWcsMock } = await import('../../../mock-server/wcs/mockSocket');
    const backend = { handler: () => ({ status: 200 }) };
    const mock = installWcsMock({ url: 'ws://127.0.0.1:18080', backend, pingIntervalMs: 0 });
    try {
      assert.equal(mock.engine.media.mode, 'synthetic');
    } finally {
      await mock.uninstall();
    }
    assert.throws(() => installWcsMock({ url: 'ws://127.0.0.1:18080', backend, media: 'loopback' }), /loopback media needs a page with RTCPeerConnection/);
    assert.throws(() => installWcsMock({ url: 'ws://127.0.0.1:18080', backend, media: 'webrtc' as 'loopback' }), /media must be "loopback", "synthetic" or a MediaPlane/);
  });
});
