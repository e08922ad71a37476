/**
 * Nothing lost, nothing answered twice: many hooks over many keep-alive connections with every kind of answer
 * (rule echo, rule decline, rule merge, held then answered by the developer, held then timed out), checked
 * request by request, in the in-memory journal and in the JSONL file.
 */
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readJournalFile } from '../../../mock-server/hooks/journal';
import { parseRules } from '../../../mock-server/hooks/rules';
import { createHookServer, type HookServer } from '../../../mock-server/hooks/server';
import type { Exchange } from '../../../mock-server/hooks/types';
import { sampleBody } from '../../../mock-server/protocol';
import { exchange, type RawReply } from './wire';

/** What each kind of hook in the mix must get back. */
const MIX = [
  { method: 'StreamKeepAliveEvent', kind: 'echo' },
  { method: 'StreamStatusEvent', kind: 'echo' },
  { method: 'OnCallEvent', kind: 'decline' },
  { method: 'connect', kind: 'merge' },
  { method: 'publishStream', kind: 'held-answered' },
  { method: 'playStream', kind: 'held-timeout' },
] as const;
type Kind = (typeof MIX)[number]['kind'];

const RULES = parseRules({
  rules: [
    { method: ['StreamKeepAliveEvent', 'StreamStatusEvent'], answer: 'echo' },
    { method: 'OnCallEvent', answer: { status: 403, reason: 'busy' } },
    { method: 'connect', answer: { status: 200, merge: { restClientConfig: { playStream: { restExclude: ['name'] } } } } },
    { method: ['publishStream', 'playStream'], answer: 'hold' },
  ],
  default: 'forbid',
});

function hookBody(method: string, conn: number, seq: number): string {
  return JSON.stringify({ ...sampleBody(method), bench: { conn, seq } });
}

/** The one right answer for each kind (the test's own statement of the rules above). */
function expectAnswer(kind: Kind, sent: string, reply: RawReply, label: string): void {
  switch (kind) {
    case 'echo':
      assert.equal(reply.status, 200, label);
      assert.equal(reply.body, sent, `${label}: echoed byte for byte`);
      return;
    case 'decline':
      assert.equal(reply.status, 403, label);
      assert.deepEqual(JSON.parse(reply.body), { status: 403, reason: 'busy' }, label);
      return;
    case 'merge':
      assert.equal(reply.status, 200, label);
      assert.deepEqual(JSON.parse(reply.body), { ...JSON.parse(sent), restClientConfig: { playStream: { restExclude: ['name'] } } }, label);
      return;
    case 'held-answered':
      assert.equal(reply.status, 200, label);
      assert.deepEqual(JSON.parse(reply.body), { ...JSON.parse(sent), answeredBy: 'test' }, label);
      return;
    case 'held-timeout':
      // fallback 'forbid': distinguishable from every rule answer above
      assert.equal(reply.status, 403, label);
      assert.equal(reply.body, '', label);
      return;
  }
}

const BY: Record<Kind, string> = { echo: 'rule', decline: 'rule', merge: 'rule', 'held-answered': 'developer', 'held-timeout': 'timeout' };

