import { strict as assert } from 'node:assert';
import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHookServer, type HookServer } from '../../../mock-server/hooks/server';
import { ScriptedClient } from '../../../mock-server/wcs/scriptedClient';
import { closeEngines, connected, makeEngine } from './support';

interface Seen {
  url: string;
  headers: http.IncomingHttpHeaders;
  raw: string;
}

/** A tiny backend on 127.0.0.1:0 whose answers the test decides. */
async function backendServer(answer: (req: Seen, res: http.ServerResponse) => void) {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const s = { url: req.url ?? '', headers: req.headers, raw: Buffer.concat(chunks).toString('utf8') };
      seen.push(s);
      answer(s, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    seen,
    url: `http://127.0.0.1:${port}/apps/EchoApp`,
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}

const echo = (s: Seen, res: http.ServerResponse) => {
  res.writeHead(200, { 'Content-Type': 'application/json' });
  res.end(s.raw);
};

describe('wcs engine: URL backends over HTTP', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    await closeEngines();
    await Promise.all(cleanup.splice(0).map((f) => f()));
  });

  it('POSTs to <app URL>/<method> with the headers WCS sends and a Jackson-style JSON body', async () => {
    const srv = await backendServer(echo);
    cleanup.push(srv.close);
    const engine = makeEngine({ backend: { url: srv.url + '/' } });
    await connected(engine, { custom: { note: 'a "quoted": value' } });
    await engine.idle();
    assert.deepEqual(srv.seen.map((s) => s.url), ['/apps/EchoApp/connect', '/apps/EchoApp/ConnectionStatusEvent']);
    const h = srv.seen[0]!.headers;
    assert.equal(h['content-type'], 'application/json;charset=UTF-8');
    assert.equal(h.accept, 'application/json, application/*+json');
    assert.equal(h.authorization, undefined);
    assert.match(srv.seen[0]!.raw, /^\{\n {2}"nodeId" : "/);
    assert.equal(JSON.parse(srv.seen[0]!.raw).custom.note, 'a "quoted": value');
  });

  it('signs the raw body (Authorization: WCS <hex HMAC-MD5>) and sends Basic credentials', async () => {
    const srv = await backendServer(echo);
    cleanup.push(srv.close);
    const engine = makeEngine({ backend: { url: srv.url, signingSecret: 's3cret', basicAuth: { username: 'wcs', password: 'pw' } } });
    await connected(engine);
    const s = srv.seen[0]!;
    const expected = createHmac('md5', 's3cret').update(s.raw).digest('hex');
    assert.equal(s.headers.authorization, `Basic ${Buffer.from('wcs:pw').toString('base64')}, WCS ${expected}`);
  });

  it('the hook server accepts the engine\'s signature and Basic credentials, and refuses wrong ones', async () => {
    const hooks: HookServer = createHookServer({ port: 0, policy: 'echo-all', signingSecret: 'k3y', basicAuth: { username: 'wcs', password: 'pw' } });
    const addr = await hooks.listen();
    cleanup.push(() => hooks.close());
    const good = makeEngine({ backend: { url: `${addr.url}/EchoApp`, signingSecret: 'k3y', basicAuth: { username: 'wcs', password: 'pw' } } });
    const c = await connected(good);
    assert.equal((await c.publish('cam1')).status, 'PUBLISHING');
    await good.idle();
    const methods = hooks.journal.all().map((e) => `${e.method} ${e.answer?.status}`);
    assert.deepEqual(methods, ['connect 200', 'ConnectionStatusEvent 200', 'publishStream 200', 'StreamStatusEvent 200']);

    for (const backend of [
      { url: `${addr.url}/EchoApp`, signingSecret: 'wrong', basicAuth: { username: 'wcs', password: 'pw' } },
      { url: `${addr.url}/EchoApp`, signingSecret: 'k3y', basicAuth: { username: 'wcs', password: 'nope' } },
    ]) {
      const bad = makeEngine({ backend });
      const r = await new ScriptedClient(bad).connect();
      assert.equal(r.established, false);
      assert.equal(r.data.apiMethod, 'ConnectionStatusEvent');
    }
  });

  it('a backend that is down refuses connect ("Connection refused") and is logged as unreachable', async () => {
    const srv = await backendServer(echo);
    const url = srv.url;
    await srv.close();
    const engine = makeEngine({ backend: { url } });
    const c = new ScriptedClient(engine);
    const r = await c.connect();
    assert.equal(r.established, false);
    assert.equal(r.info, 'Connection refused');
    const answer = engine.log.find((e) => e.kind === 'hook-answer');
    assert.ok(answer && answer.kind === 'hook-answer');
    assert.equal(answer.failure, 'unreachable');
    assert.match(String(answer.error), /ECONNREFUSED/);
    assert.equal(engine.stats.deliveryFailures >= 1, true);
  });

  it('a backend slower than hookTimeoutMs times out ("Read timed out"); per-backend timeoutMs wins', async () => {
    const srv = await backendServer((s, res) => {
      if (s.url.endsWith('/connect')) return; // never answers
      echo(s, res);
    });
    cleanup.push(srv.close);
    for (const opts of [{ hookTimeoutMs: 40, backend: { url: srv.url } }, { hookTimeoutMs: 60_000, backend: { url: srv.url, timeoutMs: 40 } }]) {
      const engine = makeEngine(opts);
      const r = await new ScriptedClient(engine).connect();
      assert.equal(r.established, false);
      assert.equal(r.info, 'Read timed out');
      const answer = engine.log.find((e) => e.kind === 'hook-answer');
      assert.ok(answer && answer.kind === 'hook-answer' && answer.failure === 'timeout');
    }
  });

  it('a 403 with the custom reason body over HTTP reaches the client as info', async () => {
    const srv = await backendServer((s, res) => {
      if (s.url.endsWith('/connect')) {
        res.writeHead(403, { 'Content-Type': 'application/json' });
        res.end('{"status":403,"reason":"Wrong credentials"}');
      } else echo(s, res);
    });
    cleanup.push(srv.close);
    const engine = makeEngine({ backend: { url: srv.url } });
    const r = await new ScriptedClient(engine).connect();
    assert.equal(r.info, 'Wrong credentials');
  });

  it('an injected fetch is used (browser builds pass window.fetch)', async () => {
    const urls: string[] = [];
    const fake: typeof fetch = async (input, init) => {
      urls.push(String(input));
      return new Response(String(init?.body), { status: 200, headers: { 'Content-Type': 'application/json' } });
    };
    const engine = makeEngine({ backend: { url: 'http://127.0.0.1:1/app' }, fetch: fake });
    await connected(engine);
    await engine.idle();
    assert.deepEqual(urls, ['http://127.0.0.1:1/app/connect', 'http://127.0.0.1:1/app/ConnectionStatusEvent']);
  });
});
