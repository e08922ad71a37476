/**
 * Both transports with the real engine and an in-process backend: hostile and noisy clients must not
 * crash anything or disturb other sessions.
 */
import assert from 'node:assert/strict';
import { WebSocket as WsClient } from 'ws';
import type { HookReply } from '../../../mock-server/wcs/engine';
import { installWcsMock } from '../../../mock-server/wcs/mockSocket';
import { startWcsServer } from '../../../mock-server/wcs/wsServer';
import { eventually } from './standIn';

interface Frame {
  message: string;
  data: unknown[];
}

interface TestClient {
  frames: Frame[];
  send(text: string): void;
  closed: Promise<void>;
  close(): void;
}

type Opener = (url: string) => Promise<TestClient>;

/** A client on whatever `new WebSocket` is global now (mock-socket after install). */
const openMock: Opener = (url) => {
  const Ctor = (globalThis as unknown as { WebSocket: new (u: string) => WebSocketLike }).WebSocket;
  return wrap(new Ctor(url));
};
const openWs: Opener = (url) => wrap(new WsClient(url) as unknown as WebSocketLike);

interface WebSocketLike {
  onopen: (() => void) | null;
  onmessage: ((e: { data: unknown }) => void) | null;
  onclose: (() => void) | null;
  onerror: ((e: unknown) => void) | null;
  send(t: string): void;
  close(): void;
}

function wrap(ws: WebSocketLike): Promise<TestClient> {
  const frames: Frame[] = [];
  let done!: () => void;
  const closed = new Promise<void>((r) => (done = r));
  ws.onmessage = (e) => {
    const f = JSON.parse(String(e.data)) as Frame;
    // Answer pings like the SDK does, so keep-alive never interferes.
    if (f.message === 'ping') ws.send('{"message":"pong","data":[null]}');
    frames.push(f);
  };
  ws.onclose = () => done();
  return new Promise((resolve, reject) => {
    ws.onerror = reject;
    ws.onopen = () => resolve({ frames, send: (t) => ws.send(t), closed, close: () => ws.close() });
  });
}

const CONNECTION = JSON.stringify({ message: 'connection', data: [{ appKey: 'defaultApp', mediaProviders: ['WebRTC'], custom: {} }] });

function recordingBackend(): { hooks: string[]; handler: (m: string, b: Record<string, unknown>) => HookReply } {
  const hooks: string[] = [];
  return { hooks, handler: (method, body) => (hooks.push(method), { status: 200, body }) };
}

const has = (c: TestClient, message: string) => c.frames.some((f) => f.message === message);

