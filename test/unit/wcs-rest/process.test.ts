/**
 * `wcs-hook-mock wcs --rest-port 0` as a subprocess, the way a backend's test suite runs it: a WebSocket
 * client publishes and calls, the backend's side is a hook server on port 0, and the REST API, the control
 * API and the `ctl` command are reached over HTTP from this process.
 */
import assert from 'node:assert/strict';
import { deadPort } from '../../support/wcsCli';
import { createHookServer, type HookServer } from '../../../mock-server/hooks';
import { WcsMockClient, WcsMockUnreachableError } from '../../../mock-server/wcs/control';
import type { ScriptedClient } from '../../../mock-server/wcs/scriptedClient';
import { runCli, type Running } from '../cli/process';
import { wsClient } from './wsLink';

type Row = Record<string, unknown>;

async function post(url: string, body?: string): Promise<{ status: number; text: string; json?: unknown }> {
  const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: body ?? '' });
  const text = await res.text();
  return { status: res.status, text, json: (res.headers.get('content-type') ?? '').includes('json') && text ? JSON.parse(text) : undefined };
}

async function until(check: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((r) => setTimeout(r, 20));
}

describe('wcs --rest-port (subprocess)', function () {
  // A subprocess through tsx on a loaded 2-core machine: startup alone can take seconds.
  this.timeout(120_000);
  let hooks: HookServer;
  let wcs: Running;
  let wsUrl: string;
  let restUrl: string;
  let origin: string;
  const clients: ScriptedClient[] = [];

  const hooksOf = (method: string) => hooks.journal.all().filter((e) => e.method === method).map((e) => e.body as Row);

  async function connectedClient(sipLogin?: string): Promise<ScriptedClient> {
    const c = wsClient(wsUrl);
    clients.push(c);
    const r = await c.connect(sipLogin ? { sip: { login: sipLogin } } : {});
    assert.ok(r.established, `not established: ${r.info}`);
    return c;
  }

  async function serverSessionId(sipLogin: string): Promise<string> {
    const rows = (await post(`${restUrl}/connection/find`, JSON.stringify({ sipLogin }))).json as Row[];
    return rows[0]!.sessionId as string;
  }

  before(async () => {
    hooks = createHookServer({ port: 0, policy: 'echo-all' });
    await hooks.listen();
    wcs = runCli(['wcs', '--backend', `${hooks.url}/EchoApp`, '--port', '0', '--ping', '0', '--far-end', 'ring', '--rest-port', '0']);
    wsUrl = (await wcs.waitFor(/listening on (ws:\/\/\S+)/))[1]!;
    const m = await wcs.waitFor(/REST API on (http:\/\/127\.0\.0\.1:\d+)\/rest-api/);
    origin = m[1]!;
    restUrl = `${origin}/rest-api`;
  });

  afterEach(() => {
    for (const c of clients.splice(0)) c.disconnect();
  });

  after(async () => {
    wcs?.child.kill('SIGTERM');
    await wcs?.exited;
    await hooks?.close();
  });

  it('stream/find_all lists a published stream; stream/terminate ends it with the client status and the hook; unknown → 404', async () => {
    const c = await connectedClient('pub1');
    const pub = await c.publish('cam-rest');
    const all = await post(`${restUrl}/stream/find_all`);
    assert.equal(all.status, 200);
    const row = (all.json as Row[]).find((r) => r.mediaSessionId === pub.id)!;
    assert.deepEqual([row.name, row.published, row.status, row.appKey, row.mediaType], ['cam-rest', true, 'PUBLISHING', 'defaultApp', 'publish']);
    assert.equal(row.sessionId, await serverSessionId('pub1'));

    const ended = c.waitFor((f) => f.message === 'notifyStreamStatusEvent' && (f.data[0] as Row).mediaSessionId === pub.id && (f.data[0] as Row).status !== 'PUBLISHING', 'terminated');
    assert.deepEqual(await post(`${restUrl}/stream/terminate`, JSON.stringify({ mediaSessionId: pub.id })), { status: 200, text: '', json: undefined });
    const f = (await ended).data[0] as Row;
    assert.deepEqual([f.status, f.info], ['UNPUBLISHED', 'Stopped by rest /terminate']);
    await until(() => hooksOf('StreamStatusEvent').some((b) => b.mediaSessionId === pub.id && b.status === 'UNPUBLISHED'));
    assert.equal(hooksOf('StreamStatusEvent').find((b) => b.mediaSessionId === pub.id && b.status === 'UNPUBLISHED')!.info, 'Stopped by rest /terminate');

    const again = await post(`${restUrl}/stream/terminate`, JSON.stringify({ mediaSessionId: pub.id }));
    assert.deepEqual([again.status, again.text], [404, 'Stream not found']);
    await wcs.waitFor(/ rest stream\/terminate \{mediaSessionId=\S+\} → 404 Stream not found/);
    assert.match(wcs.stdout(), /rest stream\/terminate \{mediaSessionId=\S+\} → 200 1 stream\(s\) terminated/);
  });

  it('data/send reaches the client as OnDataEvent; bad JSON → 400 with a message; push → 501', async () => {
    const c = await connectedClient('data1');
    const sessionId = await serverSessionId('data1');
    const got = c.waitFor((f) => f.message === 'OnDataEvent', 'OnDataEvent');
    assert.equal((await post(`${restUrl}/data/send`, JSON.stringify({ sessionId, operationId: 'op-7', payload: { hello: 'there' } }))).status, 200);
    assert.deepEqual(((await got).data[0] as Row).payload, { hello: 'there' });
    const bad = await post(`${restUrl}/data/send`, '{"sessionId": ');
    assert.equal(bad.status, 400);
    assert.match(bad.text, /^malformed JSON body: /);
    const push = await post(`${restUrl}/push/startup`, JSON.stringify({ streamName: 'x', rtmpUrl: 'rtmp://h/l' }));
    assert.equal(push.status, 501);
    assert.match(push.text, /push\/startup is not simulated/);
  });

  it('connection/terminate closes the session: ConnectionStatusEvent DISCONNECTED reaches the backend', async () => {
    const c = await connectedClient('drop1');
    const sessionId = await serverSessionId('drop1');
    assert.equal((await post(`${restUrl}/connection/terminate`, JSON.stringify({ sessionId }))).status, 200);
    await c.whenClosed();
    await until(() => hooksOf('ConnectionStatusEvent').some((b) => b.sessionId === sessionId && b.status === 'DISCONNECTED'));
    assert.equal((await post(`${restUrl}/connection/find`, JSON.stringify({ sessionId }))).status, 404);
  });

  it('call/startup places a SIP call (call, TRYING, RING hooks); call/terminate ends it (FINISH)', async () => {
    const callId = `rest-call-${process.pid}`;
    const r = await post(`${restUrl}/call/startup`, JSON.stringify({ callId, callee: '2002', sipLogin: '1001', hasAudio: 'true', hasVideo: 'false', appKey: 'defaultApp' }));
    assert.equal(r.status, 200);
    const statuses = () => hooksOf('CallStatusEvent').filter((b) => b.callId === callId).map((b) => b.status);
    await until(() => statuses().includes('RING'));
    assert.equal(hooksOf('call').find((b) => b.callId === callId)!.callee, '2002');
    assert.equal(((await post(`${restUrl}/call/find`, JSON.stringify({ callId }))).json as Row[])[0]!.status, 'RING');
    assert.equal((await post(`${restUrl}/call/terminate`, JSON.stringify({ callId }))).status, 200);
    await until(() => statuses().includes('FINISH'));
    assert.deepEqual(statuses(), ['TRYING', 'RING', 'FINISH']);
    assert.equal((await post(`${restUrl}/call/terminate`, JSON.stringify({ callId }))).status, 404);
  });

  it('the control API (WcsMockClient) and the ctl command ring a client with an incoming call; ctl hangup ends it', async () => {
    const c = await connectedClient('1001');
    const mock = new WcsMockClient(origin);
    const first = c.waitFor((f) => f.message === 'notifyIncomingCall', 'incoming call');
    const r = await mock.incomingCall({ callee: '1001', caller: 'alice' });
    assert.deepEqual([r.offered, r.sipStatus], [true, 180]);
    assert.equal(((await first).data[0] as Row).caller, 'alice');

    const second = c.waitFor((f) => f.message === 'notifyIncomingCall' && (f.data[0] as Row).caller === 'bob', 'second incoming call');
    const ctl = runCli(['ctl', 'incoming-call', '--callee', '1001', '--caller', 'bob', '--server', origin]);
    const done = await ctl.exited;
    assert.equal(done.code, 0, ctl.stderr());
    const line = ctl.stdout().trim();
    const m = line.match(/^incoming call (\S+) ringing on (\S+) \(SIP 180\)$/);
    assert.ok(m, line);
    assert.equal(((await second).data[0] as Row).callId, m[1]);

    const finish = c.waitFor((f) => f.message === 'finish' && (f.data[0] as Row).callId === m[1], 'finish');
    const hang = runCli(['ctl', 'hangup', '--call-id', m[1]!, '--server', origin]);
    assert.equal((await hang.exited).code, 0, hang.stderr());
    assert.equal(hang.stdout().trim(), `call ${m[1]} FINISH (far end hung up)`);
    assert.equal(((await finish).data[0] as Row).status, 'FINISH');
    assert.ok(hooksOf('OnCallEvent').some((b) => b.caller === 'bob'));
  });

  it('ctl says in one line when no server answers, and exits 1; usage errors exit 2', async () => {
    const port = await deadPort();
    const ctl = runCli(['ctl', 'sessions', '--server', `http://127.0.0.1:${port}`]);
    assert.equal((await ctl.exited).code, 1);
    assert.equal(ctl.stdout(), '');
    const lines = ctl.stderr().trim().split('\n');
    assert.equal(lines.length, 1, ctl.stderr());
    assert.match(lines[0]!, new RegExp(`^wcs-hook-mock ctl: no WCS mock answers at http://127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\)`));
    await assert.rejects(new WcsMockClient(`http://127.0.0.1:${port}`).sessions(), WcsMockUnreachableError);
    const usage = runCli(['ctl', 'hangup', '--server', origin]);
    assert.equal((await usage.exited).code, 2);
    assert.equal(usage.stderr(), "wcs-hook-mock ctl: hangup needs --call-id\nRun 'wcs-hook-mock ctl --help' for the actions.\n");
  });
});
