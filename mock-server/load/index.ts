/** Load runs of the WCS scenarios: when sessions start, what is counted, and how it is shown. */
export { LatencyHistogram, HISTOGRAM_BUCKETS, type HistogramState, type Percentiles } from './histogram';
export { failureKind, type FailureKind } from './classify';
export { LoadStats, type LoadReport, type LoadSnapshot, type LoadStatsState } from './stats';
export { mergeCounted, mergeOutcomes, planShare, type WorkerOutcome } from './shares';
export { runSchedule, plannedSessions, realClock, DEFAULT_MAX_IN_FLIGHT, LATE_AFTER_MS, type Clock, type LoadPlan, type ScheduleResult } from './scheduler';
export { LiveProgress, progressLine, reportLines, PROGRESS_REDRAWS_PER_SECOND, type ProgressOut } from './progress';
export { loadSourceLine, watchLoadSource, SATURATED_DELAY_MS, type LoadSourceReport, type LoadSourceWatch } from './selfCheck';
export { startLoad, type LoadResult, type LoadRun, type LoadRunOptions } from './run';
