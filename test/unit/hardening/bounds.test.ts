/**
 * Round 2 of the attack campaign, memory and crash side: a deep body under a merge answer, an impossible
 * journal count, and a flood of large hooks against the journal's byte bound. Everything binds 127.0.0.1.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { DEFAULT_JOURNAL_MAX_BYTES, Journal, MAX_JOURNAL_LIMIT } from '../../../mock-server/hooks/journal';
import { createHookServer, type HookServer } from '../../../mock-server/hooks/server';
import { UsageError } from '../../../mock-server/cli/flags';
import { parseServeArgs } from '../../../mock-server/cli/serveArgs';
import { runCli } from '../cli/process';
import { exchange } from './wire';

const STACK = /\n\s+at /;

describe('hardening: bounds (round 2)', function () {
  this.timeout(60_000);
  let server: HookServer | undefined;
  let agent: http.Agent;

  beforeEach(() => {
    agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  });
  afterEach(async () => {
    agent.destroy();
    await server?.close();
    server = undefined;
  });

  it('a 25 KB body nested ~12,000 deep under a merge answer is refused with 400 and the server keeps serving', async () => {
    server = createHookServer({
      host: '127.0.0.1',
      port: 0,
      rules: { rules: [{ method: 'restClientConfig', answer: { status: 200, merge: { restClientConfig: {} } } }], default: 'echo' },
    });
    const { port } = await server.listen();
    const deep = `{"nodeId":"n","x":${'['.repeat(12_000)}${']'.repeat(12_000)}}`;
    assert.ok(deep.length < 25_000);
    const r = await exchange(port, '/EchoApp/restClientConfig', deep, agent);
    assert.equal(r.status, 400);
    assert.match(JSON.parse(r.body).error, /nested too deeply/);
    const ex = server.journal.all().at(-1)!;
    assert.equal(ex.answer?.by, 'server');
    // An ordinary merge still works afterwards, on the same connection.
    const ok = await exchange(port, '/EchoApp/restClientConfig', '{"nodeId":"n","a":[[1]]}', agent);
    assert.equal(ok.status, 200);
    assert.deepEqual(JSON.parse(ok.body), { nodeId: 'n', a: [[1]], restClientConfig: {} });
  });

  it('an impossible --journal-limit is refused at start, in the parser, the server and the CLI (one line, exit 2)', async () => {
    assert.throws(() => parseServeArgs(['--journal-limit', '620000000']), (e: unknown) => e instanceof UsageError && /--journal-limit/.test(e.message));
    assert.equal(parseServeArgs(['--journal-limit', String(MAX_JOURNAL_LIMIT)]).journalLimit, MAX_JOURNAL_LIMIT);
    assert.throws(() => createHookServer({ journalLimit: 620_000_000 }), RangeError);
    assert.throws(() => new Journal(620_000_000), RangeError);
    const running = runCli(['serve', '--port', '0', '--journal-limit', '620000000']);
    assert.equal((await running.exited).code, 2);
    assert.doesNotMatch(running.stderr(), STACK);
    assert.match(running.stderr(), /^wcs-hook-mock serve: --journal-limit needs an integer 1–1000000, got '620000000'\n/);
  });

  it('the largest accepted journal limit works on the first hook', async () => {
    server = createHookServer({ host: '127.0.0.1', port: 0, policy: 'echo-all', journalLimit: MAX_JOURNAL_LIMIT });
    const { port } = await server.listen();
    assert.equal((await exchange(port, '/EchoApp/connect', '{}', agent)).status, 200);
    assert.equal(server.journal.size, 1);
  });

  it('the journal is bounded in bytes: a flood of large hooks keeps at most the bound, oldest dropped and counted', async () => {
    const MAX = 2 * 1024 * 1024;
    server = createHookServer({ host: '127.0.0.1', port: 0, policy: 'echo-all', journalMaxBytes: MAX, maxBodyBytes: 2 * 1024 * 1024 });
    const { port } = await server.listen();
    const big = JSON.stringify({ pad: 'x'.repeat(256 * 1024) });
    for (let i = 0; i < 40; i++) assert.equal((await exchange(port, `/EchoApp/connect?n=${i}`, big, agent)).status, 200);
    const kept = server.journal.all();
    assert.ok(server.journal.bytes <= MAX, `${server.journal.bytes} ≤ ${MAX}`);
    assert.ok(kept.length >= 4 && kept.length < 40, `kept ${kept.length}`);
    assert.equal(server.journal.dropped, 40 - kept.length);
    // Oldest dropped first: what is kept is the newest, in order.
    assert.equal(kept.at(-1)!.url, '/EchoApp/connect?n=39');
    assert.deepEqual(kept.map((e) => e.url), kept.map((_, i) => `/EchoApp/connect?n=${40 - kept.length + i}`));
    assert.ok(DEFAULT_JOURNAL_MAX_BYTES <= 256 * 1024 * 1024);
    assert.equal(parseServeArgs(['--journal-max-mb', '3']).journalMaxBytes, 3 * 1024 * 1024);
    assert.throws(() => parseServeArgs(['--journal-max-mb', '0']), UsageError);
  });

  it('the byte bound also holds for small exchanges past the count limit (each counted with its slot)', () => {
    const j = new Journal(1_000, 64 * 1024);
    const rec = (id: string) => ({ id, url: '/a/connect', rawBody: '{}', headers: {} }) as never;
    for (let i = 0; i < 100; i++) j.add(rec(String(i)));
    assert.ok(j.bytes <= 64 * 1024);
    assert.ok(j.size < 100 && j.size > 0);
    assert.equal(j.dropped + j.size, 100);
  });
});
