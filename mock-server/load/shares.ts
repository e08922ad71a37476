/**
 * One load run over several worker processes (`trigger --workers N`): each runs its share of the plan with an
 * engine of its own, and the parent adds up what they counted. Why processes: the engine runs in one thread,
 * and a load source with more to drive than one core needs more threads; processes keep each engine as it is
 * (no shared state), and the parent only merges numbers. Pure functions here; the forking is in the CLI.
 */
import type { LoadResult } from './run';
import type { LoadPlan } from './scheduler';
import type { LoadSourceReport } from './selfCheck';
import { LoadStats, type LoadStatsState } from './stats';

/** What one worker sends back at its end: its result (without transcripts) and its raw counts. */
export interface WorkerOutcome {
  readonly result: LoadResult;
  readonly stats: LoadStatsState;
}

/** n parts of `total` as even as can be, the first ones one larger. */
function part(total: number, i: number, n: number): number {
  return Math.floor(total / n) + (i < total % n ? 1 : 0);
}

/**
 * The share of `plan` that worker `i` (0-based) of `n` runs. A closed plan divides its sessions and its
 * concurrency; an open one divides its rate and its in-flight bound and keeps its duration. Throws a
 * RangeError when the plan is too small to divide (fewer sessions or concurrency than workers).
 */
export function planShare(plan: LoadPlan, i: number, n: number): LoadPlan {
  if (!Number.isInteger(n) || n < 1 || !Number.isInteger(i) || i < 0 || i >= n) throw new RangeError(`worker ${i} of ${n}`);
  if (plan.kind === 'count') {
    if (plan.sessions < n) throw new RangeError(`${n} workers need at least ${n} sessions, got ${plan.sessions}`);
    if (plan.concurrency < n) throw new RangeError(`${n} workers need a concurrency of at least ${n}, got ${plan.concurrency}`);
    const sessions = part(plan.sessions, i, n);
    return { kind: 'count', sessions, concurrency: Math.min(sessions, part(plan.concurrency, i, n)) };
  }
  if (plan.maxInFlight < n) throw new RangeError(`${n} workers need a concurrency of at least ${n}, got ${plan.maxInFlight}`);
  return { kind: 'rate', rate: plan.rate / n, durationMs: plan.durationMs, maxInFlight: part(plan.maxInFlight, i, n) };
}

const COUNTED = /^(.*) \(×(\d+)\)$/s;

/** Merges "message (×k)" lists (ScenarioResult's errors and stops) by message, adding the counts. */
export function mergeCounted(lists: readonly (readonly string[])[]): string[] {
  const counts = new Map<string, number>();
  for (const list of lists) {
    for (const item of list) {
      const m = COUNTED.exec(item);
      const [msg, k] = m ? [m[1]!, Number(m[2])] : [item, 1];
      counts.set(msg, (counts.get(msg) ?? 0) + k);
    }
  }
  return [...counts].map(([msg, k]) => (k > 1 ? `${msg} (×${k})` : msg));
}

function mergeLoadSource(parts: readonly LoadSourceReport[]): LoadSourceReport {
  const max = (f: (r: LoadSourceReport) => number) => Math.max(0, ...parts.map(f));
  return {
    // Percent of one core, all processes together: 170 means 1.7 cores.
    cpuPercent: parts.reduce((s, r) => s + r.cpuPercent, 0),
    eventLoopDelayMs: { p50: max((r) => r.eventLoopDelayMs.p50), p99: max((r) => r.eventLoopDelayMs.p99), max: max((r) => r.eventLoopDelayMs.max) },
    saturated: parts.some((r) => r.saturated),
    cpuBound: parts.some((r) => r.cpuBound),
  };
}

/** The run as one: counts added, latencies merged from the raw histograms, the slowest worker's duration. */
export function mergeOutcomes(parts: readonly WorkerOutcome[], plan: LoadPlan): LoadResult {
  if (parts.length === 0) throw new RangeError('no worker outcome to merge');
  const stats = new LoadStats();
  for (const p of parts) stats.absorb(p.stats);
  const rs = parts.map((p) => p.result);
  const sum = (f: (r: LoadResult) => number) => rs.reduce((s, r) => s + f(r), 0);
  return {
    scenario: rs[0]!.scenario,
    backend: rs[0]!.backend,
    sessions: sum((r) => r.sessions),
    completed: sum((r) => r.completed),
    refused: sum((r) => r.refused),
    hooks: sum((r) => r.hooks),
    hookErrors: sum((r) => r.hookErrors),
    durationMs: Math.max(...rs.map((r) => r.durationMs)),
    errors: mergeCounted(rs.map((r) => r.errors)),
    stopped: mergeCounted(rs.map((r) => r.stopped)),
    unreachable: rs.every((r) => r.unreachable),
    transcripts: rs.flatMap((r) => r.transcripts),
    ...stats.report(),
    schedule: {
      plan,
      started: sum((r) => r.schedule.started),
      late: sum((r) => r.schedule.late),
      maxLagMs: Math.max(...rs.map((r) => r.schedule.maxLagMs)),
      stopped: rs.some((r) => r.schedule.stopped),
    },
    loadSource: mergeLoadSource(rs.map((r) => r.loadSource)),
    workers: parts.length,
  };
}
