/**
 * When load sessions start. Two plans: N sessions with at most C at once (a closed model: the next starts
 * when one ends, so a slow backend slows the run), or R sessions per second for S seconds (an open model:
 * sessions start on schedule however slow the backend is, as users arrive at a real WCS). Time comes from
 * a Clock so tests count starts against a fake one instead of waiting.
 */

export interface Clock {
  /** Milliseconds from any fixed origin. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: Clock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export type LoadPlan =
  | { readonly kind: 'count'; readonly sessions: number; readonly concurrency: number }
  /** `maxInFlight` bounds memory when the backend cannot keep up: due sessions wait for a free slot (and count as late). */
  | { readonly kind: 'rate'; readonly rate: number; readonly durationMs: number; readonly maxInFlight: number };

/** In-flight bound of a rate plan when none is given: the 10,000 concurrent sessions the engine is sized for. */
export const DEFAULT_MAX_IN_FLIGHT = 10_000;

/** A session that starts more than this after its due time counts as late. */
export const LATE_AFTER_MS = 100;

export interface ScheduleResult {
  readonly started: number;
  /** Rate plans: sessions that started more than LATE_AFTER_MS after their due time. */
  readonly late: number;
  /** Rate plans: the largest delay between a session's due time and its start, in ms. */
  readonly maxLagMs: number;
  /** True when `stop` ended the schedule before its planned sessions had all started. */
  readonly stopped: boolean;
}

/** How many sessions a plan starts in all. */
export function plannedSessions(plan: LoadPlan): number {
  return plan.kind === 'count' ? plan.sessions : Math.max(1, Math.round((plan.rate * plan.durationMs) / 1000));
}

/**
 * Starts sessions by `plan`, each by calling `start` (which resolves when the session ends and must not
 * reject), and resolves when every started session has ended. `stop()` returning true stops starting more.
 */
export async function runSchedule(plan: LoadPlan, start: () => Promise<unknown>, clock: Clock = realClock, stop: () => boolean = () => false): Promise<ScheduleResult> {
  const total = plannedSessions(plan);
  let started = 0;
  if (plan.kind === 'count') {
    const worker = async () => {
      while (started < total && !stop()) {
        started++;
        await start();
      }
    };
    await Promise.all(Array.from({ length: Math.min(plan.concurrency, total) }, worker));
    return { started, late: 0, maxLagMs: 0, stopped: started < total };
  }

  const interval = 1000 / plan.rate;
  const t0 = clock.now();
  const inFlight = new Set<Promise<unknown>>();
  let late = 0;
  let maxLagMs = 0;
  let burst = 0;
  while (started < total && !stop()) {
    if (inFlight.size >= plan.maxInFlight) {
      await Promise.race(inFlight);
      continue;
    }
    const due = t0 + started * interval;
    const now = clock.now();
    if (now < due) {
      burst = 0;
      await clock.sleep(due - now);
      continue;
    }
    // Behind schedule, sessions start back to back; let the event loop run (answers, progress) now and then.
    if (++burst % 64 === 0) await clock.sleep(0);
    const lag = now - due;
    if (lag > LATE_AFTER_MS) late++;
    if (lag > maxLagMs) maxLagMs = lag;
    started++;
    const p = start().finally(() => inFlight.delete(p));
    inFlight.add(p);
  }
  await Promise.all(inFlight);
  return { started, late, maxLagMs, stopped: started < total };
}
