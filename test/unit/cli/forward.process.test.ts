/**
 * `serve --forward` as a user runs it: hooks go to a backend of our own, the log line shows both legs, a
 * down backend is named as such, and on the terminal the breakpoint keys (d edits, g lets go) work on
 * both sides of the backend.
 */
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closedPort, startBackend, type TestBackend } from '../hooks/backend';
import { post } from '../hooks/client';
import { runCli, type Running } from './process';

const READY = /listening on (http:\/\/127\.0\.0\.1:(\d+))/;
const BODY = '{"nodeId":"n1","appKey":"defaultApp","sessionId":"/127.0.0.1:5000/127.0.0.1:8443-a","login":"alice"}';

describe('wcs-hook-mock serve --forward (subprocess)', function () {
  this.timeout(30_000);
  let running: Running | undefined;
  let backend: TestBackend;

  beforeEach(async () => {
    backend = await startBackend();
  });

  afterEach(async () => {
    if (running && running.child.exitCode === null) running.child.kill('SIGKILL');
    running = undefined;
    await backend.close();
  });

  it('logs one line per forwarded hook with both legs, and the check-style warning', async () => {
    backend.behave((g) => (g.url.endsWith('/connect') ? { kind: 'answer', status: 200, headers: { 'Content-Type': 'application/json' }, body: '{"login":"alice"}' } : { kind: 'echo' }));
    running = runCli(['serve', '--port', '0', '--forward', backend.url]);
    const [, url] = await running.waitFor(READY);
    assert.match(running.stdout(), new RegExp(`forward to ${backend.url.replace(/[/.]/g, '\\$&')}`));
    const r = await post(url!, '/EchoApp/connect', BODY);
    assert.equal(r.text, '{"login":"alice"}');
    const [line] = await running.waitFor(/#1 POST \/EchoApp\/connect .*\n/);
    assert.match(line, /-> 200 by backend in \d+ms → backend 200 \d+ms/);
    assert.match(line, /! backend: connect does not echo what it received: missing nodeId, appKey, sessionId/);
    assert.equal(running.stdout().split('\n').filter((l) => l.includes('#1 ')).length, 1, 'one line, written once the answer is known');
    running.child.kill('SIGTERM');
    assert.equal((await running.exited).code, 0);
  });

  it('names a backend that is down and answers with the fallback', async () => {
    const port = await closedPort();
    running = runCli(['serve', '--port', '0', '--forward', `http://127.0.0.1:${port}/wcs`, '--fallback', 'forbid']);
    const [, url] = await running.waitFor(READY);
    assert.equal((await post(url!, '/EchoApp/connect', BODY)).status, 403);
    const [line] = await running.waitFor(/#1 POST .*\n/);
    assert.match(line, /-> 403 forbid by fallback in \d+ms → backend refused \d+ms \(backend refused: connection refused by 127\.0\.0\.1:\d+ \(is the backend running\?\)\)/);
    running.child.kill('SIGTERM');
    await running.exited;
  });

  it('refuses a forward target that is not an http(s) URL, with one line and exit code 2', async () => {
    running = runCli(['serve', '--port', '0', '--forward', 'ftp://example']);
    const { code } = await running.exited;
    assert.equal(code, 2);
    assert.match(running.stderr(), /--forward must be an http:\/\/ or https:\/\/ URL/);
  });

  it('on a terminal: d edits a hook held before the backend, g passes a backend answer held after it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'wcs-fwd-tty-'));
    const editor = join(dir, 'edit.cjs');
    // A fake $EDITOR: changes one field of the JSON file it is given, as a developer would.
    await writeFile(editor, `const fs=require('fs');const f=process.argv[2];const j=JSON.parse(fs.readFileSync(f,'utf8'));j.login='edited';fs.writeFileSync(f,JSON.stringify(j));`);
    backend.behave((g) => (g.url.endsWith('/call') ? { kind: 'answer', status: 200, headers: { 'Content-Type': 'application/json' }, body: '{"backend":"answer"}' } : { kind: 'echo' }));
    running = runCli(['serve', '--port', '0', '--interactive', '--forward', backend.url, '--break-before', 'connect', '--break-after', 'call'], {
      env: { EDITOR: `${process.execPath} ${editor}`, VISUAL: '' },
    });
    const [, url] = await running.waitFor(READY);

    const connect = post(url!, '/EchoApp/connect', BODY);
    await running.waitFor(/#1 connect .*→ backend: held before sending HELD/);
    assert.equal(backend.got.length, 0);
    running.child.stdin!.write('d');
    const r1 = await connect;
    assert.equal(JSON.parse(backend.got[0]!.body.toString('utf8')).login, 'edited', 'the backend got the edited body');
    assert.equal(JSON.parse(r1.text).login, 'edited', 'and WCS got its (echoed) answer');

    const call = post(url!, '/EchoApp/call', '{"callId":"c1"}');
    await running.waitFor(/#2 call .*→ backend 200 \d+ms, held before WCS gets it HELD/);
    running.child.stdin!.write('g');
    const r2 = await call;
    assert.equal(r2.text, '{"backend":"answer"}');
    await running.waitFor(/#2 call .*→ 200 .*\(backend, \d+ms\)/);
    running.child.stdin!.write('q');
    assert.equal((await running.exited).code, 0);
  });
});
