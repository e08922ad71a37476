import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { isoTime, lineWriter } from '../../../mock-server/cli/logLine';
import { ROOT } from './process';

/** A stand-in for stdout that records each write. */
function sink() {
  const e = new EventEmitter() as EventEmitter & { writes: string[]; write(s: string): boolean };
  e.writes = [];
  e.write = (s: string) => {
    e.writes.push(s);
    return true;
  };
  return e;
}

describe('serve log lines', function () {
  this.timeout(60_000);

  it('isoTime gives toISOString, the second part reused', () => {
    for (const ms of [0, 5, 999, 1000, 1_764_597_364_077, 1_764_597_364_077, 1_764_597_364_100, 1_764_597_365_001, -1, 1.5]) {
      assert.equal(isoTime(ms), new Date(ms).toISOString());
    }
  });

  it('the writer batches lines into few writes, in order, and flush hands over the rest', () => {
    const out = sink();
    const w = lineWriter(out as unknown as NodeJS.WritableStream, { batchChars: 1000, flushMs: 60_000 });
    for (let i = 1; i <= 500; i++) w.line(`line ${i}`);
    w.flush();
    const text = out.writes.join('');
    assert.deepEqual(text.split('\n').slice(0, -1), Array.from({ length: 500 }, (_, i) => `line ${i + 1}`));
    assert.ok(out.writes.length < 20, `${out.writes.length} writes for 500 lines`);
    w.flush();
    assert.equal(out.writes.join(''), text, 'nothing written twice');
  });

  it('a reader that stops: past the bound lines are dropped and counted, then one line says how many', () => {
    const out = sink() as ReturnType<typeof sink> & { writableLength: number };
    out.writableLength = 0;
    const w = lineWriter(out as unknown as NodeJS.WritableStream, { batchChars: 1000, flushMs: 60_000, maxQueued: 100 });
    w.line('kept 1');
    w.flush();
    out.writableLength = 101;
    for (let i = 1; i <= 5; i++) w.line(`lost ${i}`);
    w.flush();
    out.writableLength = 0;
    w.line('kept 2');
    w.flush();
    assert.equal(out.writes.join(''), 'kept 1\nwcs-hook-mock: 5 log lines dropped: the reader of this output fell more than 100 bytes behind\nkept 2\n');
  });

  it('lines dropped at the end, with no later line to carry the note: report() says how many', () => {
    const out = sink() as ReturnType<typeof sink> & { writableLength: number };
    out.writableLength = 101;
    const w = lineWriter(out as unknown as NodeJS.WritableStream, { batchChars: 1000, flushMs: 60_000, maxQueued: 100 });
    for (let i = 1; i <= 3; i++) w.line(`lost ${i}`);
    w.flush();
    out.writableLength = 0;
    w.report();
    w.report();
    assert.equal(out.writes.join(''), 'wcs-hook-mock: 3 log lines dropped: the reader of this output fell more than 100 bytes behind\n');
  });

  it('after a write error (the reader went away) lines are dropped quietly', () => {
    const out = sink();
    const w = lineWriter(out as unknown as NodeJS.WritableStream, { flushMs: 60_000 });
    w.line('a');
    out.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    w.line('b');
    w.flush();
    assert.deepEqual(out.writes, []);
  });

  /** `serve` on a pipe, its stdout read up to the listening line; what it printed so far is in `chunks`. */
  async function pipedServe(): Promise<{ child: ReturnType<typeof spawn>; url: string; chunks: Buffer[]; stderr: () => string; closed: Promise<void> }> {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'mock-server/cli.ts'), 'serve', '--port', '0'], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const chunks: Buffer[] = [];
    const closed = new Promise<void>((r) => child.once('close', () => r()));
    const url = await new Promise<string>((resolve, reject) => {
      let head = '';
      const onData = (c: Buffer) => {
        chunks.push(c);
        head += c.toString();
        const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(head);
        if (m) {
          child.stdout.off('data', onData);
          resolve(m[1]!);
        }
      };
      child.stdout.on('data', onData);
      child.once('exit', (code) => reject(new Error(`serve exited with ${code}`)));
    });
    return { child, url, chunks, stderr: () => err, closed };
  }

  /** Posts OnCallEvent `n` times over 16 keep-alive connections; every answer must be 200. */
  async function flood(url: string, n: number): Promise<void> {
    const body = JSON.stringify(JSON.parse(readFileSync(join(ROOT, 'test/fixtures/examples/OnCallEvent.json'), 'utf8')));
    const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
    let next = 0;
    const worker = async () => {
      while (next < n) {
        next++;
        const status = await new Promise<number>((resolve, reject) => {
          const req = http.request(`${url}/rest/my_api/OnCallEvent`, { method: 'POST', agent, headers: { 'content-type': 'application/json' } }, (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode!));
          });
          req.on('error', reject);
          req.end(body);
        });
        assert.equal(status, 200);
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    agent.destroy();
  }

  it('`serve` on a pipe logs every exchange of a flood, even while its reader stalls', async () => {
    const { child, url, chunks, closed } = await pipedServe();
    try {
      // The reader stops taking lines: the pipe fills up while the flood goes on.
      child.stdout!.pause();
      const N = 3000;
      await flood(url, N);
      child.stdout!.on('data', (c: Buffer) => chunks.push(c));
      child.stdout!.resume();
      child.kill('SIGTERM');
      await closed;
      const lines = Buffer.concat(chunks).toString().split('\n').filter(Boolean);
      const ids = lines.map((l) => / #(\d+) POST /.exec(l)?.[1]).filter((x): x is string => x !== undefined).map(Number);
      assert.equal(ids.length, N, `${ids.length} exchange lines for ${N} hooks`);
      assert.deepEqual([...ids].sort((a, b) => a - b), Array.from({ length: N }, (_, i) => i + 1), 'each id exactly once');
      assert.match(lines.at(-1)!, /stopped \(SIGTERM\)/, 'the last exchange lines come before the stopped line');
      assert.ok(lines.every((l) => /listening on|stopped|#\d+ POST \/rest\/my_api\/OnCallEvent OnCallEvent\/incoming -> 200 echo by default in \d+ms \[session/.test(l)), 'whole lines, none torn');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  for (const thread of ['1', '0']) {
    it(`\`serve\` whose reader stopped reading for good still ends on SIGTERM, and says what it dropped (log thread ${thread === '1' ? 'on' : 'off'})`, async () => {
      process.env.WCS_HOOK_MOCK_LOG_THREAD = thread;
      let run: Awaited<ReturnType<typeof pipedServe>>;
      try {
        run = await pipedServe();
      } finally {
        delete process.env.WCS_HOOK_MOCK_LOG_THREAD;
      }
      const { child, url, stderr, closed } = run;
      try {
        // Never resumed: far more log than a pipe holds (3,000 lines of ~230 bytes against 64 KiB).
        child.stdout!.pause();
        await flood(url, 3000);
        child.kill('SIGTERM');
        await closed;
        assert.equal(child.exitCode, 0);
        assert.match(stderr(), /stdout's reader took no log lines for 2 s; the lines it had not taken are dropped/);
      } finally {
        if (child.exitCode === null) child.kill('SIGKILL');
      }
    });
  }
});
