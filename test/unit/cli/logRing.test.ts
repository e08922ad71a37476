import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { exchangeLog } from '../../../mock-server/cli/exchangeLog';
import { formatLogLine } from '../../../mock-server/cli/logLine';
import { createRing, RingReader, RingWriter } from '../../../mock-server/cli/logRing';
import { ExchangeRecord, type Exchange, type ForwardLeg } from '../../../mock-server/hooks';
import { ROOT } from './process';

const CALL = readFileSync(join(ROOT, 'test/fixtures/examples/OnCallEvent.json'));
const T0 = 1_764_597_364_077;

function record(seq: number, url: string, method: string, body: Buffer | string, error?: string): ExchangeRecord {
  return new ExchangeRecord({ seq, receivedAt: T0 + seq * 7, method, url, rawHeaders: ['Host', '127.0.0.1'], raw: Buffer.from(body), error });
}

function answered(ex: ExchangeRecord, by: 'rule' | 'developer' | 'timeout' | 'backend' | 'fallback' | 'server', spec: ExchangeRecord['answerSpec'], status = 200, ruleIndex?: number): ExchangeRecord {
  ex.recordAnswer({ status, spec: spec!, by, ruleIndex, body: undefined, bytes: 0, json: true, closeConnection: false, at: ex.receivedAt + 3 });
  return ex;
}

/** Exchanges in every shape a log line has. */
function exchanges(): Exchange[] {
  const out: Exchange[] = [];
  out.push(answered(record(1, '/rest/my_api/OnCallEvent', 'OnCallEvent', CALL), 'rule', 'echo'));
  out.push(answered(record(2, '/EchoApp/connect', 'connect', '{"sessionId":"/127.0.0.1:5000/192.168.1.5:8443-abcdef12"}'), 'rule', { status: 403, reason: 'busy' }, 403, 0));
  const held = record(3, '/EchoApp/publishStream', 'publishStream', '{"name":"s1","mediaSessionId":"m-123456789"}');
  held.holdDeadline = held.receivedAt + 12_000;
  out.push(held);
  out.push(record(4, '/EchoApp/playStream', 'playStream', '{"name":"s2"}'));
  const aborted = record(5, '/EchoApp/publishStream', 'publishStream', '{"name":"s3"}');
  aborted.state = 'aborted';
  aborted.latencyMs = 1500;
  out.push(aborted);
  const leg: ForwardLeg = {
    target: 'http://127.0.0.1:3000/wcs',
    stage: 'done',
    request: { url: 'http://127.0.0.1:3000/wcs/connect', headers: {}, body: '{"edited":true}', resigned: false, at: T0 },
    failure: { kind: 'timeout', message: 'no answer in 3000 ms', at: T0, latencyMs: 3000 },
    warnings: ['answer is not JSON', 'status 500: WCS treats it as an interaction error'],
  };
  const fwd = answered(record(6, '/EchoApp/connect', 'connect', '{"sessionId":"x"}'), 'fallback', 'echo');
  fwd.forward = leg;
  out.push(fwd);
  const backend = answered(record(7, '/EchoApp/connect', 'connect', '{}'), 'backend', { status: 201, body: '{}' }, 201);
  backend.forward = { target: 'http://127.0.0.1:3000', stage: 'done', response: { status: 201, statusText: 'Created', headers: { 'content-type': 'text/plain' }, body: '{}', bytes: 2, at: T0, latencyMs: 12 } };
  out.push(backend);
  // Validation issues, an unknown method, control characters from the network in the URL and the body.
  out.push(answered(record(8, '/App/OnCallEvent?x=\u001b]52;c;aGk=\u0007', 'OnCallEvent', '{"callId":"c\u001b[2J","callee":"\u009b31m","status":5}'), 'rule', 'echo'));
  out.push(answered(record(9, '/App/noSuchMethod', 'noSuchMethod', '{"a":1}'), 'developer', { status: 200, merge: { b: 2 } }));
  out.push(answered(record(10, '/App/connect', 'connect', '{nope', 'malformed JSON: Unexpected token'), 'server', { status: 400, body: { error: 'malformed JSON' } }, 400));
  out.push(answered(record(11, '/App/connect', 'connect', '{"login":"ünïcödé ☃","appKey":"k"}'), 'timeout', 'forbid', 403));
  out.push(answered(record(12, '/App/OnCallEvent', 'OnCallEvent', '[1,2,3]'), 'rule', 'echo', 200, 4));
  // Not a server record: formatted by the writer, carried as text.
  out.push({ ...answered(record(13, '/App/connect', 'connect', '{}'), 'rule', 'echo').toJSON(), id: 'custom-id' });
  return out;
}

