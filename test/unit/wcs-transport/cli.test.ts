import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { createHookServer } from '../../../mock-server/hooks';
import { deadPort, runWcsInProcess } from '../../support/wcsCli';
import { eventually } from './standIn';

const run = runWcsInProcess;

/** Logs in like the WebSDK and resolves with the first frame that settles the session. */
function login(url: string): Promise<{ message: string; ws: WebSocket }> {
  const ws = new WebSocket(url);
  ws.on('open', () => ws.send(JSON.stringify({ message: 'connection', data: [{ appKey: 'defaultApp', custom: {} }] })));
  return new Promise((resolve, reject) => {
    ws.on('error', reject);
    ws.on('message', (m) => {
      const f = JSON.parse(String(m)) as { message: string };
      if (f.message === 'getUserData' || f.message === 'fail') resolve({ message: f.message, ws });
    });
  });
}

describe('wcs-hook-mock wcs (CLI)', () => {
  it('listens, logs each session and hook, and stops cleanly on SIGINT', async () => {
    const hooks = createHookServer({ port: 0, policy: 'echo-all' });
    await hooks.listen();
    try {
      const r = run(['--backend', `${hooks.url}/EchoApp`, '--port', '0', '--ping', '0']);
      const srv = await r.server;
      assert.match(r.stdout[0], /^listening on ws:\/\/127\.0\.0\.1:\d+ \(backend http:\/\/127\.0\.0\.1:\d+\/EchoApp\)$/);
      assert.match(r.stdout[1]!, /^REST API on http:\/\/127\.0\.0\.1:\d+\/rest-api \(control API: /, 'with --port 0 the REST port is a free one too');
      const { message, ws } = await login(srv.url);
      assert.equal(message, 'getUserData');
      await eventually(() => r.stdout.some((l) => / s1 hook ← ConnectionStatusEvent 200/.test(l)));
      assert.ok(r.stdout.some((l) => / s1 session opened \(127\.0\.0\.1\) {2}\/127\.0\.0\.1:\d+\/127\.0\.0\.1:\d+-/.test(l)), r.stdout.join('\n'));
      assert.ok(r.stdout.some((l) => / s1 hook → connect$/.test(l)));
      assert.ok(!r.stdout.some((l) => l.includes('client →')), 'frames only with --verbose');
      r.signals.emit('SIGINT');
      assert.equal(await r.exit, 0);
      assert.equal(r.stdout[r.stdout.length - 1], 'stopped');
      assert.deepEqual(r.stderr, []);
      assert.equal(ws.readyState, WebSocket.CLOSED);
      const last = hooks.journal.all().at(-1)!;
      assert.equal(last.method, 'ConnectionStatusEvent');
      assert.equal((last.body as { status?: string }).status, 'DISCONNECTED', 'stopping still tells the backend');
    } finally {
      await hooks.close();
    }
  });

  it('says once that the backend is unreachable and keeps serving', async () => {
    const port = await deadPort();
    const r = run(['--backend', `http://127.0.0.1:${port}/EchoApp`, '--port', '0', '--ping', '0', '--timeout', '5']);
    const srv = await r.server;
    const first = await login(srv.url);
    assert.equal(first.message, 'fail', 'WCS refuses a session whose connect hook fails');
    const second = await login(srv.url);
    assert.equal(second.message, 'fail', 'the server is still there for the next client');
    const down = r.stderr.filter((l) => l.includes('unreachable'));
    assert.equal(down.length, 1, r.stderr.join('\n'));
    assert.match(down[0], new RegExp(`^wcs-hook-mock wcs: backend http://127\\.0\\.0\\.1:${port}/EchoApp is unreachable \\(.+\\); hooks fail until it is up, the server keeps running$`));
    assert.ok(!r.stderr.some((l) => /^\s+at /.test(l)), 'no stack trace');
    r.signals.emit('SIGINT');
    assert.equal(await r.exit, 0);
  });

  it('prints JSON lines with --json and frames with --verbose', async () => {
    const hooks = createHookServer({ port: 0, policy: 'echo-all' });
    await hooks.listen();
    try {
      const r = run(['--backend', `${hooks.url}/App`, '--port', '0', '--ping', '0', '--json', '--verbose']);
      const srv = await r.server;
      await login(srv.url);
      await eventually(() => r.stdout.some((l) => l.includes('"kind":"client-frame"')));
      assert.match(r.stdout[1]!, /^REST API on http:\/\/127\.0\.0\.1:\d+\/rest-api /, 'plain like the listening line: scripts wait for it');
      const entries = r.stdout.slice(2).map((l) => JSON.parse(l) as { kind: string });
      assert.ok(entries.some((e) => e.kind === 'client-message'));
      assert.ok(entries.some((e) => e.kind === 'hook'));
      r.signals.emit('SIGTERM');
      assert.equal(await r.exit, 0);
    } finally {
      await hooks.close();
    }
  });

  it('exits 2 on usage errors and 1 when it cannot listen, with one clear line', async () => {
    for (const [argv, pattern] of [
      [[], /--backend URL is required/],
      [['--backend', 'ftp://x'], /--backend must be an http/],
      [['--backend', 'http://127.0.0.1:1/A', '--port', '99999'], /--port needs an integer 0–65535/],
      [['--backend', 'http://127.0.0.1:1/A', '--ping=-1'], /--ping needs seconds/],
      [['--backend', 'http://127.0.0.1:1/A', '--bogus'], /Unknown option '--bogus'/],
      [['--backend', 'http://127.0.0.1:1/A', 'extra'], /unexpected argument 'extra'/],
    ] as const) {
      const r = run([...argv]);
      assert.equal(await r.exit, 2, argv.join(' '));
      assert.match(r.stderr[0], pattern);
    }
    const hold = run(['--backend', 'http://127.0.0.1:1/A', '--port', '0', '--ping', '0']);
    const srv = await hold.server;
    const clash = run(['--backend', 'http://127.0.0.1:1/A', '--port', String(srv.port)]);
    assert.equal(await clash.exit, 1);
    assert.deepEqual(clash.stderr, [`wcs-hook-mock wcs: cannot listen on 127.0.0.1:${srv.port}: the port is in use`]);
    hold.signals.emit('SIGINT');
    assert.equal(await hold.exit, 0);
  });

  it('--apps FILE: apps listed at start, a room session named by its login; a bad file exits 2 with file:line:column', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'wcs-apps-'));
    const hooks = createHookServer({ port: 0, policy: 'echo-all' });
    await hooks.listen();
    try {
      const bad = join(dir, 'bad.json');
      await writeFile(bad, '{\n  "apps": {\n    "roomApp": { "builtIn": "rooms" }\n  }\n}\n');
      const b = run(['--backend', `${hooks.url}/App`, '--port', '0', '--apps', bad]);
      assert.equal(await b.exit, 2);
      assert.match(b.stderr[0], new RegExp(`^wcs-hook-mock wcs: ${bad.replace(/[.\\/]/g, '\\$&')}:3:29: apps\\.roomApp\\.builtIn: `));

      const good = join(dir, 'apps.json');
      await writeFile(good, JSON.stringify({ apps: { shop: { backend: { url: `${hooks.url}/Shop` }, methods: ['connect'] } } }));
      const r = run(['--backend', `${hooks.url}/App`, '--port', '0', '--ping', '0', '--apps', good]);
      const srv = await r.server;
      assert.deepEqual(r.stdout.slice(2, 5), ['  app defaultApp → engine backend', '  app roomApp (room) → engine backend', `  app shop → ${hooks.url}/Shop, hooks: connect`]);
      const ws = new WebSocket(srv.url);
      ws.on('open', () => ws.send(JSON.stringify({ message: 'connection', data: [{ appKey: 'roomApp', custom: { login: 'alice' } }] })));
      await eventually(() => r.stdout.some((l) => / s1 roomApp participant "alice"$/.test(l)));
      ws.close();
      r.signals.emit('SIGINT');
      assert.equal(await r.exit, 0);
    } finally {
      await hooks.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
