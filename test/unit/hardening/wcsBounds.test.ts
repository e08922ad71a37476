/**
 * The WCS mock's memory (round 2): frame data is not kept whole in the event log, and the log is bounded in
 * bytes, so a client sending large frames cannot grow the process without limit.
 */
import assert from 'node:assert/strict';
import { WcsEngine } from '../../../mock-server/wcs/engine';
import { boundValue, MAX_LOG_STRING_CHARS } from '../../../mock-server/wcs/logBound';

const port = { send: () => undefined, close: () => undefined };

describe('hardening: WCS mock memory (round 2)', function () {
  this.timeout(60_000);

  it('large frames before `connection`: values cut, the log stays under its byte bound, oldest dropped first', async () => {
    const MAX = 4 * 1024 * 1024;
    const engine = new WcsEngine({ backend: { url: 'http://127.0.0.1:9/EchoApp' }, logMaxBytes: MAX, pingIntervalMs: 0 });
    const link = engine.accept(port, { remoteAddress: '127.0.0.1' });
    const big = 'x'.repeat(2 * 1024 * 1024);
    for (let i = 0; i < 40; i++) link.receive(JSON.stringify({ message: 'pushLogs', data: [{ n: i, logs: big }] }));
    await engine.idle();
    const log = engine.log;
    const kept = JSON.stringify(log).length * 2;
    assert.ok(kept <= MAX * 1.1, `kept ${kept} bytes`);
    const frames = log.filter((e) => e.kind === 'client-message');
    assert.ok(frames.length > 0 && frames.length < 40, `${frames.length} frames kept`);
    const last = frames.at(-1)! as { data: readonly { n: number; logs: string }[] };
    assert.equal(last.data[0]!.n, 39, 'the newest is kept');
    assert.ok(last.data[0]!.logs.length < MAX_LOG_STRING_CHARS + 100);
    assert.match(last.data[0]!.logs, /more characters not kept\]$/);
    link.closed();
    await engine.close();
  });

  it('boundValue keeps small values equal and bounds deep and wide ones', () => {
    const small = { message: 'connection', data: [{ appKey: 'defaultApp', custom: { a: [1, 2, { b: null }] } }] };
    assert.deepEqual(boundValue(small).value, small);
    let deep: unknown = 1;
    for (let i = 0; i < 10_000; i++) deep = [deep];
    assert.ok(JSON.stringify(boundValue(deep).value).length < 1000);
    const wide = Array.from({ length: 1_000_000 }, (_, i) => i);
    const w = boundValue(wide);
    assert.ok((w.value as unknown[]).length < 100_000);
    assert.ok(w.bytes <= 2 * 256 * 1024 + 64);
  });
});

describe('hardening: WCS mock session queues (round 2)', function () {
  this.timeout(60_000);

  it('a flood of sendData is bounded per session (refused with fail), and dropped when the client goes', async () => {
    let hooks = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const engine = new WcsEngine({
      pingIntervalMs: 0,
      backend: {
        handler: async (method, body) => {
          hooks++;
          // Hold every data hook until the client has gone, as a slow backend would.
          if (method === 'OnDataEvent') await gate;
          return { status: 200, body };
        },
      },
    });
    const frames: { message: string; data: { apiMethod?: string }[] }[] = [];
    const link = engine.accept({ send: (t: string) => void frames.push(JSON.parse(t)), close: () => undefined }, { remoteAddress: '127.0.0.1' });
    link.receive(JSON.stringify({ message: 'connection', data: [{ appKey: 'defaultApp' }] }));
    await engine.idle();
    assert.ok(frames.some((f) => f.message === 'getUserData'), 'established');
    const before = hooks;
    for (let i = 0; i < 5000; i++) link.receive(JSON.stringify({ message: 'sendData', data: [{ operationId: `op${i}`, payload: { i } }] }));
    const refused = frames.filter((f) => f.message === 'fail' && f.data[0]?.apiMethod === 'sendData');
    assert.ok(refused.length >= 3900 && refused.length <= 4000, `${refused.length} refused beyond the bound`);
    link.closed();
    release();
    await engine.idle();
    // One data hook was in flight when the client went; what was queued behind it is dropped.
    const dataHooks = hooks - before;
    assert.ok(dataHooks < 10, `${dataHooks} hooks after the client went`);
    assert.match(engine.logText(), /the client is gone: its queued messages are dropped/);
    await engine.close();
  });
});
