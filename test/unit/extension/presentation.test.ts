import assert from 'node:assert/strict';
import { explainDecline, sampleBody } from '../../../mock-server/protocol';
import { HookView, answerLabel, answeredBy, keyFields, keyFieldsWithIds, timeLeft, type ExchangeNode, type ModelNode } from '../../../mock-server/view';
import { countdownMessage, escapeMarkdown, exchangeContextValue, exchangeTooltip, present } from '../../../extension/tree/presentation';
import { answered, exchange } from '../view/exchanges';

const PENDING_WHEN = /^wcsHook:exchange\+pending(\+|$)/;
const ANY_EXCHANGE_WHEN = /^wcsHook:exchange(\+|$)/;

function node(ex = exchange('OnCallEvent')): ExchangeNode {
  return { kind: 'exchange', id: `exchange:${ex.id}`, exchange: ex, held: false, seq: 1 };
}

describe('tree presentation', () => {
  describe('exchanges', () => {
    it('shows a held blockable hook with its key fields, the time left and pending flags', () => {
      const ex = exchange('OnCallEvent', undefined, { holdDeadline: 1_000_000 + 8_200 });
      const p = present(node(ex), { now: 1_000_000, formatTime: () => '12:00:01' });
      assert.equal(p.label, 'OnCallEvent');
      assert.equal(p.description, 'held until 12:00:01 · PENDING 1002→1001', 'until when first, where a narrow sidebar does not cut it off');
      assert.equal(present(node(ex), { now: 1_005_000, formatTime: () => '12:00:01' }).description, p.description, 'the row does not change as time passes: a repaint would close its tooltip');
      assert.match(present(node({ ...ex, holdDeadline: undefined }), { now: 1_000_000 }).description!, /^held · /, 'no deadline when it waits forever');
      assert.equal(p.iconId, 'bell-dot');
      assert.equal(p.colorId, 'charts.yellow');
      assert.equal(p.contextValue, 'wcsHook:exchange+pending+blockable+type-incoming');
      assert.match(p.contextValue, PENDING_WHEN, 'the inline answer actions show');
      assert.equal(p.collapsible, 'none');
    });

    it('shows the answer and who gave it, and loses the pending flag once answered', () => {
      const ex = answered(exchange('call'), 'forbid', 'developer');
      const p = present(node(ex), { now: 0, formatTime: () => '12:00:01' });
      assert.equal(p.description, '12:00:01 · 5ms · PENDING 1001→1002 · 403 (you)', 'arrival time and latency before the rest');
      assert.equal(p.iconId, 'circle-slash');
      assert.equal(p.colorId, 'testing.iconFailed');
      assert.doesNotMatch(p.contextValue, PENDING_WHEN, 'no answer actions on an answered hook');
      assert.match(p.contextValue, ANY_EXCHANGE_WHEN);
    });

    it('labels every answer form and every kind of answerer', () => {
      const ex = exchange('publishStream');
      const a = (spec: Parameters<typeof answered>[1], by: Parameters<typeof answered>[2] = 'developer') => answered(ex, spec, by).answer!;
      assert.equal(answerLabel(a('echo')), '200 echo');
      assert.equal(answerLabel(a('forbid')), '403');
      assert.equal(answerLabel(a({ status: 403, reason: 'no such room' })), '403 "no such room"');
      assert.equal(answerLabel(a({ status: 200, merge: { x: 1 } })), '200 merged');
      assert.equal(answerLabel(a({ status: 200, body: { a: 1 } })), '200 edited');
      assert.equal(answerLabel(a({ status: 503 })), '503');
      assert.equal(answeredBy(a('echo', 'developer')), 'you');
      assert.equal(answeredBy({ ...a('echo', 'rule'), ruleIndex: 1 }), 'rule 2');
      assert.equal(answeredBy(a('echo', 'rule')), 'default');
      assert.equal(answeredBy(a('echo', 'timeout')), 'hold timeout');
      assert.equal(answeredBy(a('echo', 'shutdown')), 'shutdown');
    });

    it('colours by state: echo passed, edited, timeout, aborted', () => {
      const icon = (ex: ReturnType<typeof exchange>) => present(node(ex), { now: 0 }).iconId;
      assert.equal(icon(answered(exchange('call'), 'echo', 'rule')), 'pass');
      assert.equal(icon(answered(exchange('call'), { status: 200, body: {} })), 'edit');
      assert.equal(icon(answered(exchange('call'), 'echo', 'timeout')), 'history');
      assert.equal(icon(exchange('call', undefined, { state: 'aborted' })), 'debug-disconnect');
    });

    it('counts down the held hook whose hold timeout comes first, in the view message', () => {
      const a = exchange('OnCallEvent', undefined, { holdDeadline: 20_000 });
      const b = exchange('publishStream', undefined, { holdDeadline: 9_000 });
      assert.equal(countdownMessage([a, b], 1_000), `publishStream #${b.id}: 8 s left, then the hold timeout answers it (1 more held)`);
      assert.equal(countdownMessage([a], 1_000), `OnCallEvent #${a.id}: 19 s left, then the hold timeout answers it`);
      assert.equal(countdownMessage([{ ...a, holdDeadline: undefined }], 1_000), undefined, 'nothing to count down when hooks wait forever');
      assert.equal(countdownMessage([], 1_000), undefined);
    });

    it('shows the arrival time and the latency, compact, in tree and timeline alike', () => {
      const ex = answered(exchange('connect'));
      const p = present(node(ex), { now: 0 });
      assert.match(p.description!, /^\d\d:\d\d:\d\d · 5ms · /, 'local HH:MM:SS by default');
      assert.match(present(node({ ...ex, latencyMs: 12_040 }), { now: 0 }).description!, /^\d\d:\d\d:\d\d · 12\.0s · /);
      const slow = answered(exchange('connect'), 'echo', 'timeout');
      assert.match(present(node({ ...slow, latencyMs: 12_000 }), { now: 0, formatTime: () => '12:00:01' }).description!, /^12:00:01 · 12\.0s · .*200 echo \(hold timeout\)$/);
      // No latency while held: the countdown says what matters then.
      assert.doesNotMatch(present(node(exchange('connect', undefined, { holdDeadline: 9_000 })), { now: 0 }).description!, /ms/);
    });

    it('marks bad bodies and validation issues', () => {
      const bad = exchange('call', { callId: 42 });
      const p = present(node(bad), { now: 0 });
      assert.match(p.description!, /\d issues?$/);
      assert.match(p.tooltip!, /`callId`/);
      const unparsable = exchange('call', undefined, { body: undefined, rawBody: '{', error: 'malformed JSON', issues: [], keys: {} });
      assert.match(present(node(unparsable), { now: 0 }).description!, /bad body/);
      assert.match(exchangeContextValue(unparsable), /\+badbody/);
    });

    it('explains each answer in the tooltip from the catalog and the restOnError table', () => {
      const t = exchangeTooltip(exchange('publishStream'));
      assert.match(t, /\*\*publishStream\*\* · direct/);
      assert.match(t, /The client starts publishing a stream\\\./);
      assert.ok(t.includes(escapeMarkdown(explainDecline('publishStream').replace(/^403 here: /, ''))), 'the 403 line is explainDecline()');
      assert.doesNotMatch(t, /\*\*403:\*\* 403/, 'the bullet names the answer once, not "403: 403 here"');
      assert.match(t, /restOnError = "FAIL"/);
      assert.match(t, /200 \(echo\):\*\* WCS goes ahead/);
      assert.match(exchangeTooltip(exchange('StreamStatusEvent')), /200 \(echo\):\*\* Acknowledged; nothing changes/);
      assert.match(exchangeTooltip(exchange('connect')), /refuses the session/);
    });

    it('escapes markdown from the wire in tooltips', () => {
      const t = exchangeTooltip(exchange('[x](command:evil)', { a: 1 }));
      assert.ok(!t.includes('[x](command:evil)'));
      assert.ok(t.includes('\\[x\\]\\(command:evil\\)'));
    });

    it('finds the fields that tell hooks apart', () => {
      assert.equal(keyFields(exchange('CallStatusEvent')), 'RING 1001→1002');
      assert.equal(keyFields(exchange('StreamStatusEvent')), 'PUBLISHING room42-alice');
      assert.equal(keyFields(exchange('OnMessageEvent')), 'RECEIVED 1002→1001');
      assert.equal(keyFields(exchange('ErrorEvent')), 'Failed by request timeout');
      assert.equal(keyFields(exchange('x', [1, 2])), '');
    });

    it('counts down and stops at zero', () => {
      const ex = exchange('call', undefined, { holdDeadline: 10_000 });
      assert.equal(timeLeft(ex, 0), '10 s left');
      assert.equal(timeLeft(ex, 9_001), '1 s left');
      assert.equal(timeLeft(ex, 20_000), '0 s left');
      assert.equal(timeLeft({ ...ex, holdDeadline: undefined }, 0), undefined);
      assert.equal(timeLeft(answered(ex), 0), undefined);
    });

    it('gives the waiting-group copy its own id and a flag', () => {
      const m = new HookView();
      m.ingest(exchange('OnCallEvent'));
      const waiting = m.roots()[0];
      const copy = m.children(waiting)[0];
      const p = present(copy, { now: 0 });
      assert.match(p.id, /^held:/);
      assert.match(p.contextValue, /\+held-copy$/);
      assert.match(p.contextValue, PENDING_WHEN);
    });
  });

  describe('groups', () => {
    it('names a roomApp participant and its rooms on the session row, and each room command on its hook (tree and terminal)', () => {
      const m = new HookView();
      const connect = sampleBody('connect') as Record<string, unknown>;
      const sessionId = connect.sessionId;
      const data = (command: string, name: string) => ({ ...(sampleBody('OnDataEvent') as Record<string, unknown>), sessionId, appKey: 'roomApp', custom: { login: 'alice' }, payload: { command, options: { name } } });
      m.ingest(answered(exchange('connect', { ...connect, appKey: 'roomApp', custom: { login: 'alice' } })));
      m.ingest(answered(exchange('OnDataEvent', data('join', 'room1'))));
      m.ingest(answered(exchange('OnDataEvent', data('join', 'lobby')), 'forbid'));
      const session = () => m.roots().find((n) => n.kind === 'session')!;
      const s = present(session(), { now: 0 });
      assert.match(s.label, /^roomApp · alice · /);
      assert.match(s.description ?? '', /in room1 ·/, 'a declined join is not a room the participant is in');
      assert.match(String(s.tooltip), /Login: alice/);
      const leave = exchange('OnDataEvent', data('leave', 'room1'));
      m.ingest(answered(leave));
      assert.doesNotMatch(present(session(), { now: 0 }).description ?? '', /in room1/);
      assert.equal(keyFields(leave), 'leave room1');
      assert.match(keyFieldsWithIds(leave), /login alice · leave room1$/);
    });

    it('labels sessions with app key, client and status, calls with caller → callee, streams with their name', () => {
      const m = new HookView();
      m.ingest(answered(exchange('connect')));
      m.ingest(answered(exchange('ConnectionStatusEvent')));
      m.ingest(exchange('call'));
      m.ingest(answered(exchange('publishStream')));
      m.ingest(answered(exchange('StreamStatusEvent')));
      const [waiting, session] = m.roots();
      assert.deepEqual(present(waiting, { now: 0 }), {
        id: 'waiting', label: 'Waiting for you', description: '1', iconId: 'bell', colorId: 'charts.yellow',
        contextValue: 'wcsHook:waiting', collapsible: 'expanded',
        tooltip: present(waiting, { now: 0 }).tooltip,
      });
      const s = present(session, { now: 0 });
      assert.equal(s.label, 'defaultApp · 192.168.10.23:51744');
      assert.equal(s.description, 'ESTABLISHED · 5 hooks · 1 held');
      assert.equal(s.colorId, 'testing.iconPassed');
      assert.equal(s.contextValue, 'wcsHook:session+pending');
      const kids = m.children(session).filter((n): n is Exclude<ModelNode, ExchangeNode> => n.kind !== 'exchange');
      const call = present(kids.find((n) => n.kind === 'call')!, { now: 0 });
      assert.equal(call.label, '1001 → 1002');
      assert.equal(call.iconId, 'call-outgoing');
      const stream = present(kids.find((n) => n.kind === 'stream')!, { now: 0 });
      assert.equal(stream.label, 'room42-alice');
      assert.equal(stream.description, 'published · PUBLISHING · 2 hooks');
    });

    it('names the one party a call hook carries instead of a bare "?"', () => {
      const call = (over: { caller?: string; callee?: string }) => present(
        { kind: 'call', id: 'call:s\nc1', sessionId: 's', callId: 'c1', total: 1, pending: 0, seq: 1, ...over }, { now: 0 }).label;
      assert.equal(call({ callee: '1002' }), 'call to 1002');
      assert.equal(call({ caller: '1001' }), 'call from 1001');
      assert.equal(call({ caller: '1001', callee: '1002' }), '1001 → 1002');
      assert.equal(call({}), 'call c1');
    });

    it('says how many hooks the cap hides', () => {
      const m = new HookView({ maxPerNode: 2 });
      for (let i = 0; i < 5; i++) m.ingest(answered(exchange('mystery', { i })));
      const more = m.roots()[0];
      const p = present(more, { now: 0 });
      assert.equal(p.label, '… 3 earlier hooks');
      assert.equal(present({ kind: 'more', id: 'more:waiting', parentId: 'waiting', hidden: 1, which: 'later' }, { now: 0 }).label, '… 1 more held hook');
      assert.equal(p.contextValue, 'wcsHook:more');
    });
  });

  it('uses sample bodies that make these tests meaningful', () => {
    assert.equal(sampleBody('CallStatusEvent').status, 'RING');
  });
});
