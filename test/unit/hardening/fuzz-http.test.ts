/**
 * Hostile and broken input against the hook server, over raw sockets where no well-behaved client would go:
 * the server never crashes or hangs, answers each input with the right status, and a valid hook sent after
 * each one (over a keep-alive connection open the whole time) still gets its echo.
 *
 * A crash would surface as an uncaught exception failing the suite; a hang as fewer responses than
 * expected when the bounded wait ends. Runs are bounded (fast-check `numRuns`).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { readJournalFile } from '../../../mock-server/hooks/journal';
import { createHookServer, type HookServer } from '../../../mock-server/hooks/server';
import { exchange, rawExchange, type ParsedResponse } from './wire';

const EXAMPLES = join(__dirname, '../../fixtures/examples');
const SAMPLES = readdirSync(EXAMPLES)
  .filter((f) => f.endsWith('.json'))
  .map((f) => ({ method: f.replace(/\.json$/, '').replace(/-.*$/, ''), body: readFileSync(join(EXAMPLES, f)) }));
const MAX_BODY = 64 * 1024;

function isJson(bytes: Buffer): boolean {
  try {
    JSON.parse(bytes.toString('utf8'));
    return true;
  } catch {
    return false;
  }
}

function request(path: string, body: Buffer, extraHeaders = ''): Buffer {
  return Buffer.concat([
    Buffer.from(`POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n${extraHeaders}\r\n`, 'latin1'),
    body,
  ]);
}

/** The one right answer to a well-framed POST whose body is `body`, with policy echo-all. */
function assertAnswer(r: ParsedResponse | undefined, body: Buffer, label: string): void {
  assert.ok(r, `${label}: answered`);
  if (body.length > MAX_BODY) {
    assert.equal(r.status, 413, label);
  } else if (isJson(body)) {
    assert.equal(r.status, 200, label);
    assert.ok(r.body.equals(body), `${label}: echoed byte for byte`);
  } else {
    assert.equal(r.status, 400, label);
    assert.match(String(JSON.parse(r.body.toString('utf8')).error), /malformed JSON/, label);
  }
}

