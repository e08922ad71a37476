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
