import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { HookView, type ModelNode, type SessionNode, type CallNode, type StreamNode } from '../../../mock-server/view';
import { TypedEmitter } from '../../../mock-server/util/emitter';
import type { Exchange, HookServerEvents } from '../../../mock-server/hooks/types';
import { SAMPLE_IDS, clientOfSessionId, sampleBody } from '../../../mock-server/protocol';
import { answered, exchange } from './exchanges';

const EXAMPLES = join(__dirname, '..', '..', 'fixtures', 'examples');

function labels(model: HookView, node?: ModelNode): string[] {
  return model.children(node).map((n) => (n.kind === 'exchange' ? n.exchange.method : n.kind === 'more' ? `more(${n.hidden})` : n.id.split('\n').pop()!));
}

function collect(model: HookView): (ModelNode[] | undefined)[] {
  const events: (ModelNode[] | undefined)[] = [];
  model.on('changed', (nodes) => events.push(nodes));
  return events;
}

describe('hook view', () => {
  describe('grouping', () => {
    it('groups one session into calls and streams, in arrival order, with loose hooks at the root', () => {
      const m = new HookView();
      m.ingest(answered(exchange('connect')));
      m.ingest(answered(exchange('ConnectionStatusEvent')));
      m.ingest(answered(exchange('publishStream')));
      m.ingest(answered(exchange('call')));
      m.ingest(answered(exchange('OnDataEvent')));
      m.ingest(answered(exchange('StreamStatusEvent')));
      m.ingest(answered(exchange('CallStatusEvent')));
      m.ingest(answered(exchange('mystery', { hello: 1 })));

      const roots = m.roots();
      assert.deepEqual(roots.map((n) => n.kind), ['session', 'exchange']);
      const session = roots[0] as SessionNode;
      assert.equal(session.sessionId, SAMPLE_IDS.sessionId);
      assert.equal(session.appKey, 'defaultApp');
      assert.equal(session.client, '192.168.10.23:51744');
      assert.equal(session.status, 'ESTABLISHED');
      assert.equal(session.total, 7);

      const kids = m.children(session);
      assert.deepEqual(kids.map((n) => n.kind), ['exchange', 'exchange', 'stream', 'call', 'exchange']);
      const stream = kids[2] as StreamNode;
      const call = kids[3] as CallNode;
      assert.equal(stream.name, SAMPLE_IDS.streamName);
      assert.equal(stream.status, 'PUBLISHING');
      assert.equal(stream.published, true);
      assert.deepEqual(labels(m, stream), ['publishStream', 'StreamStatusEvent']);
      assert.equal(call.caller, '1001');
      assert.equal(call.callee, '1002');
      assert.equal(call.status, 'RING');
      assert.deepEqual(labels(m, call), ['call', 'CallStatusEvent']);
      assert.deepEqual(m.stats(), {
        exchanges: 8, pending: 0, sessions: 1, calls: 1, streams: 1, unsessioned: 1, ingested: 8, evicted: 0, batches: 0,
      });
    });

    it('files hooks that name a stream only by name under the stream of that name', () => {
      const m = new HookView();
      m.ingest(exchange('publishStream'));
      m.ingest(exchange('playHLS'));
      const [, session] = m.roots();
      const kids = m.children(session);
      assert.equal(kids.length, 1);
      assert.deepEqual(labels(m, kids[0]), ['publishStream', 'playHLS']);
    });

    it('groups the shared example hooks of one session together', () => {
      const m = new HookView();
      for (const f of readdirSync(EXAMPLES).filter((f) => f.endsWith('.json')).sort()) {
        const body = JSON.parse(readFileSync(join(EXAMPLES, f), 'utf8'));
        m.ingest(answered(exchange(f.replace(/\.json$/, '').replace(/-.*/, ''), body)));
      }
      const stats = m.stats();
      assert.equal(stats.exchanges, 12);
      assert.equal(stats.unsessioned, 0);
      // Every example carries a session id; the tree has no orphans and every exchange is reachable.
      const reachable = (n?: ModelNode): number =>
        m.children(n).reduce((sum, c) => sum + (c.kind === 'exchange' ? 1 : reachable(c)), 0);
      assert.equal(reachable(), 12);
    });

    it('tracks the session status from connect answers and ConnectionStatusEvent', () => {
      const m = new HookView();
      const connect = exchange('connect');
      m.ingest(connect);
      const session = () => m.roots().find((n) => n.kind === 'session') as SessionNode;
      assert.equal(session().status, 'PENDING');
      m.ingest(answered(connect, 'forbid'));
      assert.equal(session().status, 'REFUSED');
      m.ingest(answered(exchange('ConnectionStatusEvent', { ...sampleBody('ConnectionStatusEvent'), status: 'FAILED' })));
      assert.equal(session().status, 'FAILED');
    });

    it('extracts the client address WCS puts first in the session id', () => {
      assert.equal(clientOfSessionId('/8.8.8.8:56046/46.101.108.90:8443'), '8.8.8.8:56046');
      assert.equal(clientOfSessionId('abc'), undefined);
    });
  });

  describe('the waiting group', () => {
    it('lists held exchanges first, oldest first, and empties as they are answered', () => {
      const m = new HookView();
      const a = exchange('connect');
      const b = exchange('OnCallEvent');
      m.ingest(a);
      m.ingest(answered(exchange('ConnectionStatusEvent')));
      m.ingest(b);
      const roots = m.roots();
      assert.equal(roots[0].kind, 'waiting');
      assert.equal(roots[0].kind === 'waiting' && roots[0].count, 2);
      const held = m.children(roots[0]);
      assert.deepEqual(held.map((n) => n.id), [`held:${a.id}`, `held:${b.id}`]);
      // The copies have their own ids: a tree may not show one id twice.
      assert.notEqual(held[0].id, m.nodeOf(a.id)!.id);
      const session = roots[1] as SessionNode;
      assert.equal(session.pending, 2);

      m.ingest(answered(a));
      assert.deepEqual(m.children(m.roots()[0]).map((n) => n.id), [`held:${b.id}`]);
      assert.equal(session.pending, 1);
      m.ingest(answered(b, 'forbid'));
      assert.equal(m.roots()[0].kind, 'session');
      assert.equal(session.pending, 0);
      assert.deepEqual(m.pending(), []);
    });

    it('keeps node objects stable across updates', () => {
      const m = new HookView();
      const a = exchange('call');
      m.ingest(a);
      const node = m.nodeOf(a.id)!;
      m.ingest(answered(a));
      assert.equal(m.nodeOf(a.id), node);
      assert.equal(node.exchange.state, 'answered');
    });
  });

  describe('batching', () => {
    it('turns a burst of ingests into one change event', () => {
      const m = new HookView({ batchMs: 10_000 });
      const events = collect(m);
      for (let i = 0; i < 1000; i++) m.ingest(answered(exchange('StreamKeepAliveEvent')));
      assert.equal(events.length, 0, 'nothing is emitted before the batch closes');
      m.flush();
      assert.equal(events.length, 1);
      m.flush();
      assert.equal(events.length, 1, 'an empty batch emits nothing');
      m.dispose();
    });

    it('emits once per batch window on its own timer', async () => {
      const m = new HookView({ batchMs: 5 });
      const events = collect(m);
      for (let i = 0; i < 500; i++) m.ingest(answered(exchange('StreamKeepAliveEvent')));
      await new Promise<void>((resolve) => m.on('changed', () => resolve()));
      assert.equal(events.length, 1);
      m.dispose();
    });

    it('reports only the nodes that changed once the structure exists', () => {
      const m = new HookView({ batchMs: 10_000 });
      const events = collect(m);
      m.ingest(answered(exchange('publishStream')));
      m.flush();
      assert.equal(events.pop(), undefined, 'a new session changes the root');

      m.ingest(answered(exchange('StreamKeepAliveEvent')));
      m.ingest(answered(exchange('StreamKeepAliveEvent')));
      m.flush();
      const changed = events.pop()!;
      assert.ok(changed, 'not a root refresh');
      const kinds = changed.map((n) => n.kind).sort();
      assert.deepEqual(kinds, ['session', 'stream']);
      m.dispose();
    });

    it('refreshes an answered exchange and the waiting group, not the root', () => {
      const m = new HookView({ batchMs: 10_000 });
      const events = collect(m);
      const a = exchange('call');
      const b = exchange('hangup');
      m.ingest(a);
      m.ingest(b);
      m.flush();
      m.ingest(answered(a));
      m.flush();
      const changed = events.pop()!;
      assert.ok(changed);
      assert.ok(changed.includes(m.nodeOf(a.id)!));
      assert.ok(changed.some((n) => n.kind === 'waiting'));
      // The last held one leaving removes the group: that is a root change.
      m.ingest(answered(b));
      m.flush();
      assert.equal(events.pop(), undefined);
      m.dispose();
    });

    it('coalesces into a root refresh under a filter', () => {
      const m = new HookView({ batchMs: 10_000 });
      const events = collect(m);
      m.ingest(answered(exchange('publishStream')));
      m.setFilter({ text: 'room42' });
      m.flush();
      m.ingest(answered(exchange('StreamKeepAliveEvent')));
      m.flush();
      assert.deepEqual(events, [undefined, undefined]);
      m.dispose();
    });
  });

  describe('caps and limits', () => {
    it('renders at most maxPerNode children plus a "more" node counting the rest', () => {
      const m = new HookView({ maxPerNode: 50 });
      const ids: string[] = [];
      for (let i = 0; i < 120; i++) {
        const ex = answered(exchange('StreamKeepAliveEvent'));
        ids.push(ex.id);
        m.ingest(ex);
      }
      const [session] = m.roots();
      const [stream] = m.children(session);
      const kids = m.children(stream);
      assert.equal(kids.length, 51);
      assert.equal(kids[0].kind, 'more');
      assert.equal(kids[0].kind === 'more' && kids[0].hidden, 70);
      // The newest are shown, in arrival order.
      assert.deepEqual(kids.slice(1).map((n) => n.kind === 'exchange' && n.exchange.id), ids.slice(70));
      assert.equal(m.exchangesUnder(stream).length, 120, 'the cap is a rendering limit, not data loss');
    });

    it('caps the waiting group too, showing the oldest held first', () => {
      const m = new HookView({ maxPerNode: 3 });
      const held = Array.from({ length: 5 }, () => exchange('OnCallEvent'));
      for (const ex of held) m.ingest(ex);
      const kids = m.children(m.roots()[0]);
      assert.deepEqual(kids.map((n) => n.kind), ['exchange', 'exchange', 'exchange', 'more']);
      assert.deepEqual(kids.slice(0, 3).map((n) => n.kind === 'exchange' && n.exchange.id), held.slice(0, 3).map((e) => e.id));
      assert.equal(kids[3].kind === 'more' && kids[3].hidden, 2);
      assert.equal(kids[3].kind === 'more' && kids[3].which, 'later');
      assert.equal(m.parent(kids[3]), m.roots()[0]);
    });

    it('drops the oldest exchanges beyond the limit and empty groups with them', () => {
      const m = new HookView({ limit: 3 });
      const first = answered(exchange('connect', { ...sampleBody('connect'), sessionId: '/1.1.1.1:1/x' }));
      m.ingest(first);
      for (let i = 0; i < 3; i++) m.ingest(answered(exchange('StreamKeepAliveEvent')));
      const s = m.stats();
      assert.equal(s.exchanges, 3);
      assert.equal(s.evicted, 1);
      assert.equal(s.sessions, 1, 'the first session had nothing left and is gone');
      assert.equal(m.get(first.id), undefined);
    });

    it('applies a lower limit at once', () => {
      const m = new HookView({ limit: 10 });
      for (let i = 0; i < 10; i++) m.ingest(answered(exchange('StreamKeepAliveEvent')));
      m.setLimit(4);
      assert.equal(m.limit, 4);
      assert.equal(m.stats().exchanges, 4);
      assert.equal(m.stats().evicted, 6);
    });

    it('keeps a held exchange answerable after the limit dropped it from the tree', () => {
      const m = new HookView({ limit: 2 });
      const held = exchange('OnCallEvent');
      m.ingest(held);
      m.ingest(answered(exchange('StreamKeepAliveEvent')));
      m.ingest(answered(exchange('StreamKeepAliveEvent')));
      assert.equal(m.stats().exchanges, 2);
      assert.deepEqual(m.pending().map((e) => e.id), [held.id]);
      assert.equal(m.get(held.id)?.id, held.id);
      m.ingest(answered(held));
      assert.deepEqual(m.pending(), []);
      assert.equal(m.get(held.id), undefined);
      assert.equal(m.roots()[0].kind, 'session');
    });

    it('ingests 12,000 hooks with a few batches and a bounded tree', () => {
      const m = new HookView({ batchMs: 10_000, maxPerNode: 200, limit: 6_000 });
      const events = collect(m);
      const template = sampleBody('StreamKeepAliveEvent');
      for (let i = 0; i < 12_000; i++) {
        const body = { ...template, sessionId: `/10.0.0.${i % 50}:1/s`, mediaSessionId: `m${i % 500}` };
        m.ingest(answered(exchange('StreamKeepAliveEvent', body)));
        if (i % 3000 === 2999) m.flush();
      }
      assert.equal(events.length, 4);
      const s = m.stats();
      assert.equal(s.exchanges, 6_000);
      assert.equal(s.evicted, 6_000);
      assert.equal(s.sessions, 50);
      assert.equal(s.streams, 500);
      for (const session of m.roots()) assert.ok(m.children(session).length <= 201);
    });
  });

  describe('view modes and filters', () => {
    function populated(): { m: HookView; held: Exchange } {
      const m = new HookView();
      m.ingest(answered(exchange('connect')));
      m.ingest(answered(exchange('publishStream')));
      const held = exchange('OnCallEvent');
      m.ingest(held);
      m.ingest(answered(exchange('StreamStatusEvent')));
      m.ingest(answered(exchange('mystery', { x: 'needle' })));
      return { m, held };
    }

    it('shows every exchange flat in arrival order in the timeline', () => {
      const { m } = populated();
      m.setMode('timeline');
      assert.deepEqual(labels(m), ['waiting', 'connect', 'publishStream', 'OnCallEvent', 'StreamStatusEvent', 'mystery']);
      for (const n of m.roots().slice(1)) assert.equal(m.parent(n), undefined);
    });

    it('filters by held, by type and by text', () => {
      const { m, held } = populated();
      m.setFilter({ heldOnly: true });
      assert.deepEqual(labels(m), ['waiting']);
      assert.deepEqual(labels(m, m.roots()[0]), ['OnCallEvent']);

      m.setFilter({ types: ['event'] });
      const [session] = m.roots();
      assert.equal(session.kind, 'session', 'the held OnCallEvent is not an event: no waiting group');
      const streams = m.children(session);
      assert.deepEqual(streams.map((n) => n.kind), ['stream']);
      assert.deepEqual(labels(m, streams[0]), ['StreamStatusEvent']);

      m.setFilter({ text: 'NEEDLE' });
      assert.deepEqual(labels(m), ['mystery']);

      m.setFilter({ text: 'oncall' });
      assert.deepEqual(labels(m, m.roots()[0]), ['OnCallEvent'], 'the waiting group is filtered too');
      m.setFilter({});
      assert.equal(m.filtered, false);
      assert.equal(m.get(held.id)?.method, 'OnCallEvent');
    });

    it('gives every node a parent consistent with children()', () => {
      const { m } = populated();
      const walk = (parent?: ModelNode) => {
        for (const c of m.children(parent)) {
          assert.equal(m.parent(c), parent, c.id);
          walk(c);
        }
      };
      walk();
    });

    it('clear() forgets answered exchanges and keeps the held ones', () => {
      const { m, held } = populated();
      m.clear();
      assert.deepEqual(m.all().map((e) => e.id), [held.id]);
      assert.deepEqual(m.pending().map((e) => e.id), [held.id]);
    });
  });

  describe('attach', () => {
    class FakeServer extends TypedEmitter<HookServerEvents> {
      readonly records: Exchange[] = [];
      readonly journal = { all: () => this.records };
      fire<K extends keyof HookServerEvents>(e: K, ...args: HookServerEvents[K]) {
        this.emit(e, ...args);
      }
    }

    it('takes the journal, then follows received/answered/aborted until disposed', () => {
      const server = new FakeServer();
      server.records.push(answered(exchange('connect')));
      const m = new HookView();
      const sub = m.attach(server);
      assert.equal(m.stats().exchanges, 1);
      const call = exchange('call');
      server.fire('received', call);
      assert.equal(m.pending().length, 1);
      server.fire('aborted', { ...call, state: 'aborted' });
      assert.equal(m.pending().length, 0);
      sub.dispose();
      server.fire('received', exchange('call'));
      assert.equal(m.stats().exchanges, 2);
    });

    it('keeps the runs of a restarted server apart although both number exchanges from 1', () => {
      const m = new HookView();
      const first = new FakeServer();
      m.attach(first);
      first.fire('received', answered(exchange('connect', undefined, { id: '1' })));
      const second = new FakeServer();
      m.attach(second);
      second.fire('received', exchange('OnCallEvent', undefined, { id: '1' }));
      assert.equal(m.stats().exchanges, 2);
      assert.deepEqual(m.all().map((e) => e.method), ['connect', 'OnCallEvent']);
      const held = m.children(m.roots()[0])[0];
      assert.equal(held.kind === 'exchange' && m.get(m.keyOf(held))?.method, 'OnCallEvent');
    });
  });
});