describe('hardening: hostile input to the hook server', function () {
  this.timeout(120_000);
  let server: HookServer;
  let port: number;
  /** A well-behaved client, connected for the whole suite. */
  let steady: http.Agent;
  let steadySeq = 0;
  const warnings: string[] = [];
  let dir: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wcs-fuzz-'));
    server = createHookServer({
      host: '127.0.0.1',
      port: 0,
      policy: 'echo-all',
      maxBodyBytes: MAX_BODY,
      headersTimeoutMs: 300,
      requestTimeoutMs: 600,
      journalLimit: 100_000,
      // The JSONL writer serialises every exchange, however deep or odd its body.
      journalFile: join(dir, 'fuzz.jsonl'),
    });
    // What the CLI and the extension read from every exchange: a throw here would surface as uncaught.
    server.on('received', (ex) => {
      void ex.issues.length;
      void ex.keys;
    });
    server.on('warning', (m) => warnings.push(m));
    ({ port } = await server.listen());
    steady = new http.Agent({ keepAlive: true, maxSockets: 1 });
  });

  after(async () => {
    steady.destroy();
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** A valid hook over the long-lived connection: the server still serves while under attack. */
  async function stillServing(): Promise<void> {
    const body = JSON.stringify({ sessionId: '/127.0.0.1:1/127.0.0.1:8443-steady', seq: steadySeq++ });
    const r = await exchange(port, '/EchoApp/StreamKeepAliveEvent', body, steady);
    assert.equal(r.status, 200, 'valid hook still answered');
    assert.equal(r.body, body, 'valid hook still echoed');
    if (steadySeq > 1) assert.ok(r.reusedSocket, 'over the same keep-alive connection');
  }

  it('mutated example bodies: 200 echo when still JSON, 400 with a JSON error when not', async () => {
    const mutation = fc.oneof(
      fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
      fc.record({ op: fc.constant('insert' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
      fc.record({ op: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 8 }) }),
      fc.record({ op: fc.constant('replace' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
      fc.record({ op: fc.constant('duplicate' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 40 }) }),
    );
    type Mutation = { op: string; at: number; byte?: number; len?: number };
    const mutate = (b: Buffer, ms: readonly Mutation[]): Buffer => {
      let out = b;
      for (const m of ms) {
        const at = out.length ? m.at % (out.length + 1) : 0;
        if (m.op === 'truncate') out = out.subarray(0, at);
        else if (m.op === 'insert') out = Buffer.concat([out.subarray(0, at), Buffer.from([m.byte!]), out.subarray(at)]);
        else if (m.op === 'delete') out = Buffer.concat([out.subarray(0, at), out.subarray(at + m.len!)]);
        else if (m.op === 'replace' && at < out.length) (out = Buffer.from(out))[at] = m.byte!;
        else if (m.op === 'duplicate') out = Buffer.concat([out.subarray(0, at + m.len!), out.subarray(at)]);
      }
      return out;
    };
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    let valid = 0;
    let invalid = 0;
    try {
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...SAMPLES), fc.array(mutation, { minLength: 1, maxLength: 4 }), async (sample, ms) => {
          const body = mutate(sample.body, ms);
          const [r] = (await rawExchange(port, [request(`/EchoApp/${sample.method}`, body)], { expect: 1 })).responses;
          assertAnswer(r, body, `${sample.method} mutated ${JSON.stringify(ms)}`);
          if (isJson(body)) valid++;
          else invalid++;
        }),
        { numRuns: 300, seed: 0x5eed },
      );
    } finally {
      agent.destroy();
    }
    assert.ok(valid > 0 && invalid > 0, `both outcomes exercised (${valid} still JSON, ${invalid} not)`);
    await stillServing();
  });

  it('random JSON values (deep, wide, unicode, odd numbers) are valid hooks and come back byte for byte', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      await fc.assert(
        fc.asyncProperty(fc.jsonValue({ maxDepth: 8 }), fc.constantFrom('connect', 'StreamStatusEvent', 'OnCallEvent', 'NoSuchMethod'), async (value, method) => {
          const body = JSON.stringify(value);
          const r = await exchange(port, `/EchoApp/${method}`, body, agent);
          assert.equal(r.status, 200);
          assert.equal(r.body, body);
        }),
        { numRuns: 200, seed: 0x15 },
      );
    } finally {
      agent.destroy();
    }
    await stillServing();
  });

  it('wrong types for known fields are echoed and reported as validation issues, never thrown', async () => {
    const wrong = fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.string(), { maxLength: 3 }), fc.dictionary(fc.string(), fc.integer(), { maxKeys: 3 }));
    const fields = ['sessionId', 'name', 'mediaSessionId', 'callId', 'status', 'nodeId', 'appKey', 'published', 'createDate', 'restClientConfig', 'custom'];
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...SAMPLES), fc.constantFrom(...fields), wrong, async (sample, field, value) => {
          const body = JSON.stringify({ ...JSON.parse(sample.body.toString('utf8')), [field]: value });
          const before = server.journal.size + server.journal.dropped;
          const r = await exchange(port, `/EchoApp/${sample.method}`, body, agent);
          assert.equal(r.status, 200);
          assert.equal(r.body, body);
          const ex = server.journal.all().at(-1)!;
          assert.equal(server.journal.size + server.journal.dropped, before + 1);
          assert.equal(ex.rawBody, body);
          assert.ok(Array.isArray(ex.issues));
          // Correlation keys are strings or absent, whatever the body says.
          for (const v of Object.values(ex.keys)) assert.ok(v === undefined || typeof v === 'string');
        }),
        { numRuns: 150, seed: 0x7e },
      );
    } finally {
      agent.destroy();
    }
    await stillServing();
  });

  it('random bytes and invalid UTF-8: 200 echo of the exact bytes when JSON, 400 otherwise', async () => {
    // Bytes that can sit inside a JSON string without ending it: anything but '"', '\' and controls.
    const inString = fc.uint8Array({ minLength: 1, maxLength: 64 }).map((a) => Buffer.from(a.map((b) => (b === 0x22 || b === 0x5c || b < 0x20 ? 0x41 : b))));
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 512 }).map((a) => Buffer.from(a)),
          inString.map((bytes) => Buffer.concat([Buffer.from('{"name":"'), bytes, Buffer.from('"}')])),
        ),
        async (body) => {
          const [r] = (await rawExchange(port, [request('/EchoApp/StreamStatusEvent', body)], { expect: 1 })).responses;
          assertAnswer(r, body, `bytes ${body.toString('hex').slice(0, 40)}`);
        },
      ),
      { numRuns: 200, seed: 0xb17e },
    );
    await stillServing();
  });

  it('deep nesting and huge strings: echoed up to the body limit, 413 past it', async () => {
    const depth = (n: number) => Buffer.from(`{"a":${'['.repeat(n)}${']'.repeat(n)}}`);
    for (const n of [100, 10_000, 30_000]) {
      const body = depth(n);
      const [r] = (await rawExchange(port, [request('/EchoApp/StreamStatusEvent', body)], { expect: 1 })).responses;
      assertAnswer(r, body, `nesting ${n}`);
    }
    const str = (len: number) => Buffer.from(`{"name":"${'x'.repeat(len - 11)}"}`);
    for (const len of [MAX_BODY - 1, MAX_BODY, MAX_BODY + 1, MAX_BODY * 4]) {
      const body = str(len);
      assert.equal(body.length, len);
      const res = await rawExchange(port, [request('/EchoApp/StreamStatusEvent', body)], { expect: 1 });
      assertAnswer(res.responses[0], body, `string body of ${len} bytes`);
      if (len > MAX_BODY) assert.equal(res.responses[0]!.headers.connection, 'close', 'the unread rest is not taken for a request');
    }
    // Declared far over the limit and never sent: refused at once, not waited for.
    const declared = await rawExchange(port, ['POST /EchoApp/connect HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 99999999999\r\n\r\n'], { expect: 1 });
    assert.equal(declared.responses[0]?.status, 413);
    await stillServing();
  });

  it('body framing: Content-Length, chunked in random pieces, split writes and pipelining all answer each request in order', async () => {
    const framing = fc.record({
      sample: fc.constantFrom(...SAMPLES),
      chunked: fc.boolean(),
      cuts: fc.array(fc.nat(), { maxLength: 6 }),
      pipelined: fc.integer({ min: 1, max: 5 }),
      breakOne: fc.option(fc.nat(), { nil: undefined }),
    });
    await fc.assert(
      fc.asyncProperty(framing, async ({ sample, chunked, cuts, pipelined, breakOne }) => {
        const bodies = Array.from({ length: pipelined }, (_, i) =>
          breakOne !== undefined && breakOne % pipelined === i ? sample.body.subarray(0, sample.body.length >> 1) : sample.body,
        );
        const wire = Buffer.concat(
          bodies.map((body) => {
            if (!chunked) return request(`/EchoApp/${sample.method}`, body);
            const sizes = cuts.map((c) => c % (body.length + 1)).sort((a, b) => a - b);
            const pieces: Buffer[] = [];
            let from = 0;
            for (const to of [...sizes, body.length]) {
              if (to > from) pieces.push(Buffer.from(`${(to - from).toString(16)}\r\n`), body.subarray(from, to), Buffer.from('\r\n'));
              from = Math.max(from, to);
            }
            return Buffer.concat([
              Buffer.from(`POST /EchoApp/${sample.method} HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n`),
              ...pieces,
              Buffer.from('0\r\n\r\n'),
            ]);
          }),
        );
        // The same bytes cut into arbitrary writes: the parser must not care where segments end.
        const points = [...new Set(cuts.map((c) => (c * 7919) % wire.length))].sort((a, b) => a - b);
        const pieces: Buffer[] = [];
        let from = 0;
        for (const p of [...points, wire.length]) {
          if (p > from) pieces.push(wire.subarray(from, p));
          from = p;
        }
        const res = await rawExchange(port, pieces, { expect: pipelined });
        assert.equal(res.garbage, false);
        assert.equal(res.responses.length, pipelined, 'one response per pipelined request');
        res.responses.forEach((r, i) => assertAnswer(r, bodies[i]!, `request ${i + 1}/${pipelined}${chunked ? ' chunked' : ''}`));
      }),
      { numRuns: 150, seed: 0xf4a3 },
    );
    await stillServing();
  });

  describe('broken HTTP: the right 4xx, the connection closed, the server unharmed', () => {
    const B = '{"sessionId":"s"}';
    const head = (h: string, body = B) => `POST /EchoApp/StreamStatusEvent HTTP/1.1\r\nHost: 127.0.0.1\r\n${h}\r\n${body}`;
    const cases: Array<{ name: string; pieces: string[]; status: number; note?: string }> = [
      { name: 'two different Content-Length headers', pieces: [head(`Content-Length: 17\r\nContent-Length: 18\r\n`)], status: 400 },
      { name: 'Content-Length twice', pieces: [head(`Content-Length: 17\r\nContent-Length: 17\r\n`)], status: 400 },
      { name: 'Content-Length and chunked together (smuggling)', pieces: [head(`Content-Length: 17\r\nTransfer-Encoding: chunked\r\n`, `11\r\n${B}\r\n0\r\n\r\n`)], status: 400 },
      { name: 'no Content-Length, body bytes anyway', pieces: [head('')], status: 400 },
      { name: 'Content-Length shorter than the body', pieces: [head(`Content-Length: 5\r\n`)], status: 400 },
      { name: 'Content-Length longer than the body (request timeout)', pieces: [head(`Content-Length: 50\r\n`)], status: 408 },
      { name: 'negative Content-Length', pieces: [head(`Content-Length: -1\r\n`)], status: 400 },
      { name: 'non-numeric Content-Length', pieces: [head(`Content-Length: 1e3\r\n`)], status: 400 },
      { name: 'bad chunk size', pieces: [head(`Transfer-Encoding: chunked\r\n`, `zz\r\n${B}\r\n0\r\n\r\n`)], status: 400 },
      { name: 'header line without a colon', pieces: [head(`Content-Length: 17\r\nNoColonHere\r\n`)], status: 400 },
      { name: 'headers over the size limit', pieces: [head(`Content-Length: 17\r\nX-Big: ${'a'.repeat(20_000)}\r\n`)], status: 431 },
      { name: 'not HTTP at all', pieces: ['\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03'], status: 400 },
      { name: 'garbage request line', pieces: ['HELLO WORLD\r\n\r\n'], status: 400 },
      {
        name: 'slowloris: headers one byte at a time, never finished (headers timeout)',
        pieces: [...'POST /EchoApp/connect HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: '],
        status: 408,
      },
    ];
    for (const c of cases) {
      it(`${c.name} → ${c.status}`, async () => {
        const before = server.journal.size + server.journal.dropped;
        const res = await rawExchange(port, c.name.startsWith('slowloris') ? c.pieces : [c.pieces.join('')], { expect: 2, endAfterWrite: false });
        assert.equal(res.garbage, false, 'only HTTP comes back');
        assert.ok(res.responses.length >= 1, 'answered, not left hanging');
        assert.equal(res.responses.at(-1)!.status, c.status);
        for (const r of res.responses) assert.ok(r.status >= 400 && r.status < 500, `every answer is a 4xx (${r.status})`);
        assert.ok(res.closed, 'the connection is closed after a framing error');
        // Whatever became an exchange was answered.
        for (const ex of server.journal.all().slice(before - server.journal.dropped)) assert.notEqual(ex.state, 'pending');
        await stillServing();
      });
    }

    it('duplicate ordinary headers are fine: 200 echo', async () => {
      const res = await rawExchange(port, [head(`Content-Type: application/json\r\nContent-Type: text/plain\r\nX-Dup: 1\r\nX-Dup: 2\r\nContent-Length: 17\r\n`)], { expect: 1 });
      assert.equal(res.responses[0]?.status, 200);
      assert.equal(res.responses[0]?.body.toString(), B);
      await stillServing();
    });

    it('pipelined good, broken JSON, good: each answered in order on one connection', async () => {
      const bad = Buffer.from('{"sessionId":');
      const res = await rawExchange(port, [Buffer.concat([request('/A/connect', Buffer.from(B)), request('/A/connect', bad), request('/A/StreamStatusEvent', Buffer.from(B))])], { expect: 3 });
      assert.deepEqual(res.responses.map((r) => r.status), [200, 400, 200]);
      assert.equal(res.responses[0]!.body.toString(), B);
      assert.equal(res.responses[2]!.body.toString(), B);
      assert.equal(res.closed, false, 'a bad body inside good framing does not cost the connection');
      await stillServing();
    });
  });

  // In a describe of its own so that it runs after the nested cases above (mocha runs a suite's own tests first).
  describe('afterwards', () => {
    it('kept every exchange answered, journalled each once, and the steady connection alive throughout', async () => {
      assert.equal(server.pending().length, 0);
      const all = server.journal.all();
      for (const ex of all) assert.equal(ex.state, 'answered', `${ex.id} ${ex.method}`);
      assert.ok(steadySeq >= 20, `the steady client was served after every case (${steadySeq})`);
      assert.deepEqual(warnings, [], 'nothing went wrong inside the server (e.g. the JSONL writer)');
      await server.close();
      const { records, warnings: readWarnings } = await readJournalFile(join(dir, 'fuzz.jsonl'));
      assert.deepEqual(readWarnings, []);
      assert.deepEqual(records.map((r) => r.id), all.map((e) => e.id), 'the JSONL file has every exchange once, in order');
    });
  });
});
