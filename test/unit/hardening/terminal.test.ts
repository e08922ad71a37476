/**
 * Terminal escape injection (round 2): whatever the network sends — a body field, an error text, a WCS
 * frame — reaches stdout with its control characters escaped, in the plain log, the interactive view and the
 * `wcs` output. The only ESC bytes printed are our own colour codes.
 */
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import http from 'node:http';
import fc from 'fast-check';
import { WebSocket } from 'ws';
import { runWcs, type WcsIO } from '../../../mock-server/cli/wcs';
import { formatArrival, formatLogLine, formatSettled, formatStatus } from '../../../mock-server/cli/ttyView';
import { createHookServer } from '../../../mock-server/hooks/server';
import { terminalSafe } from '../../../mock-server/util/terminalSafe';
import type { WcsServer } from '../../../mock-server/wcs/wsServer';
import { runCli } from '../cli/process';
import { next } from '../hooks/client';
import { exchange } from './wire';

const OSC52 = '\x1b]52;c;cm0gLXJmIH4=\x07';
const EVIL = `x${OSC52}\x1b[2J\x1b]0;pwned\x07\x9b31m\x7f\u202e`;
/** Control characters, with our own SGR colour codes taken out first. */
const UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const withoutOurColours = (s: string) => s.replace(/\x1b\[\d+m/g, '');

describe('hardening: terminal-safe output (round 2)', function () {
  this.timeout(60_000);

  it('terminalSafe escapes C0, DEL, C1, line separators and bidi overrides as \\uXXXX, and nothing else', () => {
    assert.equal(terminalSafe('a\x1b]52;c;eA==\x07b'), 'a\\u001b]52;c;eA==\\u0007b');
    assert.equal(terminalSafe('\x9b\x7f\u202e\n'), '\\u009b\\u007f\\u202e\\u000a');
    assert.equal(terminalSafe('Grüße 𝄞 /EchoApp/connect {"a":1}'), 'Grüße 𝄞 /EchoApp/connect {"a":1}');
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 80 }), (s) => {
        const out = terminalSafe(s);
        assert.doesNotMatch(out, UNSAFE);
        assert.doesNotMatch(out, /\n/);
        // A JSON line stays valid JSON.
        assert.deepEqual(JSON.parse(terminalSafe(JSON.stringify({ s }))), { s });
      }),
      { numRuns: 500, seed: 9 },
    );
  });

  it('the plain log of `serve` prints hostile body fields and error texts escaped', async () => {
    const running = runCli(['serve', '--port', '0', '--no-interactive', '--policy', 'echo-all']);
    try {
      const [, url] = await running.waitFor(/listening on (http:\S+)/);
      const port = Number(new URL(url!).port);
      const agent = new http.Agent({ keepAlive: true });
      const body = JSON.stringify({ sessionId: 's', status: EVIL, callee: EVIL });
      assert.equal((await exchange(port, '/EchoApp/CallStatusEvent', body, agent)).status, 200);
      assert.equal((await exchange(port, '/EchoApp/connect', `{"a":"${OSC52}`, agent)).status, 400);
      agent.destroy();
      await running.waitFor(/#2 /);
      const out = running.stdout() + running.stderr();
      assert.doesNotMatch(out, UNSAFE, JSON.stringify(out));
      assert.match(running.stdout(), /status x\\u001b\]52;c;/);
    } finally {
      running.child.kill('SIGTERM');
      await running.exited;
    }
  });

  it('the interactive view prints only our own escape codes', async () => {
    const server = createHookServer({ host: '127.0.0.1', port: 0, policy: 'hold-all', holdTimeoutMs: 0 });
    const { port } = await server.listen();
    try {
      const agent = new http.Agent({ keepAlive: true });
      const held = next(server, 'received');
      void exchange(port, '/EchoApp/CallStatusEvent', JSON.stringify({ sessionId: EVIL, callId: EVIL, status: EVIL, caller: EVIL }), agent).catch(() => undefined);
      await held;
      const ex = server.pending()[0]!;
      const style = { color: true };
      const printed = [
        ...formatArrival(ex, style),
        formatStatus({ held: [ex], selectedId: ex.id, now: Date.now(), policy: 'hold-all', width: 200 }, style),
        formatLogLine(ex),
      ];
      server.answer(ex.id, { status: 403, reason: EVIL });
      printed.push(formatSettled(server.get(ex.id)!, style));
      for (const line of printed) assert.doesNotMatch(withoutOurColours(line), UNSAFE, JSON.stringify(line));
      agent.destroy();
    } finally {
      await server.close();
    }
  });

  it('`wcs` prints hostile frames and hook answers escaped, in text and --json output', async () => {
    const hooks = createHookServer({ host: '127.0.0.1', port: 0, rules: { rules: [{ method: 'connect', answer: { status: 403, reason: EVIL } }] } });
    const { url } = await hooks.listen();
    for (const json of [false, true]) {
      const stdout: string[] = [];
      const stderr: string[] = [];
      const signals = new EventEmitter();
      let listening!: (s: WcsServer) => void;
      const started = new Promise<WcsServer>((r) => (listening = r));
      const io: WcsIO = {
        stdout: { write: (s: string) => (stdout.push(s), true) } as WcsIO['stdout'],
        stderr: { write: (s: string) => (stderr.push(s), true) } as WcsIO['stderr'],
        env: {},
        signals: signals as unknown as WcsIO['signals'],
        onListening: listening,
      };
      const exit = runWcs(['--backend', `${url}/EchoApp`, '--port', '0', '--ping', '0', '--verbose', ...(json ? ['--json'] : [])], io);
      const srv = await started;
      const ws = new WebSocket(srv.url);
      await new Promise((r) => ws.once('open', r));
      ws.send(JSON.stringify({ message: 'connection', data: [{ appKey: EVIL, custom: { login: EVIL } }] }));
      await new Promise((r) => ws.once('close', r));
      signals.emit('SIGINT');
      assert.equal(await exit, 0);
      const text = stdout.join('') + stderr.join('');
      assert.ok(text.includes('\\u001b'), 'the hostile text was printed (escaped)');
      assert.doesNotMatch(text.replace(/\n/g, ''), UNSAFE, JSON.stringify(text));
      if (json) for (const line of stdout.join('').split('\n').filter((l) => l.startsWith('{'))) JSON.parse(line);
    }
    await hooks.close();
  });
});
