import assert from 'node:assert/strict';
import { runWcsInProcess } from '../../support/wcsCli';

const run = runWcsInProcess;

const BASE = ['--backend', 'http://127.0.0.1:1/App', '--port', '0', '--ping', '0'];

function restOrigin(stdout: readonly string[]): string {
  const line = stdout.find((l) => l.startsWith('REST API on '));
  const m = line?.match(/^REST API on (http:\/\/127\.0\.0\.1:\d+)\/rest-api /);
  assert.ok(m, stdout.join('\n'));
  return m[1]!;
}

describe('wcs --rest-* flags', () => {
  it('--rest-user/--rest-password: 401 without credentials, answers with them', async () => {
    const r = run([...BASE, '--rest-user', 'admin'], { WCS_HOOK_MOCK_REST_PASSWORD: 'pw' });
    await r.server;
    const origin = restOrigin(r.stdout);
    const none = await fetch(`${origin}/rest-api/stream/find_all`, { method: 'POST' });
    assert.equal(none.status, 401);
    assert.match(none.headers.get('www-authenticate') ?? '', /^Basic /);
    const ok = await fetch(`${origin}/rest-api/stream/find_all`, { method: 'POST', headers: { Authorization: `Basic ${Buffer.from('admin:pw').toString('base64')}` } });
    assert.equal(ok.status, 404, 'authenticated; nothing is published');
    r.signals.emit('SIGINT');
    assert.equal(await r.exit, 0);
  });

  it('refuses a Host header naming another machine (DNS rebinding) and answers --rest-empty-list 200 with []', async () => {
    const r = run([...BASE, '--rest-empty-list', '200']);
    await r.server;
    const origin = restOrigin(r.stdout);
    const { port } = new URL(origin);
    const http = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, path: '/rest-api/stream/find_all', method: 'POST', headers: { Host: `evil.example:${port}` } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    assert.equal(status, 403);
    const list = await fetch(`${origin}/rest-api/connection/find_all`, { method: 'POST' });
    assert.deepEqual([list.status, await list.text()], [200, '[]']);
    r.signals.emit('SIGINT');
    assert.equal(await r.exit, 0);
  });

  it('exits 2 on bad REST flags and 1 when the REST port is taken, with one line', async () => {
    for (const [argv, pattern] of [
      [['--rest-port', 'x'], /--rest-port needs an integer 0–65535 or 'off'/],
      [['--rest-user', 'a'], /--rest-user needs --rest-password/],
      [['--rest-password', 'a'], /--rest-password needs --rest-user/],
      [['--rest-allow-origin', 'http://x/path'], /--rest-allow-origin needs an origin/],
      [['--rest-empty-list', '500'], /--rest-empty-list needs 404 or 200/],
      [['--rest-terminate-status', 'GONE'], /--rest-terminate-status needs natural or FAILED/],
    ] as const) {
      const r = run([...BASE, ...argv]);
      assert.equal(await r.exit, 2, argv.join(' '));
      assert.match(r.stderr[0]!, pattern);
    }
    const hold = run(BASE);
    await hold.server;
    const { port } = new URL(restOrigin(hold.stdout));
    const clash = run([...BASE, '--rest-port', port]);
    assert.equal(await clash.exit, 1);
    assert.deepEqual(clash.stderr, [`wcs-hook-mock wcs: cannot listen on 127.0.0.1:${port} for the REST API: the port is in use (--rest-port 0 picks a free one)`]);
    const off = run([...BASE, '--rest-port', 'off']);
    await off.server;
    assert.ok(!off.stdout.some((l) => l.includes('REST API')), 'off: no REST port');
    off.signals.emit('SIGINT');
    hold.signals.emit('SIGINT');
    assert.equal(await off.exit, 0);
    assert.equal(await hold.exit, 0);
  });
});
