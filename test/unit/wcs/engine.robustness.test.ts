import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { validateBody } from '../../../mock-server/protocol';
import { SCENARIOS, runScenario } from '../../../mock-server/wcs/scenarios';
import { ScriptedClient } from '../../../mock-server/wcs/scriptedClient';
import { closeEngines, connected, makeEngine, recordingBackend } from './support';

const MESSAGES = [
  'connection', 'publishStream', 'playStream', 'unPublishStream', 'stopStream', 'snapshot', 'sendStreamEvent', 'availableStream',
  'call', 'answer', 'hangup', 'hold', 'unhold', 'transfer', 'sendDtmf', 'sendData', 'sessionDebug', 'submitBugReport', 'pushLogs',
  'ping', 'pong', 'bogus', '__proto__', 'constructor', 'toString',
];

describe('wcs engine: robustness', () => {
  afterEach(closeEngines);

  it('logLimit 0 keeps no log (load runs), yet a log listener still sees every entry in order', async () => {
    const backend = recordingBackend();
    const quiet = makeEngine({ backend: backend.backend, logLimit: 0 });
    const c = await connected(quiet);
    await c.publish('s1');
    assert.equal(quiet.log.length, 0);
    assert.ok(backend.hooks.length >= 3, 'hooks still went out');
    const watched = makeEngine({ backend: backend.backend, logLimit: 0 });
    const seen: { seq: number; kind: string }[] = [];
    watched.on('log', (e) => seen.push({ seq: e.seq, kind: e.kind }));
    const c2 = await connected(watched);
    await c2.publish('s2');
    assert.equal(watched.log.length, 0);
    assert.ok(seen.some((e) => e.kind === 'hook') && seen.some((e) => e.kind === 'client-frame'));
    assert.deepEqual(seen.map((e) => e.seq), seen.map((_, i) => i + 1), 'numbered from 1 without gaps');
  });

  it('every hook body the engine sends passes the catalog schema of its method', async () => {
    const rec = recordingBackend();
    for (const name of SCENARIOS) await runScenario(name, { backend: rec.backend });
    assert.ok(rec.hooks.length > 50);
    for (const h of rec.hooks) assert.deepEqual(validateBody(h.method, h.body), [], `${h.method}: ${JSON.stringify(h.body).slice(0, 300)}`);
  });

  it('random frames never crash the engine, every client frame is {message, data[]}, and a well-behaved client still works', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            fc.string(),
            fc.record({ message: fc.constantFrom(...MESSAGES), data: fc.array(fc.anything(), { maxLength: 3 }) }).map((f) => JSON.stringify(f)),
            fc.record({ message: fc.constantFrom(...MESSAGES), data: fc.anything() }).map((f) => JSON.stringify(f)),
            fc.record({ mediaSessionId: fc.constantFrom('a', 'b'), callId: fc.constantFrom('a', 'b'), name: fc.string(), sdp: fc.constantFrom('v=0\r\n', 'junk', undefined) }, { requiredKeys: [] })
              .chain((p) => fc.constantFrom(...MESSAGES).map((m) => JSON.stringify({ message: m, data: [p] }))),
          ),
          { maxLength: 25 },
        ),
        async (frames) => {
          const engine = makeEngine({ backend: recordingBackend().backend, farEnd: { kind: 'answer' } });
          const sent: string[] = [];
          const link = engine.accept({ send: (t) => void sent.push(t), close: () => undefined });
          link.receive(JSON.stringify({ message: 'connection', data: [{ appKey: 'defaultApp' }] }));
          for (const f of frames) link.receive(f);
          await engine.idle();
          for (const t of sent) {
            const f = JSON.parse(t);
            assert.equal(typeof f.message, 'string');
            assert.ok(Array.isArray(f.data), t);
          }
          assert.equal(engine.log.filter((e) => e.kind === 'warning' && /internal error/.test(e.text)).length, 0, engine.logText());
          const c = await connected(engine);
          assert.equal((await c.publish('after-fuzz')).status, 'PUBLISHING');
          link.closed();
          await engine.close();
        },
      ),
      { numRuns: 60 },
    );
  });

  it('a client closing mid-flow leaves no session and no timer (ping, keep-alive, far end) behind', async () => {
    // Track the timers created from here on; the engine must clear every one it started.
    const live = new Set<unknown>();
    const real = { st: globalThis.setTimeout, ct: globalThis.clearTimeout, si: globalThis.setInterval, ci: globalThis.clearInterval };
    const g = globalThis as unknown as Record<string, (...a: unknown[]) => unknown>;
    g.setTimeout = (fn: unknown, ms: unknown, ...a: unknown[]) => {
      const t = real.st(() => {
        live.delete(t);
        (fn as (...x: unknown[]) => void)(...a);
      }, ms as number);
      live.add(t);
      return t;
    };
    g.setInterval = (fn: unknown, ms: unknown) => {
      const t = real.si(fn as () => void, ms as number);
      live.add(t);
      return t;
    };
    g.clearTimeout = (t: unknown) => (live.delete(t), real.ct(t as NodeJS.Timeout));
    g.clearInterval = (t: unknown) => (live.delete(t), real.ci(t as NodeJS.Timeout));
    try {
      const rec = recordingBackend();
      const engine = makeEngine({ backend: rec.backend, farEnd: { kind: 'answer', afterMs: 60_000 }, pingIntervalMs: 1000, streamKeepAliveMs: 1000 });
      const c = new ScriptedClient(engine);
      await c.connect();
      await c.publish('x');
      void c.call('1002').catch(() => undefined);
      await c.waitFor((f) => f.message === 'ring', 'ring');
      assert.ok(live.size >= 3, `ping, keep-alive and far-end timers are running (${live.size})`);
      c.disconnect();
      await engine.idle();
      assert.equal(engine.sessions().length, 0);
      assert.equal(rec.sequence().at(-1), 'ConnectionStatusEvent DISCONNECTED');
      assert.equal(live.size, 0, 'every timer is cleared');
    } finally {
      Object.assign(globalThis, { setTimeout: real.st, clearTimeout: real.ct, setInterval: real.si, clearInterval: real.ci });
    }
  });
});
