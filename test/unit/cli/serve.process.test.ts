import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readJournalFile } from '../../../mock-server/hooks/journal';
import { needs } from '../../support/skip';
import { post } from '../hooks/client';
import { ROOT, runCli, type Running } from './process';

const READY = /listening on (http:\/\/127\.0\.0\.1:(\d+))/;
const STACK = /^\s+at /m;

describe('wcs-hook-mock serve (subprocess)', function () {
  this.timeout(30_000);
  let running: Running | undefined;
  let dir: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wcs-cli-'));
  });

  afterEach(() => {
    if (running && running.child.exitCode === null) running.child.kill('SIGKILL');
    running = undefined;
  });

  it('prints the ready line, answers hooks, logs one line each, stops on SIGTERM with 0', async () => {
    const journal = join(dir, 'serve.jsonl');
    running = runCli(['serve', '--port', '0', '--journal', journal]);
    const [, url] = await running.waitFor(READY);
    const raw = readFileSync(join(ROOT, 'test/fixtures/examples/connect.json'));
    const r = await post(url!, '/EchoApp/connect', raw);
    assert.equal(r.status, 200);
    assert.ok(r.body.equals(raw), 'echoed byte for byte (no TTY: echo-all)');
    await running.waitFor(/#1 POST \/EchoApp\/connect connect\/connect -> 200 echo by default/);
    running.child.kill('SIGTERM');
    const { code } = await running.exited;
    assert.equal(code, 0);
    assert.match(running.stdout(), /stopped \(SIGTERM\)/);
    assert.equal(running.stdout().split('\n').filter((l) => l.includes('listening on')).length, 1);
    const { records } = await readJournalFile(journal);
    assert.equal(records.length, 1);
  });

  it('answers by the rules file, holds when told, and answers held hooks on SIGINT', async () => {
    const rules = join(dir, 'rules.json');
    await writeFile(rules, JSON.stringify({ rules: [{ method: 'OnCallEvent', when: { callee: 'PPP005' }, answer: { status: 403, reason: 'busy' } }], default: 'hold' }));
    running = runCli(['serve', '--port', '0', '--rules', rules, '--hold-timeout', '0', '--fallback', 'forbid']);
    const [, url] = await running.waitFor(READY);
    const busy = await post(url!, '/EchoApp/OnCallEvent', '{"callee":"PPP005"}');
    assert.equal(busy.text, '{"status":403,"reason":"busy"}');
    const held = post(url!, '/EchoApp/publishStream', '{"name":"s"}');
    await running.waitFor(/#2 POST \/EchoApp\/publishStream .* held/);
    running.child.kill('SIGINT');
    const r = await held;
    assert.equal(r.status, 403, 'the fallback answered it');
    assert.equal((await running.exited).code, 0);
    assert.match(running.stdout(), /1 held hook answered with forbid/);
  });

  it('reloads the rules file when it changes and keeps the old rules when the edit is broken', async () => {
    const rules = join(dir, 'reload.json');
    await writeFile(rules, JSON.stringify({ rules: [{ method: 'connect', answer: 'forbid' }] }));
    running = runCli(['serve', '--port', '0', '--rules', rules]);
    const [, url] = await running.waitFor(READY);
    assert.equal((await post(url!, '/a/connect', '{}')).status, 403);
    await writeFile(rules, JSON.stringify({ rules: [{ method: 'connect', answer: { status: 403, reason: 'v2' } }] }));
    await running.waitFor(/rules reloaded from .*reload\.json \(1 rule\)/, 'stderr');
    assert.equal((await post(url!, '/a/connect', '{}')).text, '{"status":403,"reason":"v2"}');
    await writeFile(rules, '{"rules": [ { "method": "connect", "answer": "nope" } ]}');
    await running.waitFor(/rules not reloaded, keeping the previous ones: .*reload\.json:1:\d+: rules\[0\]\.answer/, 'stderr');
    assert.equal((await post(url!, '/a/connect', '{}')).text, '{"status":403,"reason":"v2"}');
    running.child.kill('SIGTERM');
    assert.equal((await running.exited).code, 0);
  });

  it('keeps serving when the reader of its output goes away (serve | grep -m1 listening)', async () => {
    running = runCli(['serve', '--port', '0']);
    const [, url] = await running.waitFor(READY);
    running.child.stdout!.destroy();
    for (let i = 0; i < 3; i++) assert.equal((await post(url!, '/a/StreamStatusEvent', `{"i":${i}}`)).text, `{"i":${i}}`);
    running.child.kill('SIGTERM');
    assert.equal((await running.exited).code, 0);
    assert.doesNotMatch(running.stderr(), /EPIPE|Error/);
  });

  it('a busy port: one clear line, exit 1, no stack trace', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      running = runCli(['serve', '--port', String(port)]);
      const { code } = await running.exited;
      assert.equal(code, 1);
      assert.equal(running.stderr(), `wcs-hook-mock serve: port ${port} on 127.0.0.1 is already in use (another wcs-hook-mock? pick another with --port, or 0 for a free one)\n`);
      assert.doesNotMatch(running.stdout(), /listening on/);
    } finally {
      blocker.close();
    }
  });

  it('an invalid rules file: file:line:col, the field path, exit 1', async () => {
    const rules = join(dir, 'bad.json');
    await writeFile(rules, '{\n  "rules": [\n    { "method": "connect", "answer": { "status": "403" } }\n  ]\n}\n');
    running = runCli(['serve', '--port', '0', '--rules', rules]);
    assert.equal((await running.exited).code, 1);
    assert.match(running.stderr(), new RegExp(`^wcs-hook-mock serve: ${rules.replace(/[/.]/g, '\\$&')}:3:50: rules\\[0\\]\\.answer\\.status: .*expected number.*\\n$`));
    assert.doesNotMatch(running.stderr(), STACK);
  });

  it('a rules file with broken JSON or missing: one line, exit 1', async () => {
    const broken = join(dir, 'broken.json');
    await writeFile(broken, '{"rules": [\n');
    running = runCli(['serve', '--port', '0', '--rules', broken]);
    assert.equal((await running.exited).code, 1);
    assert.match(running.stderr(), /broken\.json:2:1: invalid JSON: unexpected end of file/);
    running = runCli(['serve', '--port', '0', '--rules', join(dir, 'nope.json')]);
    assert.equal((await running.exited).code, 1);
    assert.match(running.stderr(), /nope\.json: cannot read rules file: no such file\n$/);
  });

  it('a bad flag: the message and a hint, exit 2', async () => {
    running = runCli(['serve', '--port', 'abc']);
    assert.equal((await running.exited).code, 2);
    assert.equal(running.stderr(), "wcs-hook-mock serve: --port needs an integer 0–65535, got 'abc'\nRun 'wcs-hook-mock serve --help' for the options.\n");
    running = runCli(['serve', '--fallback', 'maybe']);
    assert.equal((await running.exited).code, 2);
    assert.doesNotMatch(running.stderr(), STACK);
  });

  it('an unwritable journal file: one line, exit 1', async () => {
    running = runCli(['serve', '--port', '0', '--journal', join(dir, 'no/such/dir/j.jsonl')]);
    assert.equal((await running.exited).code, 1);
    assert.match(running.stderr(), /^wcs-hook-mock serve: cannot write journal file .*ENOENT.*\n$/);
  });

  it('the bundled bin starts too (npm test builds it first)', async function () {
    needs(this, existsSync(join(ROOT, 'dist/cli.js')), 'dist/cli.js', 'npm run build');
    running = runCli(['serve', '--port', '0'], { bin: true });
    const [, url] = await running.waitFor(READY);
    assert.equal((await post(url!, '/x/StreamStatusEvent', '{"a":1}')).text, '{"a":1}');
    running.child.kill('SIGINT');
    assert.equal((await running.exited).code, 0);
  });

  describe('on a terminal', () => {
    const hasScript = spawnSync('script', ['--version']).status === 0;

    it('shows held hooks and answers them with single keys', async function () {
      needs(this, hasScript, 'script(1) from util-linux for a pseudo-terminal', 'apt-get install util-linux');
      const cli = `'${process.execPath}' --import tsx mock-server/cli.ts serve --port 0`;
      // script(1) runs the CLI on a pseudo-terminal and forwards our stdin to it as keystrokes.
      running = runCli([], { command: ['script', ['-qfec', cli, '/dev/null']], env: { TERM: 'dumb', EDITOR: 'sed -i s/cam/edited/', VISUAL: '' } });
      const [, url] = await running.waitFor(READY);
      const first = post(url!, '/EchoApp/connect', '{"sessionId":"tty-1"}');
      await running.waitFor(/#1 connect connect \/EchoApp session …\S+ HELD/);
      running.child.stdin!.write('e');
      const r1 = await first;
      assert.equal(r1.status, 200);
      assert.equal(r1.text, '{"sessionId":"tty-1"}');
      await running.waitFor(/#1 connect → 200 echo \(developer/);

      const second = post(url!, '/EchoApp/publishStream', '{"name":"cam"}');
      await running.waitFor(/#2 publishStream direct \/EchoApp stream cam HELD/);
      running.child.stdin!.write('r');
      await running.waitFor(/reason for forbidding #2/);
      running.child.stdin!.write('busy\r');
      const r2 = await second;
      assert.equal(r2.status, 403);
      assert.equal(r2.text, '{"status":403,"reason":"busy"}');

      // d: the body goes through $EDITOR (here sed, editing the file in place) and the result is sent.
      const edited = post(url!, '/EchoApp/publishStream', '{"name":"cam"}');
      await running.waitFor(/#3 publishStream direct \/EchoApp stream cam HELD/);
      running.child.stdin!.write('d');
      const r3 = await edited;
      assert.equal(r3.status, 200);
      assert.equal(r3.text, '{"name":"edited"}');

      // Events are echoed without asking, and shown.
      assert.equal((await post(url!, '/EchoApp/StreamStatusEvent', '{"status":"PUBLISHING"}')).status, 200);
      await running.waitFor(/#4 StreamStatusEvent event .*→ 200 echo \(default\)/);

      const third = post(url!, '/EchoApp/connect', '{}');
      await running.waitFor(/#5 connect .*HELD/);
      running.child.stdin!.write('q');
      assert.equal((await third).status, 200, 'quitting answers held hooks with the fallback');
      assert.equal((await running.exited).code, 0);
    });
  });
});
