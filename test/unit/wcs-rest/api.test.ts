import assert from 'node:assert/strict';
import { createWcsRestApi, type WcsRestApi, type WcsRestApiOptions } from '../../../mock-server/wcs/rest';
import type { WcsEngine } from '../../../mock-server/wcs/engine';
import type { ScriptedClient } from '../../../mock-server/wcs/scriptedClient';
import { closeEngines, connected, makeEngine, recordingBackend } from '../wcs/support';

type Row = Record<string, unknown>;

function setup(opts: WcsRestApiOptions = {}, engineOpts: Parameters<typeof makeEngine>[0] extends infer O ? Partial<O> : never = {}) {
  const rec = recordingBackend();
  const engine = makeEngine({ backend: rec.backend, ...engineOpts });
  const api = createWcsRestApi(engine, opts);
  return { rec, engine, api };
}

function frameAfter(c: ScriptedClient, message: string, test: (d: Row) => boolean = () => true) {
  return c.waitFor((f) => f.message === message && test(f.data[0] as Row), message);
}

function restLog(engine: WcsEngine): string[] {
  return engine.logText().split('\n').filter((l) => /^(rest|control) /.test(l));
}

describe('WCS REST API (in-process)', () => {
  let api: WcsRestApi | undefined;
  afterEach(async () => {
    api?.close();
    await closeEngines();
  });

  it('stream/find_all lists a published stream with the fields the hooks carry; find filters; nothing → 404', async () => {
    const t = setup();
    api = t.api;
    assert.deepEqual(await t.api.call('stream/find_all'), { status: 404, json: undefined, text: 'Stream not found' });
    const c = await connected(t.engine);
    const pub = await c.publish('cam1');
    const all = await t.api.call('stream/find_all');
    assert.equal(all.status, 200);
    const rows = all.json as Row[];
    assert.equal(rows.length, 1);
    const sessionId = t.rec.of('connect')[0]!.body.sessionId;
    assert.deepEqual(
      { mediaSessionId: rows[0]!.mediaSessionId, name: rows[0]!.name, published: rows[0]!.published, status: rows[0]!.status, sessionId: rows[0]!.sessionId, appKey: rows[0]!.appKey, nodeId: rows[0]!.nodeId, mediaType: rows[0]!.mediaType },
      { mediaSessionId: pub.id, name: 'cam1', published: true, status: 'PUBLISHING', sessionId, appKey: 'defaultApp', nodeId: t.engine.nodeId, mediaType: 'publish' },
    );
    assert.equal(rows[0]!.sdp, undefined, 'the SDP is per negotiation, not part of the listed stream');
    assert.equal((await t.api.call('stream/find', { name: 'cam1', published: true })).status, 200);
    assert.equal((await t.api.call('stream/find', { name: 'cam1', published: 'false' })).status, 404, 'booleans as strings, as WCS examples send them');
    assert.deepEqual(((await t.api.call('stream/find', { mediaSessionId: pub.id, display: ['metrics'] })).json as Row[])[0]!.metrics, {});
    const get = await t.api.handle({ method: 'GET', url: '/rest-api/stream/find_all' });
    assert.equal(get.status, 200, 'the WebSDK wrapper sends GET for parameterless methods');
    assert.equal(get.headers['Content-Type'], 'application/json;charset=UTF-8');
  });

  it('stream/terminate: the publisher gets UNPUBLISHED "Stopped by rest /terminate", its player STOPPED, the backend StreamStatusEvent', async () => {
    const t = setup();
    api = t.api;
    const pubClient = await connected(t.engine);
    const player = await connected(t.engine);
    const pub = await pubClient.publish('cam1');
    const play = await player.play('cam1');
    assert.equal(play.status, 'PLAYING');
    const pubEnd = frameAfter(pubClient, 'notifyStreamStatusEvent', (d) => d.mediaSessionId === pub.id);
    const playEnd = frameAfter(player, 'notifyStreamStatusEvent', (d) => d.mediaSessionId === play.id);
    const r = await t.api.call('stream/terminate', { mediaSessionId: pub.id });
    assert.deepEqual(r, { status: 200, json: undefined, text: '' }, 'an action answers an empty 200');
    const p = (await pubEnd).data[0] as Row;
    assert.deepEqual([p.status, p.info], ['UNPUBLISHED', 'Stopped by rest /terminate']);
    const q = (await playEnd).data[0] as Row;
    assert.deepEqual([q.status, q.info], ['STOPPED', 'Stopped by publisher stop']);
    await t.engine.idle();
    const hook = t.rec.of('StreamStatusEvent').find((h) => h.body.mediaSessionId === pub.id && h.body.status === 'UNPUBLISHED');
    assert.equal(hook?.body.info, 'Stopped by rest /terminate');
    assert.equal(pubClient.closed, false, 'the WebSocket session stays open');
    assert.equal((await t.api.call('stream/terminate', { mediaSessionId: pub.id })).status, 404);
    assert.ok(restLog(t.engine).some((l) => l.startsWith(`rest stream/terminate {mediaSessionId=${pub.id}} → 200`)), restLog(t.engine).join('\n'));
  });

  it('stream/terminate with {published:false} stops every player and leaves publishers; FAILED when configured', async () => {
    const t = setup({ terminateStatus: 'FAILED' });
    api = t.api;
    const a = await connected(t.engine);
    const b = await connected(t.engine);
    const pub = await a.publish('s');
    const play = await b.play('s');
    const end = frameAfter(b, 'notifyStreamStatusEvent', (d) => d.mediaSessionId === play.id);
    assert.equal((await t.api.call('stream/terminate', { published: false })).status, 200);
    assert.deepEqual([((await end).data[0] as Row).status, ((await end).data[0] as Row).info], ['FAILED', 'Stopped by rest /terminate']);
    await t.engine.idle();
    assert.deepEqual(((await t.api.call('stream/find_all')).json as Row[]).map((s) => s.mediaSessionId), [pub.id]);
  });

  it('stream/snapshot answers a PNG for a published name, 404 otherwise', async () => {
    const t = setup();
    api = t.api;
    const c = await connected(t.engine);
    await c.publish('cam1');
    const r = await t.api.call('stream/snapshot', { streamName: 'cam1' });
    assert.equal(r.status, 200);
    const png = Buffer.from((r.json as { data: string }).data, 'base64');
    assert.deepEqual([...png.subarray(1, 4)], [...Buffer.from('PNG')]);
    assert.equal((await t.api.call('stream/snapshot', { streamName: 'nope' })).status, 404);
    assert.equal((await t.api.call('stream/snapshot', {})).status, 400);
  });

  it('data/send reaches the client as OnDataEvent with the payload; unknown session 404; no sessionId 400', async () => {
    const t = setup();
    api = t.api;
    const c = await connected(t.engine);
    const sessionId = t.rec.of('connect')[0]!.body.sessionId as string;
    const got = frameAfter(c, 'OnDataEvent');
    assert.equal((await t.api.call('data/send', { nodeId: 'x', operationId: 'op-1', sessionId, payload: { text: 'hi' } })).status, 200);
    assert.deepEqual((await got).data[0], { nodeId: t.engine.nodeId, appKey: 'defaultApp', sessionId, operationId: 'op-1', payload: { text: 'hi' } });
    assert.ok(c.sdkEvents.includes('session APP_DATA {"text":"hi"}'));
    const nf = await t.api.call('data/send', { sessionId: '/nope', payload: 1 });
    assert.equal(nf.status, 404);
    assert.match(nf.text, /Session not found: \/nope/);
    assert.deepEqual(await t.api.call('data/send', { payload: 1 }), { status: 400, json: undefined, text: 'sessionId is required' });
  });

  it('connection/find_all and connection/terminate: the session closes with its streams ended and ConnectionStatusEvent DISCONNECTED', async () => {
    const t = setup();
    api = t.api;
    const c = await connected(t.engine, { sip: { login: '1001' } });
    const pub = await c.publish('cam1');
    const rows = (await t.api.call('connection/find_all')).json as Row[];
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.sipLogin, '1001');
    assert.equal(rows[0]!.clientVersion, '2.0');
    const sessionId = rows[0]!.sessionId as string;
    assert.equal((await t.api.call('connection/find', { clientVersion: '2.0' })).status, 200);
    assert.equal((await t.api.call('connection/find', { appKey: 'other' })).status, 404);
    assert.equal((await t.api.call('connection/terminate', { sessionId })).status, 200);
    await c.whenClosed();
    await t.engine.idle();
    const seq = t.rec.sequence();
    assert.deepEqual(seq.slice(-2), ['StreamStatusEvent UNPUBLISHED', 'ConnectionStatusEvent DISCONNECTED']);
    assert.equal(t.rec.of('StreamStatusEvent').at(-1)!.body.mediaSessionId, pub.id);
    assert.equal((await t.api.call('connection/terminate', { sessionId })).status, 404);
    assert.equal((await t.api.call('connection/find_all')).status, 404);
  });

  it('call/startup places a SIP call with the call hooks; call/find follows it; call/terminate ends it FINISH', async () => {
    const t = setup({}, { farEnd: { kind: 'ring' } });
    api = t.api;
    const r = await t.api.call('call/startup', { callId: 'c-1', callee: '2002', sipLogin: '1001', hasAudio: 'true', hasVideo: 'false', appKey: 'defaultApp', sipPort: '5060' });
    assert.deepEqual(r, { status: 200, json: undefined, text: '' });
    await t.engine.idle();
    assert.deepEqual(t.rec.sequence(), ['call', 'CallStatusEvent TRYING', 'CallStatusEvent RING']);
    const hook = t.rec.of('call')[0]!.body;
    assert.deepEqual([hook.callId, hook.callee, hook.caller, hook.hasAudio, hook.hasVideo, hook.appKey], ['c-1', '2002', '1001', true, false, 'defaultApp']);
    const found = (await t.api.call('call/find', { callId: 'c-1' })).json as Row[];
    assert.deepEqual([found[0]!.status, found[0]!.callee, found[0]!.sessionId, found[0]!.incoming], ['RING', '2002', null, false]);
    assert.equal((await t.api.call('call/startup', { callId: 'c-1', callee: '3003' })).status, 409, 'a duplicate callId');
    assert.equal((await t.api.call('call/send_dtmf', { callId: 'c-1', dtmf: '12#', type: 'RFC2833' })).status, 200);
    assert.ok(t.engine.logText().includes('DTMF 12# (RFC2833) sent to the far end of call c-1'));
    assert.equal((await t.api.call('call/send_dtmf', { callId: 'c-1', dtmf: 'x' })).status, 400);
    assert.equal((await t.api.call('call/terminate', { callId: 'c-1' })).status, 200);
    await t.engine.idle();
    assert.equal(t.rec.sequence().at(-1), 'CallStatusEvent FINISH');
    assert.equal((await t.api.call('call/find', { callId: 'c-1' })).status, 404);
    assert.equal((await t.api.call('call/terminate', { callId: 'c-1' })).status, 404);
    assert.equal((await t.api.call('call/startup', { callId: 'c-2' })).status, 400, 'callee is required');
    assert.deepEqual(await t.api.call('call/startup', { callId: 'c-3', callee: '2002', appKey: 'noSuchApp' }), { status: 404, json: undefined, text: 'no application noSuchApp' });
  });

  it('call/terminate hangs up a browser call: the client gets finish', async () => {
    const t = setup({}, { farEnd: { kind: 'ring' } });
    api = t.api;
    const c = await connected(t.engine);
    const ringing = c.waitFor((f) => f.message === 'ring', 'ring');
    c.sendFrame('call', { callId: 'b-1', callee: '2002', hasAudio: true, hasVideo: false, status: 'PENDING' });
    await ringing;
    const fin = frameAfter(c, 'finish');
    assert.equal((await t.api.call('call/terminate', { callId: 'b-1' })).status, 200);
    assert.equal(((await fin).data[0] as Row).status, 'FINISH');
  });

  it('answers malformed bodies 400, unsimulated groups 501, unknown methods 404, GET on actions 405', async () => {
    const t = setup();
    api = t.api;
    const bad = await t.api.handle({ method: 'POST', url: '/rest-api/stream/find', body: '{"name":' });
    assert.equal(bad.status, 400);
    assert.match(bad.body, /^malformed JSON body: /);
    assert.equal((await t.api.handle({ method: 'POST', url: '/rest-api/stream/find', body: '[1]' })).status, 400);
    assert.equal((await t.api.call('stream/find', { name: 7 })).text, 'name must be a string, got 7');
    for (const path of ['push/startup', 'recorder/find_all', 'mixer/startup', 'transcoder/startup', 'cdn/show_routes', 'stream/startRecording']) {
      const r = await t.api.call(path, {});
      assert.equal(r.status, 501, path);
      assert.match(r.text, new RegExp(`^${path} is not simulated by wcs-hook-mock`));
    }
    assert.equal((await t.api.call('stream/bogus')).status, 404);
    assert.equal((await t.api.handle({ method: 'GET', url: '/other' })).status, 404);
    const get = await t.api.handle({ method: 'GET', url: '/rest-api/stream/terminate' });
    assert.deepEqual([get.status, get.headers.Allow], [405, 'POST']);
    const log = restLog(t.engine);
    assert.ok(log.some((l) => l.startsWith('rest push/startup → 501')), log.join('\n'));
  });

  it('Basic auth when configured: 401 with WWW-Authenticate without it, answers with it', async () => {
    const t = setup({ auth: { username: 'admin', password: 'sécret' } });
    api = t.api;
    const none = await t.api.handle({ method: 'POST', url: '/rest-api/stream/find_all' });
    assert.equal(none.status, 401);
    assert.match(none.headers['WWW-Authenticate']!, /^Basic /);
    const wrong = await t.api.handle({ method: 'POST', url: '/rest-api/stream/find_all', headers: { authorization: `Basic ${Buffer.from('admin:nope').toString('base64')}` } });
    assert.equal(wrong.status, 401);
    const right = await t.api.handle({ method: 'POST', url: '/rest-api/stream/find_all', headers: { authorization: `Basic ${Buffer.from('admin:sécret').toString('base64')}` } });
    assert.equal(right.status, 404, 'authenticated: nothing published yet');
  });

  it('browser origins: loopback ones get CORS headers, others 403 unless allowed; preflight answers', async () => {
    const t = setup();
    api = t.api;
    const local = await t.api.handle({ method: 'POST', url: '/rest-api/stream/find_all', headers: { origin: 'http://localhost:3000' } });
    assert.equal(local.headers['Access-Control-Allow-Origin'], 'http://localhost:3000');
    const evil = await t.api.handle({ method: 'POST', url: '/rest-api/stream/terminate', headers: { origin: 'https://evil.example' }, body: '{}' });
    assert.equal(evil.status, 403);
    const pre = await t.api.handle({ method: 'OPTIONS', url: '/rest-api/stream/find', headers: { origin: 'http://127.0.0.1:5173' } });
    assert.equal(pre.status, 204);
    assert.match(pre.headers['Access-Control-Allow-Headers']!, /content-type/);
    const open = createWcsRestApi(t.engine, { allowOrigins: '*' });
    assert.equal((await open.handle({ method: 'POST', url: '/rest-api/stream/find_all', headers: { origin: 'https://app.example' } })).status, 404);
    open.close();
  });

  it('emptyList 200 answers [] for a find with no match', async () => {
    const t = setup({ emptyList: 200 });
    api = t.api;
    assert.deepEqual(await t.api.call('call/find_all'), { status: 200, json: [], text: '[]' });
  });
});

