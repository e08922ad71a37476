import { strict as assert } from 'node:assert';
import { loadSourceLine, watchLoadSource, type LoadSourceReport } from '../../../mock-server/load';

const report = (cpuPercent: number, p99: number, over: Partial<LoadSourceReport> = {}): LoadSourceReport => ({
  cpuPercent,
  eventLoopDelayMs: { p50: 1, p99, max: p99 + 1 },
  saturated: false,
  cpuBound: false,
  ...over,
});

describe('load: whether the load source kept up', () => {
  it('a blocked event loop shows in the delay figures, and stop() reports once', async () => {
    const watch = watchLoadSource();
    await new Promise((r) => setTimeout(r, 30));
    const until = Date.now() + 150;
    while (Date.now() < until) {
      // The tool busy with its own work: every answer due now waits.
    }
    await new Promise((r) => setTimeout(r, 30));
    const r = watch.stop();
    assert.ok(r.eventLoopDelayMs.max >= 100, `max delay ${r.eventLoopDelayMs.max} ms after a 150 ms block`);
    assert.ok(r.eventLoopDelayMs.p99 >= 20, `p99 ${r.eventLoopDelayMs.p99} ms`);
    assert.ok(r.cpuPercent > 0);
    assert.equal(watch.stop(), r);
  });

  it('says the backend\'s latencies are its own only when the tool kept up', () => {
    assert.match(loadSourceLine(report(40, 3)), /kept up: the latencies above are the backend's/);
    const busy = loadSourceLine(report(97, 12, { cpuBound: true }));
    assert.match(busy, /at its limit, so the sessions\/s above are this tool's ceiling/);
    assert.doesNotMatch(busy, /kept up/);
    const saturated = loadSourceLine(report(101, 412.5, { cpuBound: true, saturated: true }));
    assert.match(saturated, /SATURATED \(the tool was at its limit\); answers waited up to ~413 ms in this process/);
    assert.match(saturated, /scale out with Artillery/);
    assert.match(loadSourceLine(report(60, 85, { saturated: true })), /SATURATED \(the machine was busy, or the tool stalled\)/);
    // No answer timed (a backend that is down): nothing is said of latencies that were not printed.
    const none = loadSourceLine(report(101, 412.5, { cpuBound: true, saturated: true }), 1, 0);
    assert.match(none, /\(no answer was timed\)$/);
    assert.doesNotMatch(none, /latencies/);
    // Several workers: the delay is the slowest worker's, not "this process".
    const split = loadSourceLine(report(150, 30, { saturated: true }), 2);
    assert.match(split, /^load source: 2 worker processes: together 150 % of one CPU core, the slowest event loop's delay p50 1 ms, p99 30 ms/);
    assert.match(split, /answers waited up to ~30 ms in the slowest worker/);
  });
});
