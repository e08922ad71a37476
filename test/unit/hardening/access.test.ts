/**
 * Nothing let in: loopback by default, a warning decided for anything else, and with Basic credentials or a
 * signing secret every request without valid ones refused with 403, shown, and countable — including a
 * signature replayed on a modified body. Tests bind 127.0.0.1 only; the non-loopback warning is tested through
 * the function that decides it.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import fc from 'fast-check';
import { basicHeader, signatureHeader, signBody } from '../../../mock-server/hooks/auth';
import { createHookServer, type HookServer } from '../../../mock-server/hooks/server';
import { isLoopback, parseServeArgs } from '../../../mock-server/cli/serveArgs';
import { exchange } from './wire';

const BODY = JSON.stringify({ nodeId: 'n', appKey: 'defaultApp', sessionId: '/127.0.0.1:5000/127.0.0.1:8443-a', login: 'alice' });
const SECRET = 's3cret';

describe('hardening: access', function () {
  this.timeout(60_000);

  describe('where it listens', () => {
    it('binds loopback unless told otherwise (server and CLI defaults)', async () => {
      const server = createHookServer({ port: 0 });
      try {
        const { host, url } = await server.listen();
        assert.equal(host, '127.0.0.1');
        assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
      } finally {
        await server.close();
      }
      assert.equal(parseServeArgs([], {}).host, '127.0.0.1');
    });

    it('decides the exposure warning for every address that is not loopback', () => {
      for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', 'LOCALHOST', '::1', '[::1]', '::ffff:127.0.0.1']) assert.equal(isLoopback(h), true, h);
      for (const h of ['0.0.0.0', '::', '[::]', '192.168.1.10', '10.0.0.1', '::ffff:10.0.0.1', 'example.com', '127.0.0.1.example.com', 'localhost.example.com', '1127.0.0.1', '127.0.0.256.1', ''])
        assert.equal(isLoopback(h), false, h);
    });
  });

  describe('with Basic credentials and a signing secret', () => {
    let server: HookServer;
    let port: number;
    let agent: http.Agent;
    const warnings: string[] = [];
    const auth = (sig: string | undefined, basic: string | undefined): Record<string, string> => {
      const values = [basic, sig].filter((v): v is string => v !== undefined);
      return values.length ? { authorization: values.join(', ') } : {};
    };
    const good = (body = BODY) => auth(signatureHeader(body, SECRET), basicHeader('wcs', 'pw'));
    /** Rejections as the developer sees them: warnings, and 403 exchanges answered by the server. */
    const rejected = () => server.journal.all().filter((e) => e.answer?.by === 'server' && e.answer.status === 403);

    beforeEach(async () => {
      warnings.length = 0;
      server = createHookServer({ host: '127.0.0.1', port: 0, policy: 'echo-all', basicAuth: { username: 'wcs', password: 'pw' }, signingSecret: SECRET });
      server.on('warning', (m) => warnings.push(m));
      ({ port } = await server.listen());
      agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    });
    afterEach(async () => {
      agent.destroy();
      await server.close();
    });

    const send = (body: string, headers: Record<string, string>) => exchange(port, '/EchoApp/connect', body, agent, headers);

    it('lets valid credentials through and refuses wrong, missing and replayed ones with 403, each counted', async () => {
      const ok = await send(BODY, good());
      assert.equal(ok.status, 200);
      assert.equal(ok.body, BODY);

      const modified = BODY.replace('alice', 'mallory');
      const cases: Array<[string, string, Record<string, string>, RegExp]> = [
        ['no Authorization at all', BODY, {}, /missing HTTP Basic/],
        ['wrong password', BODY, auth(signatureHeader(BODY, SECRET), basicHeader('wcs', 'nope')), /wrong HTTP Basic credentials \(user "wcs"\)/],
        ['wrong user', BODY, auth(signatureHeader(BODY, SECRET), basicHeader('root', 'pw')), /wrong HTTP Basic/],
        ['Basic only, no signature', BODY, auth(undefined, basicHeader('wcs', 'pw')), /missing body signature/],
        ['signature with the wrong secret', BODY, auth(signatureHeader(BODY, 'guess'), basicHeader('wcs', 'pw')), /does not match/],
        ['signature replayed on a modified body', modified, auth(signatureHeader(BODY, SECRET), basicHeader('wcs', 'pw')), /does not match/],
        ['signature replayed on the same JSON re-serialised', JSON.stringify(JSON.parse(BODY), null, 1), auth(signatureHeader(BODY, SECRET), basicHeader('wcs', 'pw')), /does not match/],
        ['signature of an empty body', BODY, auth(`WCS ${signBody('', SECRET)}`, basicHeader('wcs', 'pw')), /does not match/],
        ['truncated signature', BODY, auth(signatureHeader(BODY, SECRET).slice(0, -1), basicHeader('wcs', 'pw')), /does not match/],
      ];
      for (const [what, body, headers, why] of cases) {
        const r = await send(body, headers);
        assert.equal(r.status, 403, what);
        assert.equal(r.body, '', `${what}: nothing of the body is echoed`);
        assert.match(rejected().at(-1)!.error!, why, what);
      }
      assert.equal(rejected().length, cases.length, 'each rejection recorded once');
      assert.equal(warnings.length, cases.length, 'each rejection shown once');
      for (const w of warnings) assert.match(w, /^403 for POST \/EchoApp\/connect from 127\.0\.0\.1/);
      // A refused request is not a hook: no parsed body, no keys that would put it into a session.
      for (const ex of rejected()) {
        assert.equal(ex.body, undefined);
        assert.deepEqual(ex.keys, {});
      }
      const again = await send(modified, good(modified));
      assert.equal(again.status, 200, 'the modified body with its own valid signature passes');
    });

    it('random Authorization headers never get in and never cost the connection', async () => {
      const value = fc.oneof(
        fc.string({ maxLength: 60 }).map((s) => s.replace(/[\r\n\0]/g, ' ')),
        fc.constantFrom('Basic ', 'WCS ', 'Basic ::::', 'WCS zz', 'Basic d2NzOnB3', `WCS ${'0'.repeat(32)}`, 'basic d2NzOnB3, wcs 00', 'Bearer x'),
        fc.tuple(fc.constantFrom('Basic ', 'WCS ', 'basic ', 'wcs '), fc.base64String({ maxLength: 40 })).map(([a, b]) => a + b),
        fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 32, maxLength: 32 }).map((h) => `Basic d2NzOnB3, WCS ${h}`),
        // Several credentials, the right one among them (round 2): exactly one is accepted, so never these.
        fc.array(fc.constantFrom(basicHeader('wcs', 'pw'), basicHeader('wcs', 'guess'), signatureHeader(BODY, SECRET)), { minLength: 3, maxLength: 8 })
          .map((a) => [basicHeader('wcs', 'pw'), signatureHeader(BODY, SECRET), ...a].join(', ')),
      );
      let sent = 0;
      await fc.assert(
        fc.asyncProperty(value, async (v) => {
          // Trailing/leading blanks are not part of a header value: compare what the server will see.
          const header = v.trim();
          const legit = header === good().authorization!;
          let r;
          try {
            r = await send(BODY, { authorization: v });
          } catch (err) {
            // Node's client refuses to send some byte sequences as a header; that is not the server's doing.
            if ((err as NodeJS.ErrnoException).code === 'ERR_INVALID_CHAR') return;
            throw err;
          }
          sent++;
          assert.equal(r.status, legit ? 200 : 403, JSON.stringify(v));
        }),
        { numRuns: 300, seed: 0xacce55 },
      );
      assert.equal(rejected().length, warnings.length);
      assert.ok(rejected().length > sent * 0.9, 'the random values were refused');
      const ok = await send(BODY, good());
      assert.equal(ok.status, 200, 'valid hooks still pass afterwards');
      assert.ok(ok.reusedSocket, 'over the same connection the refusals went over');
    });

    it('a flood of bad credentials interleaved with valid hooks: every bad one refused and counted, every good one served', async () => {
      const agents = Array.from({ length: 10 }, () => new http.Agent({ keepAlive: true, maxSockets: 1 }));
      let good200 = 0;
      try {
        await Promise.all(
          agents.map(async (a, c) => {
            for (let i = 0; i < 100; i++) {
              const body = JSON.stringify({ sessionId: `/127.0.0.1:${c}/x`, i });
              const valid = i % 4 === 0;
              const r = await exchange(port, '/EchoApp/StreamStatusEvent', body, a, valid ? good(body) : auth(signatureHeader(body, 'x'), basicHeader('wcs', 'pw')));
              if (valid) {
                assert.equal(r.status, 200);
                assert.equal(r.body, body);
                good200++;
              } else assert.equal(r.status, 403);
            }
          }),
        );
      } finally {
        for (const a of agents) a.destroy();
      }
      assert.equal(good200, 250);
      assert.equal(rejected().length, 750);
      assert.equal(warnings.length, 750);
    });
  });
});