/** A small deterministic generator, so a failing case can be rerun. */
function lcg(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
}

describe('serve log ring (log thread hand-over)', function () {
  this.timeout(60_000);

  it('rebuilds exactly the line formatLogLine makes, for every kind of exchange', () => {
    const ring = createRing(1 << 20);
    const w = new RingWriter(ring);
    const all = exchanges();
    const expected = all.map((ex) => formatLogLine(ex));
    for (const ex of all) assert.ok(w.append(ex) > 0);
    w.publish();
    const r = new RingReader(ring);
    const got: string[] = [];
    let line: string | undefined;
    while ((line = r.next(r.published())) !== undefined) got.push(line);
    assert.deepEqual(got, expected);
    assert.ok(got[7]!.includes('\\u001b]52') && !/[\u0000-\u001f\u007f-\u009f]/.test(got.join('')), 'terminal-safe');
    assert.match(got[2]!, /held \(fallback after 12s\)/);
    assert.match(got[4]!, / aborted/);
    assert.match(got[5]!, /→ backend timeout 3.0s \(edited\) \(backend timeout: no answer in 3000 ms\) ! backend: answer is not JSON/);
  });

  it('keeps every line in order through wraps, with a reader that lags and catches up', () => {
    const ring = createRing(1 << 20);
    const w = new RingWriter(ring);
    const r = new RingReader(ring);
    const rnd = lcg(7);
    const expected: string[] = [];
    const got: string[] = [];
    const drain = (max: number) => {
      const head = r.published();
      let line: string | undefined;
      for (let i = 0; i < max && (line = r.next(head)) !== undefined; i++) got.push(line);
      r.commit();
    };
    for (let i = 1; i <= 20_000; i++) {
      const size = rnd() < 0.05 ? Math.floor(rnd() * 30_000) : Math.floor(rnd() * 600);
      const ex = answered(record(i, `/App/OnCallEvent`, 'OnCallEvent', `{"callId":"${'c'.repeat(size)}"}`), 'rule', 'echo');
      expected.push(formatLogLine(ex));
      assert.ok(w.append(ex) > 0, `record ${i} fitted`);
      w.publish();
      // The reader takes a batch now and then, sometimes everything, sometimes a little.
      if (rnd() < 0.02) drain(rnd() < 0.5 ? Infinity : Math.floor(rnd() * 50));
    }
    drain(Infinity);
    assert.equal(got.length, expected.length);
    assert.deepEqual(got, expected);
  });

  it('a reader that pauses right after the writer wrapped still has the whole ring to fall behind by', () => {
    const ring = createRing(1 << 20);
    const w = new RingWriter(ring);
    const r = new RingReader(ring);
    let seq = 0;
    const next = () => answered(record(++seq, '/rest/my_api/OnCallEvent', 'OnCallEvent', CALL), 'rule', 'echo');
    const drain = () => {
      let n = 0;
      while (r.next(r.published()) !== undefined) n++;
      r.commit();
      return n;
    };
    let bytes = 0;
    while (bytes < 0.6 * (1 << 20)) bytes += w.append(next());
    w.publish();
    drain();
    // Unread from here on: the writer passes the end of the ring, wraps, and keeps going up to 90 % of it.
    bytes = 0;
    while (bytes < 0.9 * (1 << 20)) {
      const n = w.append(next());
      assert.ok(n > 0, `record #${seq} dropped with ${bytes} bytes unread in a ${1 << 20}-byte ring`);
      bytes += n;
    }
    w.publish();
    assert.ok(drain() > 1000);
  });

  it('a reader that stops: lines past the bound are dropped and counted, then one line says how many', () => {
    const ring = createRing(64 * 1024);
    const w = new RingWriter(ring);
    const r = new RingReader(ring);
    let kept = 0;
    let dropped = 0;
    for (let i = 1; i <= 500; i++) {
      if (w.append(answered(record(i, '/App/OnCallEvent', 'OnCallEvent', CALL), 'rule', 'echo')) > 0) kept++;
      else dropped++;
    }
    w.publish();
    assert.ok(kept > 0 && dropped > 0);
    const lines: string[] = [];
    let line: string | undefined;
    while ((line = r.next(r.published())) !== undefined) lines.push(line);
    r.commit();
    assert.equal(lines.length, kept);
    assert.ok(w.append(answered(record(501, '/App/OnCallEvent', 'OnCallEvent', CALL), 'rule', 'echo')) > 0);
    w.publish();
    const after: string[] = [];
    while ((line = r.next(r.published())) !== undefined) after.push(line);
    assert.equal(after.length, 2);
    assert.equal(after[0], `wcs-hook-mock: ${dropped} log lines dropped: the reader of this output fell more than 64 KiB behind`);
    assert.match(after[1]!, / #501 /);
  });

  it('large lines past the bound: one note per catch-up, and every line is either logged or counted', () => {
    const ring = createRing(64 * 1024);
    const w = new RingWriter(ring);
    const r = new RingReader(ring);
    const big = (i: number) => answered(record(i, `/App/connect?x=${'A'.repeat(7000)}`, 'connect', CALL), 'rule', 'echo');
    const read = (n: number) => {
      const got: string[] = [];
      let line: string | undefined;
      while (got.length < n && (line = r.next(r.published())) !== undefined) got.push(line);
      r.commit();
      return got;
    };
    const notes = (lines: string[]) => lines.filter((l) => l.startsWith('wcs-hook-mock:'));
    const counted = (lines: string[]) => notes(lines).reduce((n, l) => n + Number(/: (\d+) log lines? dropped/.exec(l)![1]), 0);
    let i = 0;
    // The reader stops for twice what the ring holds, then takes everything: one note with the exact count.
    for (let k = 0; k < 20; k++) w.append(big(++i));
    w.publish();
    const first = read(1000);
    assert.ok(w.append(big(++i)) > 0);
    w.publish();
    first.push(...read(1000));
    assert.equal(notes(first).length, 1, notes(first).join('\n'));
    assert.equal(counted(first) + first.length - 1, i);
    // A reader that takes one line at a time while the flood goes on: small gaps do not each get a note.
    const slow: string[] = [];
    const from = i;
    for (let k = 0; k < 40; k++) {
      slow.push(...read(1));
      w.append(big(++i));
      w.publish();
    }
    slow.push(...read(1000));
    assert.ok(w.append(big(++i)) > 0);
    w.publish();
    slow.push(...read(1000));
    const n = notes(slow);
    assert.ok(n.length <= 40 / 3, `${n.length} notes for 40 lines`);
    assert.equal(counted(slow) + slow.length - n.length, i - from, 'every line is either logged or counted as dropped');
  });

  describe('the log thread', () => {
    let dir: string;
    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'wcs-logring-'));
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    async function viaThread(exs: Exchange[], workerFile?: string): Promise<{ text: string; warnings: string[]; thread: string; out: string }> {
      const file = join(dir, `out-${Math.random().toString(36).slice(2)}.log`);
      const fd = openSync(file, 'w');
      const warnings: string[] = [];
      const out = new PassThrough();
      let outText = '';
      out.on('data', (c: Buffer) => (outText += c.toString()));
      const log = exchangeLog({ out, fd, warn: (m) => warnings.push(m), workerFile });
      for (const ex of exs) log.add(ex);
      await log.close();
      const thread = log.thread;
      closeSync(fd);
      await new Promise((r) => setImmediate(r));
      return { text: readFileSync(file, 'utf8'), warnings, thread, out: outText };
    }

    it('writes every line to the descriptor, in order, all of them before close() resolves', async () => {
      const many: Exchange[] = [];
      for (let i = 1; i <= 5000; i++) many.push(answered(record(i, '/rest/my_api/OnCallEvent', 'OnCallEvent', CALL), 'rule', 'echo'));
      const all = [...exchanges(), ...many];
      const { text, warnings, thread, out } = await viaThread(all);
      assert.deepEqual(warnings, []);
      assert.equal(thread, 'log');
      assert.equal(out, '', 'nothing formatted on the main thread');
      assert.equal(text, all.map((ex) => formatLogLine(ex) + '\n').join(''));
    });

    it('a log thread that cannot start: the lines are formatted here instead, and stderr says so once', async () => {
      const all = exchanges();
      const { text, warnings, thread, out } = await viaThread(all, join(dir, 'no-such-worker.js'));
      assert.equal(thread, 'main');
      assert.equal(warnings.length, 1);
      assert.match(warnings[0]!, /log thread failed .*formatted on the main thread/);
      assert.equal(text, '');
      assert.equal(out, all.map((ex) => formatLogLine(ex) + '\n').join(''));
    });

    it('a log thread that dies: what it had not written is formatted here, in order, and every line after', async () => {
      const crash = join(dir, 'crash.js');
      writeFileSync(crash, 'throw new Error("boom");\n');
      const all = exchanges();
      const { text, warnings, thread, out } = await viaThread(all, crash);
      assert.equal(thread, 'main');
      assert.equal(warnings.length, 1);
      assert.match(warnings[0]!, /log thread failed \(boom\)/);
      assert.equal(text + out, all.map((ex) => formatLogLine(ex) + '\n').join(''));
    });
  });
});
