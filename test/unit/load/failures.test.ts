/**
 * Failed hooks by kind, against real sockets on 127.0.0.1: a closed port (refused), a backend that drops
 * the connection (reset), one that never answers (timeout, as rest_request_timeout sees it), and non-200
 * answers under each restOnError.
 */
import { strict as assert } from 'node:assert';
import http from 'node:http';
import { failureKind, startLoad, type LoadResult } from '../../../mock-server/load';
import type { HookResult } from '../../../mock-server/wcs';
import { deadPort as closedPort, hookBackend } from '../../support/net';

const backend = hookBackend;

function json(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}


function run(url: string, scenario: 'connect' | 'publish', sessions: number, hookTimeoutMs = 15_000): Promise<LoadResult> {
  return startLoad(scenario, { backend: { url }, hookTimeoutMs, plan: { kind: 'count', sessions, concurrency: 2 } }).done;
}

describe('load: failed hooks by method and kind', function () {
  this.timeout(60_000);

  it('a closed port: every hook refused, counted per method, no latency recorded', async () => {
    const r = await run(`http://127.0.0.1:${await closedPort()}/app`, 'connect', 3);
    assert.equal(r.unreachable, true);
    assert.deepEqual(r.errorsByMethod.connect, { refused: 3 });
    assert.equal(r.errorsByMethod.ConnectionStatusEvent?.refused, r.hooks - 3);
    assert.deepEqual(r.latency, {});
    assert.deepEqual(r.answers, {});
  });

  it('a backend that drops the connection mid-request: reset', async () => {
    const b = await backend((method, body, res, req) => (method === 'connect' ? json(res, 200, body) : req.socket.destroy()));
    try {
      const r = await run(b.url, 'connect', 2);
      assert.equal(r.errorsByMethod.ConnectionStatusEvent?.reset, 4, JSON.stringify(r.errorsByMethod));
      assert.equal(r.latency.connect?.count, 2);
      assert.deepEqual(r.answers, { 200: 2 });
    } finally {
      await b.close();
    }
  });

  it('a backend that never answers: timeout, as WCS\'s rest_request_timeout would see it', async () => {
    const b = await backend((method, body, res) => {
      if (method === 'connect') json(res, 200, body);
      // Other hooks: no answer at all; the engine's read timeout ends them.
    });
    try {
      const r = await run(b.url, 'connect', 1, 200);
      assert.deepEqual(r.errorsByMethod.ConnectionStatusEvent, { timeout: 2 });
      assert.match(r.errors.join('\n'), /Read timed out after 200 ms/);
    } finally {
      await b.close();
    }
  });

  it('non-200 answers are counted under the restOnError they were judged by', async () => {
    const b = await backend((method, body, res) => {
      if (method === 'connect') return json(res, 200, { ...body, restClientConfig: { publishStream: { restOnError: 'FAIL' } } });
      if (method === 'publishStream') return json(res, 403, { status: 403, reason: 'no publishing today' });
      if (method === 'ConnectionStatusEvent') return json(res, 500, {});
      json(res, 200, body);
    });
    try {
      const r = await run(b.url, 'publish', 2);
      assert.deepEqual(r.errorsByMethod.publishStream, { 'HTTP 403 (restOnError FAIL)': 2 });
      assert.deepEqual(r.errorsByMethod.ConnectionStatusEvent, { 'HTTP 500 (restOnError LOG)': 4 });
      assert.equal(r.errorsByMethod.connect, undefined);
      // Declines are answers: their latency counts.
      assert.equal(r.latency.publishStream?.count, 2);
      assert.equal(r.answers['403'], 2);
      assert.equal(r.answers['500'], 4);
      assert.equal(r.hookErrors, Object.values(r.errorsByMethod).flatMap((k) => Object.values(k)).reduce((a, n) => a + n, 0));
    } finally {
      await b.close();
    }
  });

  it('the kinds of the pooled sender\'s errors (undici, node:http) and of answers that were never sent', () => {
    const failed = (error: string): HookResult => ({
      method: 'x', sent: true, ok: false, proceeds: true, body: {},
      response: { status: 0, statusText: '', headers: {}, rawBody: '', durationMs: 1, failure: 'unreachable', error },
    });
    assert.equal(failureKind(failed('cannot reach u: UND_ERR_SOCKET (other side closed)')), 'reset');
    assert.equal(failureKind(failed('cannot reach u: socket hang up')), 'reset');
    assert.equal(failureKind(failed('cannot reach u: ECONNRESET')), 'reset');
    assert.equal(failureKind(failed('cannot reach u: ECONNREFUSED (connect ECONNREFUSED 127.0.0.1:9)')), 'refused');
    assert.equal(failureKind(failed('cannot reach u: ENOTFOUND')), 'unreachable');
    assert.equal(failureKind({ method: 'x', sent: false, ok: true, proceeds: true, body: {} }), undefined);
  });
});
