import assert from 'node:assert/strict';
import { LensRefresh } from '../../../extension/lensRefresh';

function pacer(shown: string[] = ['draft-a']) {
  let now = 0;
  const signals: number[] = [];
  const refresh = new LensRefresh({ signal: () => signals.push(now), now: () => now, patienceMs: 3000, maxPatienceMs: 12_000, maxGapMs: 5000 });
  const lenses = { request: () => refresh.request(shown), asked: (uri: string) => refresh.asked(uri) };
  return { lenses, signals, at: (t: number) => (now = t) };
}

describe('the pace of the lines above the answer drafts', () => {
  it('signals once, then not again until the editor has asked, so a slow editor is not starved', () => {
    const { lenses, signals, at } = pacer();
    assert.equal(lenses.request(), true);
    // The countdown ticks while the editor is still waiting out its debounce: nothing restarts that wait.
    for (const t of [1000, 2000]) {
      at(t);
      assert.equal(lenses.request(), false);
    }
    assert.deepEqual(signals, [0]);
    at(2100);
    lenses.asked('draft-a');
    at(2100 + 4199);
    assert.equal(lenses.request(), false, 'the request the ask started gets twice the time the ask took (4.2 s) to finish');
    at(2100 + 4200);
    assert.equal(lenses.request(), true);
    assert.deepEqual(signals, [0, 6300]);
  });

  it('caps the pause after an ask', () => {
    const { lenses, signals, at } = pacer();
    lenses.request();
    at(2900);
    lenses.asked('draft-a');
    at(2900 + 5000);
    lenses.request();
    assert.deepEqual(signals, [0, 7900]);
  });

  it('waits until every draft shown was asked; an ask nobody waits for changes nothing', () => {
    const { lenses, signals, at } = pacer(['draft-a', 'draft-b']);
    lenses.request();
    at(100);
    lenses.asked('draft-a');
    lenses.asked('draft-c');
    at(1000);
    lenses.request();
    assert.deepEqual(signals, [0]);
    at(1100);
    lenses.asked('draft-b');
    at(1100 + 2200);
    lenses.request();
    assert.deepEqual(signals, [0, 3300]);
  });

  it('signals anyway when the editor dropped the request, with a patience that doubles and is reset by an ask', () => {
    const { lenses, signals, at } = pacer();
    lenses.request();
    at(2999);
    lenses.request();
    at(3000);
    lenses.request(); // 3 s without an ask: signal again, now wait 6 s
    at(8999);
    lenses.request();
    at(9000);
    lenses.request(); // then 12 s (the ceiling)
    at(21_000);
    lenses.request();
    at(33_000);
    lenses.request();
    assert.deepEqual(signals, [0, 3000, 9000, 21_000, 33_000]);
    at(33_100);
    lenses.asked('draft-a');
    at(33_300);
    lenses.request();
    at(36_299);
    lenses.request(); // back to 3 s: not yet
    at(36_300);
    lenses.request();
    assert.deepEqual(signals.slice(5), [33_300, 36_300]);
  });

  it('signals every time when no draft is shown (nothing to wait for)', () => {
    const { lenses, signals, at } = pacer([]);
    lenses.request();
    at(10);
    lenses.request();
    assert.deepEqual(signals, [0, 10]);
  });
});