describe('control API (in-process)', () => {
  let api: WcsRestApi | undefined;
  afterEach(async () => {
    api?.close();
    await closeEngines();
  });

  it('incoming-call rings the session of a callee; far-end hangup ends it FINISH', async () => {
    const t = setup();
    api = t.api;
    const c = await connected(t.engine, { sip: { login: '1001' } });
    const ring = frameAfter(c, 'notifyIncomingCall');
    const r = await t.api.call('/wcs-mock/incoming-call', { callee: '1001', caller: 'alice' });
    assert.equal(r.status, 200);
    const ans = r.json as { callId: string; offered: boolean; sipStatus: number };
    assert.deepEqual([ans.offered, ans.sipStatus], [true, 180]);
    const offered = (await ring).data[0] as Row;
    assert.deepEqual([offered.callId, offered.caller, offered.callee], [ans.callId, 'alice', '1001']);
    assert.equal((await c.answer(ans.callId)).status, 'ESTABLISHED');
    assert.equal((await t.api.call('/wcs-mock/far-end', { callId: ans.callId, action: 'busy' })).status, 409, 'an answered call cannot be busy');
    const fin = frameAfter(c, 'finish');
    const h = await t.api.call('/wcs-mock/far-end', { callId: ans.callId, action: 'hangup' });
    assert.deepEqual(h.json, { callId: ans.callId, sessionId: c.link.sessionId, status: 'FINISH' });
    assert.equal(((await fin).data[0] as Row).status, 'FINISH');
    assert.equal((await t.api.call('/wcs-mock/incoming-call', { callee: '9999' })).status, 404);
  });

  it('far-end busy answers a ringing outgoing call 486; fail-stream fails a stream; message fires OnMessageEvent; drop-session closes', async () => {
    const t = setup({}, { farEnd: { kind: 'ring' } });
    api = t.api;
    const c = await connected(t.engine, { sip: { login: '1001' } });
    const ringing = c.waitFor((f) => f.message === 'ring', 'ring');
    c.sendFrame('call', { callId: 'o-1', callee: '2002', hasAudio: true, status: 'PENDING' });
    await ringing;
    const busy = await t.api.call('/wcs-mock/far-end', { callId: 'o-1', action: 'busy' });
    assert.deepEqual((busy.json as Row).status, 'BUSY');
    assert.equal(t.rec.of('CallStatusEvent').at(-1)!.body.sipStatus, 486);

    const pub = await c.publish('cam1');
    const failed = frameAfter(c, 'notifyStreamStatusEvent', (d) => d.status === 'FAILED');
    const f = await t.api.call('/wcs-mock/fail-stream', { name: 'cam1', info: 'Failed by RTP activity' });
    assert.deepEqual(f.json, { affected: [pub.id] });
    assert.equal(((await failed).data[0] as Row).info, 'Failed by RTP activity');

    const m = await t.api.call('/wcs-mock/message', { to: '1001', from: 'bob', body: 'hello' });
    assert.equal(m.status, 200);
    assert.deepEqual([t.rec.of('OnMessageEvent')[0]!.body.from, t.rec.of('OnMessageEvent')[0]!.body.body], ['bob', 'hello']);

    const sessions = (await t.api.call('/wcs-mock/sessions')).json as { sessionId: string; sipLogin?: string }[];
    assert.equal(sessions[0]!.sipLogin, '1001');
    const d = await t.api.call('/wcs-mock/drop-session', { sessionId: sessions[0]!.sessionId, reason: 'test' });
    assert.equal(d.status, 200);
    await c.whenClosed();
    assert.equal(t.rec.sequence().at(-1), 'ConnectionStatusEvent DISCONNECTED');
    assert.equal((await t.api.call('/wcs-mock/bogus')).status, 404);
    assert.equal((await t.api.call('/wcs-mock/fail-stream', {})).status, 400);
  });

  it('fault applies any fault of the media faults from another process: a stream event reaches the client; a bad spec is 400, no such stream 404', async () => {
    const t = setup();
    api = t.api;
    const c = await connected(t.engine);
    const pub = await c.publish('cam1');
    const event = frameAfter(c, 'notifyStreamEvent');
    const r = await t.api.call('/wcs-mock/fault', { fault: 'streamEvent', stream: 'cam1', type: 'resize' });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json, { fault: 'streamEvent', affected: [pub.id] });
    assert.equal(((await event).data[0] as Row).type, 'resize');
    const armed = await t.api.call('/wcs-mock/fault', { fault: 'breakNextAnswer', kind: 'play' });
    assert.deepEqual(armed.json, { fault: 'breakNextAnswer', affected: [] });
    const bad = await t.api.call('/wcs-mock/fault', { fault: 'meltdown' });
    assert.equal(bad.status, 400);
    assert.match(bad.text, /invalid fault/);
    assert.equal((await t.api.call('/wcs-mock/fault', { fault: 'failStream', stream: 'nobody' })).status, 404);
  });
});

