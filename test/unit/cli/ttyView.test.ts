import assert from 'node:assert/strict';
import {
  editLine, formatArrival, formatLogLine, formatSettled, formatStatus, keyAction, nextPolicy, select, splitKeys, truncate,
  visibleLength,
} from '../../../mock-server/cli/ttyView';
import type { Exchange, SentAnswer } from '../../../mock-server/hooks/types';

const plain = { color: false };
const T0 = new Date(2026, 0, 2, 3, 4, 5, 6).getTime();

function ex(over: Partial<Exchange> = {}): Exchange {
  return {
    id: '3', receivedAt: T0, app: '/EchoApp', method: 'connect', type: 'connect', unknownMethod: false,
    httpMethod: 'POST', url: '/EchoApp/connect', headers: {}, rawBody: '{}', body: {}, issues: [],
    keys: { sessionId: '/192.168.10.23:51744/192.168.10.5:8443-3f1c9a52-8d7f0a14' }, state: 'pending',
    holdDeadline: T0 + 12_000, ...over,
  };
}

function answer(over: Partial<SentAnswer>): SentAnswer {
  return { status: 200, headers: {}, body: '{}', spec: 'echo', by: 'developer', at: T0 + 2300, ...over };
}

describe('terminal view', () => {
  it('shows an arriving hook with method, type, app, key fields and HELD', () => {
    const [line] = formatArrival(ex({ body: { callee: 'PPP005' } }), plain);
    assert.equal(line, '03:04:05.006 #3 connect connect /EchoApp session …8d7f0a14 · callee PPP005 HELD');
  });

  it('shows validation issues (capped), errors and unknown methods', () => {
    const issues = [1, 2, 3, 4, 5].map((n) => ({ path: `f${n}`, message: 'Required' }));
    const lines = formatArrival(ex({ method: 'Foo', type: 'unknown', unknownMethod: true, issues, keys: {} }), plain);
    assert.match(lines[0]!, /#3 Foo unknown \(not in the catalog\)/);
    assert.deepEqual(lines.slice(1), ['    ! f1: Required', '    ! f2: Required', '    ! f3: Required', '    ! …and 2 more']);
    const bad = formatArrival(ex({ error: 'malformed JSON: x', state: 'answered', answer: answer({ status: 400, spec: { status: 400, body: {} }, by: 'server' }) }), plain);
    assert.match(bad[0]!, /→ 400 body \(server\)$/);
    assert.equal(bad[1], '    malformed JSON: x');
  });

  it('puts a rule answer on the arrival line, naming the rule', () => {
    const [line] = formatArrival(ex({ state: 'answered', answer: answer({ spec: { status: 403, reason: 'busy' }, status: 403, by: 'rule', ruleIndex: 0 }) }), plain);
    assert.match(line!, /→ 403 "busy" \(rule 1\)$/);
    const [d] = formatArrival(ex({ state: 'answered', answer: answer({ by: 'rule' }) }), plain);
    assert.match(d!, /→ 200 echo \(default\)$/);
  });

  it('shows how a held hook ended', () => {
    assert.equal(
      formatSettled(ex({ state: 'answered', answer: answer({ by: 'timeout' }), latencyMs: 12_000 }), plain),
      '03:04:07.306 #3 connect → 200 echo (timeout, 12.0s)',
    );
    assert.match(formatSettled(ex({ state: 'aborted', latencyMs: 800 }), plain), /#3 connect aborted: WCS closed the connection after 800ms$/);
  });

  it('logs one plain line per exchange', () => {
    const line = formatLogLine(ex({ state: 'answered', answer: answer({ by: 'rule', ruleIndex: 2 }), latencyMs: 1, issues: [{ path: 'x', message: 'bad' }] }));
    assert.equal(line, `${new Date(T0).toISOString()} #3 POST /EchoApp/connect connect/connect -> 200 echo by rule 3 in 1ms [session …8d7f0a14] 1 validation issue: x bad`);
    assert.doesNotMatch(line, /\x1b/);
  });

  it('status line: held hooks with remaining seconds, the selected one marked, within the width', () => {
    const held = [ex({ id: '1' }), ex({ id: '2', method: 'publishStream', holdDeadline: T0 + 3000 })];
    const s = formatStatus({ held, selectedId: '2', now: T0 + 1000, policy: 'hold-blockable', width: 200 }, plain);
    assert.equal(s, '2 held: #1 connect 11s  ▶#2 publishStream 2s · e echo f forbid r reason d edit n/p next/prev ? help');
    const narrow = formatStatus({ held, selectedId: '2', now: T0, policy: 'hold-blockable', width: 30 }, { color: true });
    assert.equal(visibleLength(narrow), 30);
    assert.match(formatStatus({ held: [], selectedId: undefined, now: T0, policy: 'hold-all', width: 80 }, plain), /no hooks held · policy hold-all/);
    assert.equal(formatStatus({ held, selectedId: '1', now: T0, policy: 'echo-all', width: 80, prompt: 'reason: x' }, plain), 'reason: x');
    assert.match(formatStatus({ held: [ex({ holdDeadline: undefined })], selectedId: '3', now: T0, policy: 'echo-all', width: 80 }, plain), /▶#3 connect ·/);
  });

  it('truncates coloured text by visible width', () => {
    assert.equal(truncate('abcdef', 4), 'abc…');
    assert.equal(visibleLength(truncate('\x1b[1mabcdef\x1b[22m', 4)), 4);
    assert.equal(truncate('abc', 4), 'abc');
  });

  it('maps keys to actions', () => {
    assert.deepEqual(keyAction('e'), { kind: 'answer', answer: 'echo' });
    assert.deepEqual(keyAction('f'), { kind: 'answer', answer: 'forbid' });
    assert.deepEqual(keyAction('r'), { kind: 'reason' });
    assert.deepEqual(keyAction('d'), { kind: 'edit' });
    assert.deepEqual(keyAction('E'), { kind: 'edit' });
    assert.deepEqual(keyAction('n'), { kind: 'select', delta: 1 });
    assert.deepEqual(keyAction('\x1b[A'), { kind: 'select', delta: -1 });
    assert.deepEqual(keyAction('\x03'), { kind: 'quit' });
    assert.deepEqual(keyAction('x'), { kind: 'none' });
    assert.equal(nextPolicy('hold-blockable'), 'hold-all');
    assert.equal(nextPolicy('hold-all'), 'echo-all');
    assert.equal(nextPolicy('echo-all'), 'hold-blockable');
  });

  it('keeps the selection on the same hook, falls back to the oldest, wraps when moving', () => {
    assert.equal(select([], '1'), undefined);
    assert.equal(select(['1', '2', '3'], undefined), '1');
    assert.equal(select(['1', '2', '3'], '2'), '2');
    assert.equal(select(['1', '3'], '2'), '1');
    assert.equal(select(['1', '2', '3'], '3', 1), '1');
    assert.equal(select(['1', '2', '3'], '1', -1), '3');
  });

  it('splits raw input into keys, keeping escape sequences whole', () => {
    assert.deepEqual(splitKeys('busy\r'), ['b', 'u', 's', 'y', '\r']);
    assert.deepEqual(splitKeys('n\x1b[Ae\x1bOBq\x1b'), ['n', '\x1b[A', 'e', '\x1bOB', 'q', '\x1b']);
    assert.deepEqual(splitKeys('ä😀'), ['ä', '😀']);
  });

  it('edits the reason line', () => {
    let s = '';
    for (const k of ['b', 'u', 'x', '\x7f', 's', 'y']) s = editLine(s, k).text;
    assert.equal(s, 'busy');
    assert.equal(editLine(s, 'ed\x07 now').text, 'busyed now');
    assert.deepEqual(editLine(s, '\r'), { text: 'busy', done: 'submit' });
    assert.deepEqual(editLine(s, '\x1b'), { text: 'busy', done: 'cancel' });
    assert.deepEqual(editLine(s, '\x1b[D'), { text: 'busy' });
    assert.deepEqual(editLine(s, '\x15'), { text: '' });
  });
});