describe('hardening: nothing lost', function () {
  this.timeout(120_000);
  let dir: string;
  let server: HookServer | undefined;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wcs-loss-'));
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  it('answers 20,000 hooks over 50 keep-alive connections exactly once each, and journals each once in order', async () => {
    const CONNECTIONS = 50;
    const PER_CONNECTION = 400;
    const TOTAL = CONNECTIONS * PER_CONNECTION;
    const journalFile = join(dir, 'journal.jsonl');
    server = createHookServer({
      host: '127.0.0.1',
      port: 0,
      rules: RULES,
      holdTimeoutMs: 25,
      fallback: 'forbid',
      journalLimit: TOTAL + 1000,
      journalFile,
    });
    const s = server;
    const { port } = await s.listen();

    const answeredCount = new Map<string, number>();
    s.on('answered', (ex) => answeredCount.set(ex.id, (answeredCount.get(ex.id) ?? 0) + 1));
    // The developer: answers publishStream holds a moment later, from outside the request's own tick.
    s.on('received', (ex) => {
      if (ex.state === 'pending' && ex.method === 'publishStream') {
        setImmediate(() => assert.equal(s.answer(ex.id, { status: 200, merge: { answeredBy: 'test' } }), true));
      }
    });

    const replies = new Map<string, { kind: Kind; sent: string; reply: RawReply }>();
    const sockets: number[] = [];
    await Promise.all(
      Array.from({ length: CONNECTIONS }, async (_, conn) => {
        const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
        let reused = 0;
        try {
          for (let seq = 0; seq < PER_CONNECTION; seq++) {
            // A different order of kinds on each connection, so the server sees every mix of neighbours.
            const { method, kind } = MIX[(seq * 7 + conn) % MIX.length]!;
            const sent = hookBody(method, conn, seq);
            const reply = await exchange(port, `/EchoApp/${method}`, sent, agent);
            if (reply.reusedSocket) reused++;
            const key = `${conn}/${seq}`;
            assert.ok(!replies.has(key), `one reply for ${key}`);
            replies.set(key, { kind, sent, reply });
          }
        } finally {
          agent.destroy();
        }
        sockets.push(reused);
      }),
    );

    assert.equal(replies.size, TOTAL);
    // Keep-alive really was used: all but each connection's first request went over a reused socket.
    assert.deepEqual(sockets, Array(CONNECTIONS).fill(PER_CONNECTION - 1));
    for (const [key, { kind, sent, reply }] of replies) expectAnswer(kind, sent, reply, `${key} ${kind}`);

    const all = s.journal.all();
    assert.equal(all.length, TOTAL, 'the journal holds every exchange');
    assert.equal(s.journal.dropped, 0);
    assert.equal(new Set(all.map((e) => e.id)).size, TOTAL, 'each exchange once');
    assert.equal(s.pending().length, 0);
    assert.equal(answeredCount.size, TOTAL);
    assert.ok([...answeredCount.values()].every((n) => n === 1), 'answered announced once per exchange');
    const kindOf = new Map(MIX.map((m) => [m.method as string, m.kind]));
    for (const ex of all) {
      assert.equal(ex.state, 'answered', ex.id);
      assert.equal(ex.answer?.by, BY[kindOf.get(ex.method)!], `${ex.id} ${ex.method}`);
    }
    assertInOrderPerConnection(all, CONNECTIONS, PER_CONNECTION, 'journal');

    await s.close();
    const { records, warnings } = await readJournalFile(journalFile);
    assert.deepEqual(warnings, []);
    assert.equal(records.length, TOTAL, 'the JSONL file has every exchange');
    assert.equal(new Set(records.map((r) => r.id)).size, TOTAL, 'each once');
    // A settled exchange is written when it is answered; answers of held hooks can overtake, but never
    // within one connection, where each hook waits for the previous answer.
    assertInOrderPerConnection(records, CONNECTIONS, PER_CONNECTION, 'JSONL');
    const byId = new Map(all.map((e) => [e.id, e]));
    for (const r of records) {
      const ex = byId.get(r.id)!;
      assert.equal(r.answer?.status, ex.answer?.status, r.id);
      assert.equal(r.answer?.body, ex.answer?.body, r.id);
      assert.equal(r.rawBody, ex.rawBody, r.id);
    }
  });

  it('answers every held exchange with the fallback before the sockets close when stopped', async () => {
    server = createHookServer({ host: '127.0.0.1', port: 0, policy: 'hold-all', holdTimeoutMs: 0, fallback: 'echo', journalFile: join(dir, 'j.jsonl') });
    const s = server;
    const { port } = await s.listen();
    const N = 60;
    const agents = Array.from({ length: N }, () => new http.Agent({ keepAlive: true, maxSockets: 1 }));
    let held = 0;
    const allHeld = new Promise<void>((resolve) =>
      s.on('received', (ex) => {
        if (ex.state === 'pending' && ++held === N) resolve();
      }),
    );
    const sent = Array.from({ length: N }, (_, i) => hookBody(i % 2 ? 'connect' : 'StreamStatusEvent', i, 0));
    const replies = sent.map((body, i) => exchange(port, `/app/${i % 2 ? 'connect' : 'StreamStatusEvent'}`, body, agents[i]!));
    await allHeld;
    assert.equal(s.pending().length, N);
    await s.close();
    const got = await Promise.all(replies);
    for (let i = 0; i < N; i++) {
      assert.equal(got[i]!.status, 200, `held ${i} answered`);
      assert.equal(got[i]!.body, sent[i], `held ${i} got the echo fallback`);
      assert.equal(got[i]!.headers.connection, 'close', 'the server says it closes the connection after the answer');
    }
    for (const ex of s.journal.all()) assert.equal(ex.answer?.by, 'shutdown');
    for (const a of agents) a.destroy();
    const { records, warnings } = await readJournalFile(join(dir, 'j.jsonl'));
    assert.deepEqual(warnings, []);
    assert.equal(records.length, N, 'every shutdown answer reached the JSONL file before close() resolved');
  });

  it('skips a torn last JSONL line with a warning and keeps the rest', async () => {
    const file = join(dir, 'torn.jsonl');
    server = createHookServer({ host: '127.0.0.1', port: 0, policy: 'echo-all', journalFile: file });
    const { port } = await server.listen();
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    for (let i = 0; i < 5; i++) await exchange(port, '/EchoApp/StreamKeepAliveEvent', hookBody('StreamKeepAliveEvent', 0, i), agent);
    agent.destroy();
    await server.close();
    const full = await readFile(file, 'utf8');
    // Cut inside the last record, as a crash between two write() calls of one line would leave it.
    await truncate(file, full.length - 40);
    const { records, warnings } = await readJournalFile(file);
    assert.equal(records.length, 4);
    assert.deepEqual(records.map((r) => JSON.parse(r.rawBody).bench.seq), [0, 1, 2, 3]);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /:5: incomplete last line/);

    // A torn line followed by more records (the file was appended to after a crash) is skipped too.
    await writeFile(file, (await readFile(file, 'utf8')) + '\n' + full.split('\n')[0] + '\n');
    const again = await readJournalFile(file);
    assert.equal(again.records.length, 5);
    assert.equal(again.warnings.length, 1);
    assert.match(again.warnings[0]!, /:5: not valid JSON/);
  });

  it('leaves a readable JSONL journal when the server process is killed mid-flood', async () => {
    const file = join(dir, 'killed.jsonl');
    const child = fork(join(__dirname, 'journalChild.ts'), [file], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const port = await new Promise<number>((resolve, reject) => {
      child.once('message', (m: { port: number }) => resolve(m.port));
      child.once('exit', (code) => reject(new Error(`journal child exited with ${code}`)));
    });
    const agents = Array.from({ length: 8 }, () => new http.Agent({ keepAlive: true, maxSockets: 1 }));
    let answered = 0;
    let stop = false;
    const flood = agents.map(async (agent, conn) => {
      // Bounded: at most 5,000 hooks per connection even if the kill below never came.
      for (let seq = 0; seq < 5000 && !stop; seq++) {
        try {
          await exchange(port, '/EchoApp/StreamKeepAliveEvent', hookBody('StreamKeepAliveEvent', conn, seq), agent);
          answered++;
        } catch {
          return; // the server is gone
        }
      }
    });
    let floodOver = false;
    void Promise.all(flood).then(() => (floodOver = true));
    while (answered < 2000 && !floodOver) await new Promise((r) => setTimeout(r, 5));
    assert.ok(answered >= 2000, `the server answered ${answered} hooks before the kill`);
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    stop = true;
    await Promise.all(flood);
    for (const a of agents) a.destroy();
    const { records, warnings } = await readJournalFile(file);
    // The write stream may still have had lines queued: what reached the file is whole, except perhaps the last.
    assert.ok(records.length > 0, 'records survived');
    assert.ok(warnings.length <= 1, `at most the last line is torn: ${warnings.join('; ')}`);
    if (warnings.length) assert.match(warnings[0]!, /incomplete last line/);
    assert.equal(new Set(records.map((r) => r.id)).size, records.length, 'no record twice');
    for (const r of records) assert.equal(r.state, 'answered');
  });
});

function assertInOrderPerConnection(list: readonly Exchange[], connections: number, perConnection: number, what: string): void {
  const seqs: number[][] = Array.from({ length: connections }, () => []);
  for (const ex of list) {
    const { conn, seq } = (JSON.parse(ex.rawBody) as { bench: { conn: number; seq: number } }).bench;
    seqs[conn]!.push(seq);
  }
  const expected = Array.from({ length: perConnection }, (_, i) => i);
  for (let c = 0; c < connections; c++) assert.deepEqual(seqs[c], expected, `${what}: connection ${c} in order, each once`);
}
