/**
 * What a load run counts while it runs: sessions started and done, hooks sent and answered, the
 * backend's answer latency per hook method, and failures by method and kind. Memory is bounded by the
 * number of hook methods (one histogram each), not by the run's length.
 */
import type { HookResult, SessionOutcome } from '../wcs';
import { failureKind, type FailureKind } from './classify';
import { LatencyHistogram, type HistogramState, type Percentiles } from './histogram';

export interface LoadSnapshot {
  readonly sessionsStarted: number;
  readonly sessionsDone: number;
  readonly hooks: number;
  readonly answered: number;
  readonly failures: number;
  /** Failures by kind, all methods together, most frequent first. */
  readonly failureKinds: readonly (readonly [FailureKind, number])[];
}

export interface LoadReport {
  /** Latency of the backend's HTTP answers (any status) per hook method, in ms. Timeouts are failures, not latencies. */
  readonly latency: Readonly<Record<string, Percentiles>>;
  /** Latency of every answer, all methods together. */
  readonly latencyAll: Percentiles;
  /** Failed hooks by method, then kind. */
  readonly errorsByMethod: Readonly<Record<string, Readonly<Record<FailureKind, number>>>>;
  /** HTTP answers by status. */
  readonly answers: Readonly<Record<string, number>>;
}

/** What a LoadStats counted, as plain data: a worker process sends it, the parent adds it up (`absorb`). */
export interface LoadStatsState {
  readonly sessionsStarted: number;
  readonly sessionsDone: number;
  readonly hooks: number;
  readonly answered: number;
  readonly failures: number;
  readonly methods: readonly { readonly name: string; readonly latency: HistogramState; readonly failures: readonly (readonly [FailureKind, number])[] }[];
  readonly statuses: readonly (readonly [number, number])[];
  readonly kinds: readonly (readonly [FailureKind, number])[];
  readonly all: HistogramState;
}

interface MethodStats {
  readonly latency: LatencyHistogram;
  readonly failures: Map<FailureKind, number>;
}

export class LoadStats {
  sessionsStarted = 0;
  sessionsDone = 0;
  hooks = 0;
  answered = 0;
  failures = 0;
  private readonly methods = new Map<string, MethodStats>();
  private readonly statuses = new Map<number, number>();
  private readonly kinds = new Map<FailureKind, number>();
  private readonly all = new LatencyHistogram();

  sessionStarted(): void {
    this.sessionsStarted++;
  }

  sessionDone(_outcome?: SessionOutcome): void {
    this.sessionsDone++;
  }

  /** One hook's result, as the engine's `hook` event gives it; skipped hooks (restPolicy DISABLE) are not counted. */
  hook(method: string, r: HookResult): void {
    if (!r.sent) return;
    this.hooks++;
    const m = this.method(method);
    const res = r.response;
    if (res && !res.failure) {
      this.answered++;
      this.statuses.set(res.status, (this.statuses.get(res.status) ?? 0) + 1);
      m.latency.record(res.durationMs);
      this.all.record(res.durationMs);
    }
    const kind = failureKind(r);
    if (kind !== undefined) {
      this.failures++;
      m.failures.set(kind, (m.failures.get(kind) ?? 0) + 1);
      this.kinds.set(kind, (this.kinds.get(kind) ?? 0) + 1);
    }
  }

  private method(name: string): MethodStats {
    let m = this.methods.get(name);
    if (!m) this.methods.set(name, (m = { latency: new LatencyHistogram(), failures: new Map() }));
    return m;
  }

  /** The plain counters, as both the snapshot and the state carry them. */
  private counters() {
    return { sessionsStarted: this.sessionsStarted, sessionsDone: this.sessionsDone, hooks: this.hooks, answered: this.answered, failures: this.failures };
  }

  state(): LoadStatsState {
    return {
      ...this.counters(),
      methods: [...this.methods].map(([name, m]) => ({ name, latency: m.latency.state(), failures: [...m.failures] })),
      statuses: [...this.statuses],
      kinds: [...this.kinds],
      all: this.all.state(),
    };
  }

  /** Adds another run's counts (a worker's `state()`), as if its hooks had been counted here. */
  absorb(st: LoadStatsState): void {
    this.sessionsStarted += st.sessionsStarted;
    this.sessionsDone += st.sessionsDone;
    this.hooks += st.hooks;
    this.answered += st.answered;
    this.failures += st.failures;
    for (const m of st.methods) {
      const mine = this.method(m.name);
      mine.latency.absorb(m.latency);
      for (const [k, n] of m.failures) mine.failures.set(k, (mine.failures.get(k) ?? 0) + n);
    }
    for (const [status, n] of st.statuses) this.statuses.set(status, (this.statuses.get(status) ?? 0) + n);
    for (const [k, n] of st.kinds) this.kinds.set(k, (this.kinds.get(k) ?? 0) + n);
    this.all.absorb(st.all);
  }

  snapshot(): LoadSnapshot {
    return {
      ...this.counters(),
      failureKinds: [...this.kinds].sort((a, b) => b[1] - a[1]),
    };
  }

  report(): LoadReport {
    const latency: Record<string, Percentiles> = {};
    const errorsByMethod: Record<string, Record<FailureKind, number>> = {};
    for (const [name, m] of [...this.methods].sort(([a], [b]) => a.localeCompare(b))) {
      if (m.latency.count > 0) latency[name] = m.latency.summary();
      if (m.failures.size > 0) errorsByMethod[name] = Object.fromEntries([...m.failures].sort((a, b) => b[1] - a[1]));
    }
    const answers = Object.fromEntries([...this.statuses].sort(([a], [b]) => a - b).map(([s, n]) => [String(s), n]));
    return { latency, latencyAll: this.all.summary(), errorsByMethod, answers };
  }
}
