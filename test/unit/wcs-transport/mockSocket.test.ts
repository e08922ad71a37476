import assert from 'node:assert/strict';
import { installWcsMock } from '../../../mock-server/wcs/mockSocket';
import { StandInEngine } from './standIn';

type AnyWs = {
  readyState: number;
  onopen: (() => void) | null;
  onmessage: ((e: { data: string }) => void) | null;
  onclose: ((e: { code: number; reason: string }) => void) | null;
  send(t: string): void;
  close(code?: number): void;
};
type Ctor = (new (url: string) => AnyWs) & { OPEN: number };
const g = globalThis as unknown as { WebSocket?: Ctor };

function open(url: string): Promise<{ ws: AnyWs; frames: string[]; closed: Promise<{ code: number; reason: string }> }> {
  const ws = new g.WebSocket!(url);
  const frames: string[] = [];
  let onClosed!: (e: { code: number; reason: string }) => void;
  const closed = new Promise<{ code: number; reason: string }>((r) => (onClosed = r));
  ws.onmessage = (e) => frames.push(e.data);
  ws.onclose = (e) => onClosed({ code: e.code, reason: e.reason });
  return new Promise((resolve) => (ws.onopen = () => resolve({ ws, frames, closed })));
}

describe('wcs transport: mock-socket (Node, no browser)', () => {
  const saved = g.WebSocket;
  afterEach(() => {
    if (saved === undefined) delete g.WebSocket;
    else g.WebSocket = saved;
  });

  it('routes new WebSocket(url) to the engine and frames both ways', async () => {
    const engine = new StandInEngine();
    const mock = installWcsMock({ url: 'ws://127.0.0.1:8080', engine });
    try {
      assert.equal(g.WebSocket!.OPEN, 1, 'the SDK compares readyState with WebSocket.OPEN');
      const c = await open('ws://127.0.0.1:8080/');
      assert.equal(c.ws.readyState, g.WebSocket!.OPEN);
      c.ws.send('{"message":"connection","data":[{}]}');
      await engine.until(() => engine.sessions[0]?.received.length === 1);
      assert.deepEqual(engine.sessions[0].received, ['{"message":"connection","data":[{}]}']);
      assert.equal(engine.sessions[0].info?.remoteAddress, '127.0.0.1');
      assert.deepEqual(c.frames, ['{"message":"echo","data":["{\\"message\\":\\"connection\\",\\"data\\":[{}]}"]}']);
    } finally {
      await mock.uninstall();
    }
    assert.equal(engine.closeCalls, 0, 'a shared engine is not closed by uninstall');
    assert.equal(engine.sessions[0].closedCalls, 1, 'uninstall closes the connection and tells the engine once');
  });

  it('reports a client close and a server close to the engine exactly once', async () => {
    const engine = new StandInEngine();
    const mock = installWcsMock({ url: 'ws://mock.test:9000', engine });
    try {
      const a = await open('ws://mock.test:9000');
      const b = await open('ws://mock.test:9000');
      a.ws.close();
      await engine.until(() => engine.sessions[0].closedCalls === 1);
      b.ws.send('bye');
      const e = await b.closed;
      assert.deepEqual(e, { code: 4000, reason: 'asked to' });
      await engine.until(() => engine.sessions[1].closedCalls === 1);
      engine.sessions[1].port.send('late');
      assert.equal(b.frames.length, 0, 'nothing is delivered after close');
    } finally {
      await mock.uninstall();
    }
    assert.deepEqual(engine.sessions.map((s) => s.closedCalls), [1, 1]);
  });

  it('records a client whose message handler throws and hands the error to the engine', async () => {
    const engine = new StandInEngine();
    const seen: unknown[] = [];
    const mock = installWcsMock({ url: 'ws://127.0.0.1:8081', engine, onClientError: (e) => seen.push(e.error) });
    try {
      const c = await open('ws://127.0.0.1:8081');
      c.ws.onmessage = () => {
        throw new TypeError('SDK bug');
      };
      assert.throws(() => engine.sessions[0].port.send('{"message":"x","data":[]}'), /SDK bug/, 'passed on for the engine to log');
      assert.equal(mock.clientErrors.length, 1);
      assert.equal(mock.clientErrors[0].frame, '{"message":"x","data":[]}');
      assert.match(String(mock.clientErrors[0].error), /SDK bug/);
      assert.equal(seen.length, 1);
    } finally {
      await mock.uninstall();
    }
  });

  it('leaves every other URL to the WebSocket that was there before, and restores it on uninstall', async () => {
    class Original {
      static OPEN = 1;
      constructor(readonly url: string) {}
    }
    g.WebSocket = Original as unknown as Ctor;
    const engine = new StandInEngine();
    const mock = installWcsMock({ url: 'ws://127.0.0.1:8082', engine });
    const other = new g.WebSocket!('ws://127.0.0.1:5173/hmr') as unknown;
    assert.ok(other instanceof Original, 'a dev server socket is not captured');
    assert.equal((other as Original).url, 'ws://127.0.0.1:5173/hmr');
    await open('ws://127.0.0.1:8082?token=1');
    assert.equal(engine.sessions.length, 1, 'the query string does not change the route');
    await mock.uninstall();
    assert.equal(g.WebSocket, Original);
  });

  it('stacks: two mocks on two URLs, uninstalled in any order', async () => {
    const e1 = new StandInEngine();
    const e2 = new StandInEngine();
    const m1 = installWcsMock({ url: 'ws://one.test', engine: e1 });
    const m2 = installWcsMock({ url: 'ws://two.test', engine: e2 });
    await open('ws://one.test');
    await open('ws://two.test');
    await m1.uninstall();
    await open('ws://two.test');
    assert.deepEqual([e1.sessions.length, e2.sessions.length], [1, 2]);
    await m2.uninstall();
    assert.equal(g.WebSocket, saved);
    assert.equal('WebSocket' in globalThis, saved !== undefined, 'no empty WebSocket property left behind');
  });

  it('takes a flood of frames in order and keeps other connections working', async () => {
    const engine = new StandInEngine();
    const mock = installWcsMock({ url: 'ws://127.0.0.1:8083', engine });
    try {
      const noisy = await open('ws://127.0.0.1:8083');
      const quiet = await open('ws://127.0.0.1:8083');
      for (let i = 0; i < 2000; i++) noisy.ws.send(String(i));
      quiet.ws.send('hello');
      await engine.until(() => engine.sessions[0].received.length === 2000 && engine.sessions[1].received.length === 1);
      assert.deepEqual(engine.sessions[0].received.slice(0, 3), ['0', '1', '2']);
      assert.equal(engine.sessions[0].received[1999], '1999');
      assert.equal(quiet.frames.length, 1);
    } finally {
      await mock.uninstall();
    }
  });

  it('refuses a second install on the same URL until the first is uninstalled', async () => {
    const first = installWcsMock({ url: 'ws://127.0.0.1:8084', engine: new StandInEngine() });
    assert.throws(() => installWcsMock({ url: 'ws://127.0.0.1:8084/', engine: new StandInEngine() }), /already installed on ws:\/\/127\.0\.0\.1:8084\/; uninstall\(\) it first/);
    await first.uninstall();
    const again = installWcsMock({ url: 'ws://127.0.0.1:8084', engine: new StandInEngine() });
    await again.uninstall();
    assert.equal(g.WebSocket, saved);
  });

  it('rejects a URL that is not ws:// with a clear error', () => {
    assert.throws(() => installWcsMock({ url: 'http://127.0.0.1:8080', engine: new StandInEngine() }), /ws:\/\/ or wss:\/\//);
    assert.throws(() => installWcsMock({ url: 'nonsense', engine: new StandInEngine() }), /ws:\/\/ or wss:\/\//);
    assert.equal(g.WebSocket, saved, 'a failed install changes nothing');
  });
});
