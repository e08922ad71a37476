/**
 * What a web page or the network can do (round 2): CORS only for loopback pages and named origins, no hooks
 * from other pages, a Host check against DNS rebinding, no exposure without credentials unless asked for, and
 * exactly one Basic credential per request. Every server binds 127.0.0.1; the non-loopback rule is tested
 * through the flag parser and the CLI refusing to start.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import fc from 'fast-check';
import { basicHeader, checkBasic } from '../../../mock-server/hooks/auth';
import { createHookServer, type HookServer } from '../../../mock-server/hooks/server';
import { UsageError } from '../../../mock-server/cli/flags';
import { parseServeArgs } from '../../../mock-server/cli/serveArgs';
import { isLoopback } from '../../../mock-server/util/net';
import { originAllowed } from '../../../mock-server/util/origin';
import { runCli } from '../cli/process';
import { exchange, rawExchange } from './wire';

const BODY = '{"nodeId":"n","appKey":"defaultApp","sessionId":"s1"}';

describe('hardening: exposure (round 2)', function () {
  this.timeout(60_000);
  let server: HookServer;
  let port: number;
  let agent: http.Agent;
  const warnings: string[] = [];

  async function start(options: Parameters<typeof createHookServer>[0] = {}): Promise<void> {
    server = createHookServer({ host: '127.0.0.1', port: 0, policy: 'echo-all', ...options });
    server.on('warning', (m) => warnings.push(m));
    ({ port } = await server.listen());
  }
  beforeEach(() => {
    warnings.length = 0;
    agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  });
  afterEach(async () => {
    agent.destroy();
    await server?.close();
  });

  const preflight = (origin: string, extra: Record<string, string> = {}) =>
    new Promise<http.IncomingMessage>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, path: '/EchoApp/connect', method: 'OPTIONS', agent: false, headers: { origin, 'access-control-request-method': 'POST', ...extra } }, (res) => {
        res.resume();
        resolve(res);
      });
      req.on('error', reject);
      req.end();
    });

  describe('CORS', () => {
    it('loopback pages get their own origin back (never *), other pages no CORS headers at all', async () => {
      await start();
      for (const o of ['http://localhost:5173', 'https://127.0.0.1', 'http://[::1]:8080', 'http://127.1:3000']) {
        const pre = await preflight(o);
        assert.equal(pre.statusCode, 204, o);
        assert.equal(pre.headers['access-control-allow-origin'], o, o);
        const post = await exchange(port, '/EchoApp/connect', BODY, agent, { origin: o });
        assert.equal(post.status, 200, o);
        assert.equal(post.headers['access-control-allow-origin'], o, o);
      }
      for (const o of ['https://evil.example', 'http://localhost.evil.example', 'null', 'http://192.168.1.5:8080']) {
        const pre = await preflight(o, { 'access-control-request-private-network': 'true', 'access-control-request-headers': 'x-evil' });
        assert.equal(pre.statusCode, 403, o);
        for (const h of Object.keys(pre.headers)) assert.doesNotMatch(h, /^access-control-/, `${o}: ${h}`);
        const post = await exchange(port, '/EchoApp/connect', BODY, agent, { origin: o });
        assert.equal(post.status, 403, `${o}: a page on another origin cannot post hooks`);
        assert.equal(post.headers['access-control-allow-origin'], undefined, o);
      }
      assert.equal(server.refused.origin, 4);
      assert.equal(server.journal.size, 4, 'only the loopback pages\' hooks are hooks');
      assert.equal(warnings.length, 1, 'the first refusal is announced, the rest counted');
      // WCS (and any tool) sends no Origin: served as always.
      assert.equal((await exchange(port, '/EchoApp/connect', BODY, agent)).status, 200);
    });

    it('--allow-origin names more pages (and the extension setting passes them on)', async () => {
      await start({ allowOrigins: ['https://app.example.com'] });
      const pre = await preflight('https://app.example.com', { 'access-control-request-private-network': 'true' });
      assert.equal(pre.statusCode, 204);
      assert.equal(pre.headers['access-control-allow-origin'], 'https://app.example.com');
      assert.equal(pre.headers['access-control-allow-private-network'], 'true');
      assert.equal((await exchange(port, '/EchoApp/connect', BODY, agent, { origin: 'https://app.example.com' })).status, 200);
      assert.equal((await exchange(port, '/EchoApp/connect', BODY, agent, { origin: 'https://app.example.com:8443' })).status, 403);
      assert.deepEqual(parseServeArgs(['--allow-origin', 'https://a.example/', '--allow-origin', 'http://b.example:81']).allowOrigins, ['https://a.example', 'http://b.example:81']);
      for (const bad of ['*', 'a.example', 'https://a.example/path', 'file:///x']) {
        assert.throws(() => parseServeArgs(['--allow-origin', bad]), UsageError, bad);
      }
      assert.throws(() => createHookServer({ allowOrigins: ['*'] }), RangeError);
    });

    it('random Origin headers: allowed exactly when loopback http(s); the server unharmed', async () => {
      await start();
      const origin = fc.oneof(
        fc.webUrl().map((u) => new URL(u).origin),
        fc.constantFrom('http://localhost', 'http://LOCALHOST:1', 'https://127.255.0.1:9', 'http://[::1]', 'ws://localhost', 'http://localhost@evil', 'null', '', ' http://localhost'),
        fc.string({ maxLength: 40 }).map((s) => s.replace(/[\r\n\0]/g, '')),
      );
      await fc.assert(
        fc.asyncProperty(origin, async (o) => {
          let r;
          try {
            r = await exchange(port, '/EchoApp/connect', BODY, agent, { origin: o });
          } catch (err) {
            if ((err as NodeJS.ErrnoException).code === 'ERR_INVALID_CHAR') return;
            throw err;
          }
          assert.equal(r.status, originAllowed(o.trim()) ? 200 : 403, JSON.stringify(o));
        }),
        { numRuns: 200, seed: 0x0a1 },
      );
      assert.equal((await exchange(port, '/EchoApp/connect', BODY, agent)).status, 200);
    });
  });

  describe('Host check (DNS rebinding)', () => {
    it('bound to loopback, a Host that is not a loopback name gets 421 and is counted; loopback names pass', async () => {
      await start();
      const req = (host: string) => `POST /EchoApp/connect HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nContent-Length: ${BODY.length}\r\n\r\n${BODY}`;
      for (const host of ['evil.example', 'evil.example:9091', '127.0.0.1.nip.io', '127.0.0.1@evil.example', '10.0.0.1']) {
        const [r] = (await rawExchange(port, [req(host)], { expect: 1 })).responses;
        assert.equal(r?.status, 421, host);
      }
      for (const host of [`127.0.0.1:${port}`, 'localhost', `[::1]:${port}`, '127.1']) {
        const [r] = (await rawExchange(port, [req(host)], { expect: 1 })).responses;
        assert.equal(r?.status, 200, host);
      }
      assert.equal(server.refused.host, 5);
      assert.equal(server.journal.size, 4, 'refused requests are not hooks');
      assert.match(warnings[0]!, /^421 .*evil\.example.*not a loopback name/);
    });
  });

  describe('exposure without credentials', () => {
    it('a non-loopback --host needs --secret, --user or --allow-unauthenticated', () => {
      for (const host of ['0.0.0.0', '::', '192.168.1.10']) {
        assert.throws(() => parseServeArgs(['--host', host]), (e: unknown) => e instanceof UsageError && /--secret.*--allow-unauthenticated/.test(e.message), host);
        assert.equal(parseServeArgs(['--host', host, '--secret', 'k']).host, host);
        assert.equal(parseServeArgs(['--host', host, '--user', 'u', '--password', 'p']).host, host);
        assert.equal(parseServeArgs(['--host', host, '--allow-unauthenticated']).host, host);
      }
      for (const host of ['127.0.0.1', '127.1', 'localhost', '::1', '[::1]', '127.0.0.2']) {
        assert.equal(isLoopback(host), true, host);
        assert.equal(parseServeArgs(['--host', host]).host, host, `${host} is loopback: no credentials needed`);
      }
    });

    it('the CLI refuses to start with one line, exit 2', async () => {
      const running = runCli(['serve', '--host', '0.0.0.0', '--port', '0']);
      assert.equal((await running.exited).code, 2);
      const lines = running.stderr().trim().split('\n');
      assert.match(lines[0]!, /^wcs-hook-mock serve: --host 0\.0\.0\.0 is reachable from the network .*--secret SECRET/);
      assert.doesNotMatch(running.stderr(), /\n\s+at /);
    });
  });

  describe('Basic credentials', () => {
    it('exactly one is accepted: a right one among guesses (joined or repeated headers) is refused', async () => {
      await start({ basicAuth: { username: 'wcs', password: 'pw' } });
      const right = basicHeader('wcs', 'pw');
      const guesses = Array.from({ length: 200 }, (_, i) => basicHeader('wcs', `guess${i}`));
      assert.equal((await exchange(port, '/EchoApp/connect', BODY, agent, { authorization: right })).status, 200);
      assert.equal((await exchange(port, '/EchoApp/connect', BODY, agent, { authorization: [...guesses, right].join(', ') })).status, 403);
      assert.match(server.journal.all().at(-1)!.error!, /201 HTTP Basic credentials in one request/);
      assert.equal((await exchange(port, '/EchoApp/connect', BODY, agent, { authorization: `${right}, ${right}` })).status, 403);
      const [repeated] = (
        await rawExchange(port, [`POST /EchoApp/connect HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${guesses[0]}\r\nAuthorization: ${right}\r\nContent-Length: ${BODY.length}\r\n\r\n${BODY}`], { expect: 1 })
      ).responses;
      assert.equal(repeated?.status, 403);
      assert.equal(checkBasic([right], 'wcs', 'pw'), undefined);
    });
  });
});
