/**
 * What a load run shows while it runs (one status line, redrawn in place on a terminal) and at its end
 * (latency per hook method, failures by method and kind). Formatting only: the numbers come from LoadStats.
 */
import type { LoadReport, LoadSnapshot } from './stats';
import type { ScheduleResult } from './scheduler';

/** Redraws per second at most: enough to look live, few enough to cost nothing. */
export const PROGRESS_REDRAWS_PER_SECOND = 4;

const ms = (v: number) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));

/** One status line: `sessions 120 started, 100 done · hooks 800, 412/s · errors 3 (timeout 2, refused 1) · 3.2 s`. */
export function progressLine(s: LoadSnapshot, hooksPerSecond: number, elapsedMs: number, plannedSessions?: number): string {
  const of = plannedSessions !== undefined ? `/${plannedSessions}` : '';
  const kinds = s.failureKinds.slice(0, 3).map(([k, n]) => `${k} ${n}`).join(', ');
  const more = s.failureKinds.length > 3 ? ', …' : '';
  return (
    `sessions ${s.sessionsStarted}${of} started, ${s.sessionsDone} done · hooks ${s.hooks}, ${hooksPerSecond.toFixed(0)}/s · ` +
    `errors ${s.failures}${s.failures > 0 ? ` (${kinds}${more})` : ''} · ${(elapsedMs / 1000).toFixed(1)} s`
  );
}

/** The end-of-run tables. Method names and kinds come from our engine, not the network. */
export function reportLines(r: LoadReport, schedule?: ScheduleResult): string[] {
  const out: string[] = [];
  const methods = Object.entries(r.latency);
  if (methods.length > 0) {
    const w = Math.max(6, ...methods.map(([m]) => m.length));
    const row = (cells: string[]) => `  ${cells[0]!.padEnd(w)}${cells.slice(1).map((c) => c.padStart(9)).join('')}`;
    out.push('', 'latency of the backend\'s answers (ms):', row(['method', 'answers', 'p50', 'p95', 'p99', 'max']));
    for (const [m, p] of methods) out.push(row([m, String(p.count), ms(p.p50), ms(p.p95), ms(p.p99), ms(p.max)]));
    if (methods.length > 1) {
      const a = r.latencyAll;
      out.push(row(['all', String(a.count), ms(a.p50), ms(a.p95), ms(a.p99), ms(a.max)]));
    }
  }
  const errors = Object.entries(r.errorsByMethod);
  if (errors.length > 0) {
    out.push('', 'failed hooks by method and kind:');
    for (const [m, kinds] of errors) out.push(`  ${m}: ${Object.entries(kinds).map(([k, n]) => `${k} ×${n}`).join(', ')}`);
  }
  if (schedule && schedule.late > 0) {
    out.push('', `${schedule.late} session${schedule.late === 1 ? '' : 's'} started late (up to ${ms(schedule.maxLagMs)} ms behind schedule): the load source could not keep the rate`);
  }
  return out;
}

export interface ProgressOut {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

/**
 * The live status line on a terminal: redrawn in place at most PROGRESS_REDRAWS_PER_SECOND times a second,
 * erased before anything else is printed and at the end. Off the terminal (a pipe, CI) it prints nothing.
 */
export class LiveProgress {
  private timer: ReturnType<typeof setInterval> | undefined;
  private lastHooks = 0;
  private lastAt: number;
  private readonly startedAt: number;
  private shown = false;

  constructor(
    private readonly out: ProgressOut,
    private readonly snapshot: () => LoadSnapshot,
    private readonly plannedSessions?: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.startedAt = this.lastAt = now();
  }

  start(): this {
    if (!this.out.isTTY) return this;
    this.timer = setInterval(() => this.redraw(), 1000 / PROGRESS_REDRAWS_PER_SECOND);
    this.timer.unref?.();
    return this;
  }

  /** Draws the line now (the timer calls this). */
  redraw(): void {
    const s = this.snapshot();
    const t = this.now();
    const rate = t > this.lastAt ? ((s.hooks - this.lastHooks) * 1000) / (t - this.lastAt) : 0;
    this.lastHooks = s.hooks;
    this.lastAt = t;
    this.out.write(`\r\x1b[2K${progressLine(s, rate, t - this.startedAt, this.plannedSessions)}`);
    this.shown = true;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.shown) this.out.write('\r\x1b[2K');
    this.shown = false;
  }
}
