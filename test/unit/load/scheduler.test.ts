/** The load scheduler against a fake clock: how many sessions start, when, and what counts as late. */
import { strict as assert } from 'node:assert';
import { DEFAULT_MAX_IN_FLIGHT, plannedSessions, runSchedule, type Clock } from '../../../mock-server/load';

/** Time moves only when the scheduler sleeps (or a session says it took time). */
function fakeClock(): Clock & { t: number; sleeps: number } {
  const c = {
    t: 1000,
    sleeps: 0,
    now: () => c.t,
    sleep: async (ms: number) => {
      c.sleeps++;
      c.t += ms;
    },
  };
  return c;
}

describe('load scheduler (fake clock)', () => {
  it('--rate 50 --duration 5 starts 250 sessions, each at its due time, none late', async () => {
    const clock = fakeClock();
    const startTimes: number[] = [];
    const plan = { kind: 'rate', rate: 50, durationMs: 5000, maxInFlight: DEFAULT_MAX_IN_FLIGHT } as const;
    const r = await runSchedule(plan, async () => void startTimes.push(clock.t), clock);
    assert.equal(plannedSessions(plan), 250);
    assert.equal(r.started, 250);
    assert.equal(startTimes.length, 250);
    assert.equal(r.late, 0);
    assert.equal(r.stopped, false);
    // Session k starts at 20·k ms: the schedule spans 4.98 s of the 5 s.
    assert.deepEqual(startTimes.slice(0, 4).map((t) => t - 1000), [0, 20, 40, 60]);
    assert.equal(startTimes.at(-1)! - 1000, 249 * 20);
  });

  it('fractional rates and durations round to whole sessions; at least one starts', async () => {
    assert.equal(plannedSessions({ kind: 'rate', rate: 0.5, durationMs: 10_000, maxInFlight: 10 }), 5);
    assert.equal(plannedSessions({ kind: 'rate', rate: 3, durationMs: 2500, maxInFlight: 10 }), 8);
    assert.equal(plannedSessions({ kind: 'rate', rate: 0.1, durationMs: 1000, maxInFlight: 10 }), 1);
    const clock = fakeClock();
    const r = await runSchedule({ kind: 'rate', rate: 0.5, durationMs: 10_000, maxInFlight: 10 }, async () => undefined, clock);
    assert.equal(r.started, 5);
    assert.equal(clock.t - 1000, 8000, 'the fifth session is due at 8 s');
  });

  it('a load source that falls behind reports late sessions and the lag instead of hiding it', async () => {
    const clock = fakeClock();
    // Every start costs 30 ms of clock time at 100 sessions/s (one due every 10 ms).
    const r = await runSchedule({ kind: 'rate', rate: 100, durationMs: 1000, maxInFlight: 1000 }, async () => void (clock.t += 30), clock);
    assert.equal(r.started, 100);
    assert.ok(r.late > 0 && r.late < 100, `late=${r.late}`);
    // The last session was due at 990 ms and started after 99 starts of 30 ms: 2970 - 990 ms behind.
    assert.equal(r.maxLagMs, 99 * 30 - 990);
  });

  it('maxInFlight bounds the sessions in flight; due sessions wait for a slot', async () => {
    const clock = fakeClock();
    const open = new Set<() => void>();
    let peak = 0;
    const start = () =>
      new Promise<void>((resolve) => {
        open.add(resolve);
        peak = Math.max(peak, open.size);
      });
    // Ends one session whenever the scheduler sleeps, so the run can go on.
    const sleep = clock.sleep;
    clock.sleep = async (ms) => {
      await sleep(ms);
      const first = open.values().next().value;
      if (first) {
        open.delete(first);
        first();
      }
    };
    const done = runSchedule({ kind: 'rate', rate: 1000, durationMs: 100, maxInFlight: 5 }, start, clock);
    // Sessions blocked on the in-flight bound end only when released here.
    while (open.size > 0 || peak === 0) {
      await new Promise((r) => setImmediate(r));
      const first = open.values().next().value;
      if (first) {
        open.delete(first);
        first();
      }
    }
    const r = await done;
    assert.equal(r.started, 100);
    assert.ok(peak <= 5, `peak in flight ${peak}`);
  });

  it('--sessions N --concurrency C: N starts, never more than C at once', async () => {
    let inFlight = 0;
    let peak = 0;
    const r = await runSchedule({ kind: 'count', sessions: 23, concurrency: 4 }, async () => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((res) => setImmediate(res));
      inFlight--;
    });
    assert.equal(r.started, 23);
    assert.equal(peak, 4);
  });

  it('stop() ends the schedule early; sessions in flight still end', async () => {
    const clock = fakeClock();
    let ended = 0;
    let started = 0;
    const r = await runSchedule(
      { kind: 'rate', rate: 10, durationMs: 10_000, maxInFlight: 100 },
      async () => {
        started++;
        await new Promise((res) => setImmediate(res));
        ended++;
      },
      clock,
      () => started >= 7,
    );
    assert.equal(r.started, 7);
    assert.equal(r.stopped, true);
    assert.equal(ended, 7);
  });
});
