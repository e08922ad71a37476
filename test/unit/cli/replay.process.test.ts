/**
 * Record and replay: a session forwarded through `serve --journal` is sent again with
 * `trigger --from-journal`, and the report says which answers changed since.
 */
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { answerDifferences } from '../../../mock-server/hooks/forward/replay';
import { startBackend, type TestBackend } from '../hooks/backend';
import { post, started } from '../hooks/client';
import { runCli } from './process';

describe('trigger --from-journal (subprocess)', function () {
  this.timeout(30_000);
  let backend: TestBackend;
  let journal: string;

  beforeEach(async () => {
    backend = await startBackend();
    journal = join(await mkdtemp(join(tmpdir(), 'wcs-replay-')), 'session.jsonl');
    // Record a forwarded session: connect echoed, call answered by the backend's own body.
    backend.behave((g) => (g.url.endsWith('/call') ? { kind: 'answer', status: 200, headers: { 'Content-Type': 'application/json' }, body: '{"callId":"c1","ok":true}' } : { kind: 'echo' }));
    const s = await started({ journalFile: journal, forward: { target: backend.url } });
    await post(s.url, '/EchoApp/connect', '{"sessionId":"s1","login":"alice"}');
    await post(s.url, '/EchoApp/call', '{"callId":"c1","sessionId":"s1"}');
    await s.server.close();
    backend.got.length = 0;
  });

  afterEach(() => backend.close());

  it('reports every answer the same when the backend still answers as recorded, exit 0', async () => {
    const run = runCli(['trigger', '--from-journal', journal]);
    const { code } = await run.exited;
    assert.equal(code, 0, run.stderr());
    assert.match(run.stdout(), /✔ #1 connect: same \(200, \d+ms\)/);
    assert.match(run.stdout(), /\n {2}✔ #2 call: same/, 'one line per hook');
    assert.match(run.stdout(), /2 recorded: 2 same, 0 differ, 0 failed, 0 skipped/);
    assert.deepEqual(backend.got.map((g) => g.url), ['/wcs/connect', '/wcs/call'], 'sent again in the recorded order, to the recorded target');
    assert.equal(backend.got[1]!.body.toString('utf8'), '{"callId":"c1","sessionId":"s1"}');
  });

  it('reports where the new answers differ, exit 1', async () => {
    backend.behave((g) =>
      g.url.endsWith('/call')
        ? { kind: 'answer', status: 403, headers: { 'Content-Type': 'application/json' }, body: '{"status":403,"reason":"busy"}' }
        : { kind: 'answer', status: 200, headers: { 'Content-Type': 'application/json' }, body: '{"login":"alice","sessionId":"s1"}' },
    );
    const run = runCli(['trigger', '--from-journal', journal, '--json']);
    const { code } = await run.exited;
    assert.equal(code, 1);
    const report = JSON.parse(run.stdout()) as { results: { id: string; outcome: string; details: string[] }[] };
    assert.deepEqual(report.results.map((r) => [r.id, r.outcome]), [['1', 'same'], ['2', 'differs']], 'key order does not count');
    assert.deepEqual(report.results[1]!.details, ['status 200 → 403', 'body: added status, reason; removed callId, ok']);
  });

  it('sends to --backend instead, and refuses a file that is not there with one line', async () => {
    const other = await startBackend();
    other.behave((g) => (g.url.endsWith('/call') ? { kind: 'answer', status: 200, headers: { 'Content-Type': 'application/json' }, body: '{"ok":true,"callId":"c1"}' } : { kind: 'echo' }));
    try {
      const run = runCli(['trigger', '--from-journal', journal, '--backend', `${other.url}/v2`]);
      assert.equal((await run.exited).code, 0, run.stderr());
      assert.deepEqual(other.got.map((g) => g.url), ['/wcs/v2/connect', '/wcs/v2/call']);
    } finally {
      await other.close();
    }
    const missing = runCli(['trigger', '--from-journal', join(tmpdir(), 'no-such-journal.jsonl')]);
    assert.equal((await missing.exited).code, 1);
    assert.match(missing.stderr(), /^wcs-hook-mock trigger: cannot read .*no-such-journal\.jsonl: no such file\n$/);
  });

  it('compares JSON bodies by field and other bodies by bytes', () => {
    assert.deepEqual(answerDifferences({ status: 200, body: '{"a":1,"b":2}' }, { status: 200, body: '{ "b":2, "a":1 }' }), []);
    assert.deepEqual(answerDifferences({ status: 200, body: '{"a":1,"b":2}' }, { status: 200, body: '{"a":3,"c":4}' }), ['body: changed a; added c; removed b']);
    assert.deepEqual(answerDifferences({ status: 200, body: 'ok' }, { status: 500, body: 'boom!' }), ['status 200 → 500', 'body differs (2 → 5 bytes)']);
  });

  it('skips what it cannot send, saying why', async () => {
    const plain = join(await mkdtemp(join(tmpdir(), 'wcs-replay-')), 'plain.jsonl');
    await writeFile(plain, JSON.stringify({ id: '1', method: 'connect', url: '/EchoApp/connect', headers: {}, rawBody: '{}', state: 'answered', answer: { status: 200, body: '{}', by: 'rule', spec: 'echo', headers: {}, at: 0 } }) + '\n');
    const run = runCli(['trigger', '--from-journal', plain]);
    assert.equal((await run.exited).code, 0);
    assert.match(run.stdout(), /- #1 connect: skipped: not forwarded when recorded: give --backend URL to send it/);
  });
});