for (const [name, setup] of [
  [
    'mock-socket',
    async (backend: ReturnType<typeof recordingBackend>) => {
      const mock = installWcsMock({ url: 'ws://127.0.0.1:8080', backend, pingIntervalMs: 0 });
      return { url: 'ws://127.0.0.1:8080', open: openMock, engine: mock.engine, stop: () => mock.uninstall() };
    },
  ],
  [
    'ws server',
    async (backend: ReturnType<typeof recordingBackend>) => {
      const srv = await startWcsServer({ port: 0, backend, pingIntervalMs: 0 });
      return { url: srv.url, open: openWs, engine: srv.engine, stop: () => srv.close() };
    },
  ],
] as const) {
  describe(`wcs transport with the real engine: ${name}`, () => {
    it('establishes a session: getUserData after the connect hook', async () => {
      const backend = recordingBackend();
      const t = await setup(backend);
      try {
        const c = await t.open(t.url);
        c.send(CONNECTION);
        await eventually(() => has(c, 'getUserData'));
        assert.deepEqual(backend.hooks.slice(0, 1), ['connect']);
      } finally {
        await t.stop();
      }
      assert.ok(backend.hooks.includes('ConnectionStatusEvent'));
    });

    it('shrugs off malformed frames and frames before `connection`; other sessions are unaffected', async () => {
      const backend = recordingBackend();
      const t = await setup(backend);
      try {
        const bad = await t.open(t.url);
        const good = await t.open(t.url);
        for (const junk of ['not json', '', '[]', 'null', '{"message":42}', '{"message":"publishStream"}', '{"data":[]}', '{"message":"sendData","data":[{"operationId":"x"}]}', '{"message":"noSuchThing","data":[{}]}', '\u0000\uffff']) {
          bad.send(junk);
        }
        good.send(CONNECTION);
        await eventually(() => has(good, 'getUserData'));
        // The noisy client can still log in afterwards: bad frames are reported, not fatal.
        bad.send(CONNECTION);
        await eventually(() => has(bad, 'getUserData'));
        await t.engine.idle();
        const warnings = t.engine.log.filter((e) => e.kind === 'warning');
        assert.ok(warnings.length >= 7, `the engine log says what it did with the junk:\n${t.engine.logText()}`);
        assert.ok(bad.frames.filter((f) => f.message === 'fail').length >= 7, 'the client is told, as WCS reports errors');
        assert.ok(!good.frames.some((f) => f.message === 'fail'), 'the other session saw none of it');
        assert.equal(backend.hooks.filter((h) => h === 'connect').length, 2);
      } finally {
        await t.stop();
      }
    });

    it('answers a flood of sendData in order, while another session connects', async () => {
      const backend = recordingBackend();
      const t = await setup(backend);
      const N = 300;
      try {
        const noisy = await t.open(t.url);
        noisy.send(CONNECTION);
        await eventually(() => has(noisy, 'getUserData'));
        for (let i = 0; i < N; i++) noisy.send(JSON.stringify({ message: 'sendData', data: [{ operationId: `op-${i}`, payload: { i } }] }));
        const other = await t.open(t.url);
        other.send(CONNECTION);
        await eventually(() => has(other, 'getUserData'));
        await eventually(() => noisy.frames.filter((f) => f.message === 'DataStatusEvent').length === N);
        const statuses = noisy.frames.filter((f) => f.message === 'DataStatusEvent').map((f) => f.data[0] as { operationId: string; status: string });
        assert.deepEqual(statuses.map((s) => s.operationId), Array.from({ length: N }, (_, i) => `op-${i}`));
        assert.ok(statuses.every((s) => s.status === 'ACCEPTED'));
        assert.equal(backend.hooks.filter((h) => h === 'OnDataEvent').length, N);
      } finally {
        await t.stop();
      }
    });

    it('tells the engine when the client goes away: DISCONNECTED reaches the backend', async () => {
      const backend = recordingBackend();
      const t = await setup(backend);
      try {
        const c = await t.open(t.url);
        c.send(CONNECTION);
        await eventually(() => has(c, 'getUserData'));
        c.close();
        await c.closed;
        await eventually(() => t.engine.sessions().length === 0);
        await t.engine.idle();
        assert.equal(backend.hooks.filter((h) => h === 'ConnectionStatusEvent').length, 2, 'ESTABLISHED then DISCONNECTED');
      } finally {
        await t.stop();
      }
    });
  });
}

describe('wcs transport with the real engine: a page handler that throws', () => {
  it('is logged by the engine and recorded by the install; the session goes on', async () => {
    const backend = recordingBackend();
    const mock = installWcsMock({ url: 'ws://127.0.0.1:8090', backend, pingIntervalMs: 0 });
    try {
      const c = await openMock('ws://127.0.0.1:8090');
      c.send(CONNECTION);
      await eventually(() => has(c, 'getUserData'));
      // Make the next frame blow up in the "page", like the SDK's handler on an unexpected DataStatusEvent.
      const original = c.frames.push.bind(c.frames);
      c.frames.push = () => {
        throw new TypeError('handler bug');
      };
      mock.engine.pushData('defaultApp', { hello: 1 });
      await eventually(() => mock.clientErrors.length === 1);
      c.frames.push = original;
      assert.match(String(mock.clientErrors[0].error), /handler bug/);
      assert.match(mock.engine.logText(), /client ← OnDataEvent .*!! client threw: handler bug/);
      c.send(JSON.stringify({ message: 'sendData', data: [{ operationId: 'after', payload: {} }] }));
      await eventually(() => has(c, 'DataStatusEvent'));
    } finally {
      await mock.uninstall();
    }
  });
});
