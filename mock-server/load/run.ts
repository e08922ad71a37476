/**
 * A load run: one engine (ScenarioRun), sessions started by a plan, every hook counted. The caller gets
 * the engine and the counters at once, for a live transcript or progress line, and the result at the end.
 */
import { ScenarioRun, type ScenarioName, type ScenarioResult, type ScenarioRunOptions } from '../wcs';
import { runSchedule, type Clock, type LoadPlan, type ScheduleResult } from './scheduler';
import { watchLoadSource, type LoadSourceReport } from './selfCheck';
import { LoadStats, type LoadReport } from './stats';

export interface LoadRunOptions extends ScenarioRunOptions {
  readonly plan: LoadPlan;
  /** Keep each session's transcript (default: only for plans of at most 20 sessions). */
  readonly transcripts?: boolean;
  readonly clock?: Clock;
  /** Returns true to stop starting sessions (Ctrl-C); the ones in flight still end. */
  readonly stop?: () => boolean;
}

export interface LoadResult extends ScenarioResult, LoadReport {
  readonly schedule: ScheduleResult & { readonly plan: LoadPlan };
  /** What the run cost this process, and whether it kept up (selfCheck.ts). */
  readonly loadSource: LoadSourceReport;
  /** Set when the run was split over worker processes (`trigger --workers`, shares.ts). */
  readonly workers?: number;
}

export interface LoadRun {
  readonly run: ScenarioRun;
  readonly stats: LoadStats;
  readonly done: Promise<LoadResult>;
}

export function startLoad(name: ScenarioName, opts: LoadRunOptions): LoadRun {
  const stats = new LoadStats();
  const { plan, clock, stop, ...rest } = opts;
  const small = plan.kind === 'count' && plan.sessions <= 20;
  const run = new ScenarioRun({
    ...rest,
    transcripts: opts.transcripts ?? small,
    onHook: (sid, method, r) => {
      stats.hook(method, r);
      rest.onHook?.(sid, method, r);
    },
  });
  const one = async () => {
    stats.sessionStarted();
    stats.sessionDone(await run.session(name));
  };
  const watch = watchLoadSource();
  const done = (async (): Promise<LoadResult> => {
    const schedule = await runSchedule(plan, one, clock, stop);
    const result = await run.finish(name);
    return { ...result, ...stats.report(), schedule: { plan, ...schedule }, loadSource: watch.stop() };
  })();
  return { run, stats, done };
}
