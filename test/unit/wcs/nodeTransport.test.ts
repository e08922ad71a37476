import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { deliverHook, failureInfo, pooledHookTransport, type PooledHookTransport } from '../../../mock-server/wcs';

/** An echo server that counts the connections it was given and the most requests it had open at once. */
async function echoServer(answer?: (req: http.IncomingMessage, res: http.ServerResponse, body: Buffer) => void) {
  let connections = 0;
  let open = 0;
  let maxOpen = 0;
  const server = http.createServer((req, res) => {
    open++;
    maxOpen = Math.max(maxOpen, open);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      // Answer on a later turn so that requests overlap.
      setImmediate(() => {
        open--;
        if (answer) return answer(req, res, body);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(body);
      });
    });
  });
  server.on('connection', () => connections++);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/EchoApp`;
  return {
    url,
    stats: () => ({ connections, maxOpen }),
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}

describe('pooled hook transport (Node)', function () {
  this.timeout(60_000);
  let transport: PooledHookTransport;
  afterEach(() => transport?.close());

  it('bounds the connections per backend and reuses them', async () => {
    const srv = await echoServer();
    transport = pooledHookTransport({ connections: 4 });
    try {
      const results = await Promise.all(
        Array.from({ length: 200 }, (_, i) => deliverHook({ url: srv.url }, 'StreamKeepAliveEvent', { i }, JSON.stringify({ i }), { timeoutMs: 0, transport })),
      );
      assert.deepEqual(results.map((r) => r.status), Array(200).fill(200));
      assert.deepEqual(results.map((r) => r.json), Array.from({ length: 200 }, (_, i) => ({ i })));
      const s = srv.stats();
      assert.ok(s.connections <= 4, `${s.connections} connections for 200 hooks`);
      assert.ok(s.maxOpen <= 4, `${s.maxOpen} requests open at once`);
      const before = s.connections;
      for (let i = 0; i < 5; i++) assert.equal((await deliverHook({ url: srv.url }, 'connect', {}, '{}', { timeoutMs: 0, transport })).status, 200);
      assert.equal(srv.stats().connections, before, 'later hooks reuse the open connections');
    } finally {
      await srv.close();
    }
  });

  it('gives the same answer shape as fetch: status, the server\'s reason phrase, headers, body, JSON', async () => {
    const srv = await echoServer((_req, res) => {
      res.writeHead(403, 'Go away', { 'Content-Type': 'application/json', 'X-Extra': 'y' });
      res.end('{"status":403,"reason":"busy"}');
    });
    transport = pooledHookTransport();
    try {
      const pooled = await deliverHook({ url: srv.url }, 'connect', {}, '{}', { timeoutMs: 0, transport });
      const fetched = await deliverHook({ url: srv.url }, 'connect', {}, '{}', { timeoutMs: 0, fetch: globalThis.fetch });
      for (const r of [pooled, fetched]) {
        assert.equal(r.status, 403);
        assert.equal(r.statusText, 'Go away');
        assert.equal(r.contentType, 'application/json');
        assert.equal(r.headers['x-extra'], 'y');
        assert.equal(r.rawBody, '{"status":403,"reason":"busy"}');
        assert.deepEqual(r.json, { status: 403, reason: 'busy' });
        assert.equal(r.failure, undefined);
        assert.equal(failureInfo(r), 'busy');
      }
    } finally {
      await srv.close();
    }
  });

  it('a dead backend is reported as refused, one that does not answer as a timeout, a closing engine as aborted', async () => {
    const dead = await echoServer();
    await dead.close();
    const silent = await echoServer(() => undefined);
    transport = pooledHookTransport();
    try {
      const refused = await deliverHook({ url: dead.url }, 'connect', {}, '{}', { timeoutMs: 0, transport });
      assert.equal(refused.failure, 'unreachable');
      assert.match(refused.error!, /ECONNREFUSED/);
      assert.equal(failureInfo(refused), 'Connection refused');

      const late = await deliverHook({ url: silent.url }, 'connect', {}, '{}', { timeoutMs: 100, transport });
      assert.equal(late.failure, 'timeout');
      assert.match(late.error!, /^Read timed out after 100 ms/);
      assert.equal(failureInfo(late), 'Read timed out');

      let abort: (() => void) | undefined;
      const pending = deliverHook({ url: silent.url }, 'connect', {}, '{}', { timeoutMs: 0, transport, register: (a) => ((abort = a), () => undefined) });
      abort!();
      assert.equal((await pending).failure, 'aborted');
    } finally {
      await silent.close();
    }
  });
});
