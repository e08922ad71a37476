import { strict as assert } from 'node:assert';
import { deserialize, serialize } from 'node:v8';
import fc from 'fast-check';
import { LatencyHistogram, LoadStats, mergeCounted, mergeOutcomes, planShare, type LoadResult, type LoadStatsState } from '../../../mock-server/load';
import type { HookResult } from '../../../mock-server/wcs';

const answered = (ms: number, status = 200): HookResult => ({ method: 'x', sent: true, ok: status === 200, proceeds: true, body: {}, response: { status, statusText: '', headers: {}, rawBody: '', durationMs: ms } });

describe('load: one run over several workers', () => {
  it('planShare divides sessions, concurrency and rate so that the shares add up to the plan', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 16 }), fc.integer({ min: 0, max: 500 }), fc.integer({ min: 0, max: 64 }), (n, extraSessions, extraConc) => {
        const plan = { kind: 'count' as const, sessions: n + extraSessions, concurrency: n + extraConc };
        const shares = Array.from({ length: n }, (_, i) => planShare(plan, i, n));
        assert.equal(shares.reduce((s, p) => s + (p.kind === 'count' ? p.sessions : 0), 0), plan.sessions);
        for (const p of shares) assert.ok(p.kind === 'count' && p.sessions >= 1 && p.concurrency >= 1 && p.concurrency <= p.sessions);
      }),
    );
    const rate = { kind: 'rate' as const, rate: 50, durationMs: 3000, maxInFlight: 7 };
    const parts = [0, 1, 2].map((i) => planShare(rate, i, 3));
    assert.deepEqual(parts.map((p) => (p.kind === 'rate' ? [p.rate, p.durationMs, p.maxInFlight] : [])), [[50 / 3, 3000, 3], [50 / 3, 3000, 2], [50 / 3, 3000, 2]]);
    assert.throws(() => planShare({ kind: 'count', sessions: 1, concurrency: 1 }, 0, 2), /2 workers need at least 2 sessions/);
  });

  it('merged counts and latencies equal one LoadStats that saw every hook, across a structured-clone hop', () => {
    const one = new LoadStats();
    const parts = [new LoadStats(), new LoadStats(), new LoadStats()];
    const values = Array.from({ length: 3000 }, (_, i) => ((i * 7919) % 1000) / 10 + 0.05);
    values.forEach((ms, i) => {
      const r = i % 50 === 0 ? answered(ms, 403) : answered(ms);
      one.hook(i % 3 ? 'StreamStatusEvent' : 'connect', r);
      parts[i % 3]!.hook(i % 3 ? 'StreamStatusEvent' : 'connect', r);
    });
    const merged = new LoadStats();
    for (const p of parts) merged.absorb(deserialize(serialize(p.state())) as LoadStatsState);
    assert.deepEqual(merged.report(), one.report());
    assert.deepEqual(merged.snapshot(), one.snapshot());
    // An empty histogram's state (bounds ±Infinity, or null after JSON) adds nothing.
    const h = new LatencyHistogram();
    h.record(5);
    h.absorb(JSON.parse(JSON.stringify(new LatencyHistogram().state())));
    assert.deepEqual(h.summary(), { count: 1, min: 5, p50: 5, p95: 5, p99: 5, max: 5, mean: 5 });
  });

  it('mergeOutcomes adds sessions and hooks, keeps the slowest duration, and merges messages by text', () => {
    const result = (over: Partial<LoadResult>): LoadResult => ({
      scenario: 'connect', backend: 'http://b', sessions: 10, completed: 9, refused: 1, hooks: 30, hookErrors: 2, durationMs: 1000,
      errors: ['connect: timeout (×2)'], stopped: [], unreachable: false, transcripts: [],
      latency: {}, latencyAll: { count: 0, min: 0, p50: 0, p95: 0, p99: 0, max: 0, mean: 0 }, errorsByMethod: {}, answers: {},
      schedule: { plan: { kind: 'count', sessions: 10, concurrency: 1 }, started: 10, late: 1, maxLagMs: 5, stopped: false },
      loadSource: { cpuPercent: 60, eventLoopDelayMs: { p50: 1, p99: 4, max: 9 }, saturated: false, cpuBound: false },
      ...over,
    });
    const plan = { kind: 'count' as const, sessions: 20, concurrency: 2 };
    const m = mergeOutcomes([
      { result: result({}), stats: new LoadStats().state() },
      { result: result({ durationMs: 1500, errors: ['connect: timeout', 'x: refused'], loadSource: { cpuPercent: 70, eventLoopDelayMs: { p50: 2, p99: 30, max: 40 }, saturated: true, cpuBound: false } }), stats: new LoadStats().state() },
    ], plan);
    assert.equal(m.workers, 2);
    assert.deepEqual([m.sessions, m.completed, m.refused, m.hooks, m.hookErrors, m.durationMs], [20, 18, 2, 60, 4, 1500]);
    assert.deepEqual(m.errors, ['connect: timeout (×3)', 'x: refused']);
    assert.deepEqual(m.schedule, { plan, started: 20, late: 2, maxLagMs: 5, stopped: false });
    assert.deepEqual(m.loadSource, { cpuPercent: 130, eventLoopDelayMs: { p50: 2, p99: 30, max: 40 }, saturated: true, cpuBound: false });
    assert.deepEqual(mergeCounted([['a (×2)', 'b'], ['a', 'c (×5)']]), ['a (×3)', 'b', 'c (×5)']);
  });
});
