/**
 * The WCS mock's WebSocket and web pages (round 2): a browser page on another origin cannot open a session
 * (403 on the upgrade), loopback pages and named origins can, and clients that send no Origin (Node, tools)
 * are accepted as before. Binds 127.0.0.1.
 */
import assert from 'node:assert/strict';
import { WebSocket } from 'ws';
import { startWcsServer, type WcsServer } from '../../../mock-server/wcs/wsServer';

/** Resolves 'open' or the HTTP status the upgrade was refused with. */
function tryConnect(url: string, origin?: string): Promise<'open' | number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, origin === undefined ? {} : { origin });
    ws.once('open', () => {
      ws.close();
      resolve('open');
    });
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      res.resume();
      ws.terminate();
    });
    ws.once('error', (err) => {
      if (ws.readyState !== ws.CLOSED) reject(err);
    });
  });
}

describe('hardening: WebSocket origins of the WCS mock (round 2)', function () {
  this.timeout(30_000);
  let server: WcsServer;
  const warnings: string[] = [];

  afterEach(async () => {
    await server?.close();
    warnings.length = 0;
  });

  it('refuses non-loopback pages with 403, accepts loopback pages and clients without Origin', async () => {
    server = await startWcsServer({ host: '127.0.0.1', port: 0, backend: { url: 'http://127.0.0.1:9/EchoApp' }, warn: (l) => warnings.push(l) });
    assert.equal(await tryConnect(server.url), 'open', 'no Origin (Node, tools)');
    for (const o of ['http://localhost:3000', 'https://127.0.0.1', 'http://[::1]:8888']) assert.equal(await tryConnect(server.url, o), 'open', o);
    for (const o of ['https://evil.example', 'http://localhost.evil.example', 'null', 'file://']) assert.equal(await tryConnect(server.url, o), 403, o);
    assert.equal(warnings.filter((w) => /refused a WebSocket/.test(w)).length, 1, 'announced once, then counted');
    assert.equal(server.engine.sessions().length, 0, 'no session was opened by a refused page');
  });

  it('--allow-origin lets a named page in', async () => {
    server = await startWcsServer({ host: '127.0.0.1', port: 0, backend: { url: 'http://127.0.0.1:9/EchoApp' }, allowOrigins: ['https://app.example.com'], warn: (l) => warnings.push(l) });
    assert.equal(await tryConnect(server.url, 'https://app.example.com'), 'open');
    assert.equal(await tryConnect(server.url, 'https://other.example.com'), 403);
    await assert.rejects(startWcsServer({ host: '127.0.0.1', port: 0, backend: { url: 'http://127.0.0.1:9/EchoApp' }, allowOrigins: ['*'] }), RangeError);
  });
});
