import assert from 'node:assert/strict';
import { HookView, type ExchangeNode } from '../../../mock-server/view';
import { CountdownTracker } from '../../../extension/tree/countdown';
import { present } from '../../../extension/tree/presentation';
import { exchange } from '../view/exchanges';

function node(ex: ReturnType<typeof exchange>): ExchangeNode {
  return { kind: 'exchange', id: `exchange:${ex.id}`, exchange: ex, held: false, seq: 1 };
}

/** What the provider's tick does: the held rows with the description they would show now. */
function candidates(nodes: ExchangeNode[], now: number) {
  return nodes.map((n) => ({ id: n.id, node: n, description: present(n, { now }).description }));
}

describe('countdown repaint', () => {
  it('repaints no held row that waits forever, however many ticks pass', () => {
    const t = new CountdownTracker();
    const forever = node(exchange('OnCallEvent', undefined, { state: 'pending', holdDeadline: undefined }));
    t.rendered(forever.id, present(forever, { now: 0 }).description);
    for (let now = 1000; now <= 5000; now += 1000) assert.deepEqual(t.due(candidates([forever], now)), []);
  });

  it('repaints a counting row only when its shown seconds change', () => {
    const t = new CountdownTracker();
    const counting = node(exchange('OnCallEvent', undefined, { state: 'pending', holdDeadline: 10_000 }));
    t.rendered(counting.id, present(counting, { now: 0 }).description);
    assert.deepEqual(t.due(candidates([counting], 400)), [], 'still "10 s left": no repaint, the tooltip stays');
    assert.deepEqual(t.due(candidates([counting], 1500)), [counting]);
  });

  it('leaves rows VS Code has not rendered alone, and forgets rows no longer held', () => {
    const t = new CountdownTracker();
    const a = node(exchange('OnCallEvent', undefined, { state: 'pending', holdDeadline: 10_000 }));
    const b = node(exchange('call', undefined, { state: 'pending', holdDeadline: 10_000 }));
    t.rendered(a.id, present(a, { now: 0 }).description);
    assert.deepEqual(t.due(candidates([a, b], 2000)), [a], 'b was never drawn');
    t.due(candidates([b], 3000));
    assert.equal(t.size, 0, 'a is no longer among the held rows');
  });

  it('works on the nodes of a real view', () => {
    const view = new HookView();
    view.ingest(exchange('OnCallEvent', undefined, { state: 'pending', holdDeadline: undefined }));
    view.flush();
    const held = view.children(view.roots().find((n) => n.kind === 'waiting')).filter((n): n is ExchangeNode => n.kind === 'exchange');
    assert.equal(held.length, 1);
    const t = new CountdownTracker();
    t.rendered(held[0]!.id, present(held[0]!, { now: 0 }).description);
    assert.deepEqual(t.due(candidates(held, 60_000)), []);
  });
});
