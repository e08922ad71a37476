import assert from 'node:assert/strict';
import { HookView, type ExchangeNode } from '../../../mock-server/view';
import { CountdownTracker, TOOLTIP_HOLD_MS } from '../../../extension/tree/countdown';
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

  it('keeps the row whose tooltip opened still, while the others tick, until another tooltip opens or time passes', () => {
    const t = new CountdownTracker();
    const a = node(exchange('OnCallEvent', undefined, { state: 'pending', holdDeadline: 60_000 }));
    const b = node(exchange('call', undefined, { state: 'pending', holdDeadline: 60_000 }));
    for (const n of [a, b]) t.rendered(n.id, present(n, { now: 0 }).description);
    t.hovered(a.id, 500);
    assert.deepEqual(t.due(candidates([a, b], 1500), 1500), [b], 'a repaint would close the tooltip of a');
    t.rendered(b.id, present(b, { now: 1500 }).description);
    assert.deepEqual(t.due(candidates([a, b], 2500), 2500), [b], 'two ticks, a still untouched');
    t.hovered(b.id, 2600);
    assert.deepEqual(t.due(candidates([a, b], 3500), 3500), [a], 'the tooltip moved to b: a catches up');
    t.rendered(a.id, present(a, { now: 3500 }).description);
    const late = 2600 + TOOLTIP_HOLD_MS;
    assert.deepEqual(t.due(candidates([a, b], late), late), [a, b], 'after the hold both count again');
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
