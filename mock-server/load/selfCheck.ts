/**
 * Whether the load source itself was the bottleneck. A load test measures the backend only while the tool
 * keeps up: once its one thread is saturated, each answer waits in its queue before it is handled, and that
 * wait shows up in the "backend latency" (measured: `trigger keep-alive --rate 500` on 2 cores reported a p50
 * of 700 ms against a bare echo that answers in under 1 ms). So the run watches its own CPU and event-loop
 * delay and says so, instead of blaming the backend. Node only, like the rest of load/.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';

export interface LoadSourceReport {
  /** CPU of this process over the run (user + system, all threads), as a share of one core, in %. */
  readonly cpuPercent: number;
  /** How late the event loop ran its work while the run lasted, in ms: the queueing every answer went through. */
  readonly eventLoopDelayMs: { readonly p50: number; readonly p99: number; readonly max: number };
  /**
   * True when the delay is large enough to distort the latencies reported (p99 ≥ SATURATED_DELAY_MS),
   * whatever the cause: the tool at its limit, or a machine too busy to give it the CPU it needed.
   */
  readonly saturated: boolean;
  /** True when the process used ≥ SATURATED_CPU_PERCENT of a core: the sessions/s reached are the tool's ceiling. */
  readonly cpuBound: boolean;
}

/**
 * Event-loop delay (p99) from which the load source counts as saturated. A hook on loopback takes about a
 * millisecond; 20 ms of queueing in the tool is more than any backend latency worth measuring here.
 */
export const SATURATED_DELAY_MS = 20;
/** CPU share of one core from which the tool itself is the bottleneck of the sessions/s it reaches. */
export const SATURATED_CPU_PERCENT = 85;

const RESOLUTION_MS = 5;

export interface LoadSourceWatch {
  stop(): LoadSourceReport;
}

export function watchLoadSource(now: () => number = () => performance.now()): LoadSourceWatch {
  // The histogram samples by a timer of this period, cheap beside a load run's work.
  const eld = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  eld.enable();
  const cpu0 = process.cpuUsage();
  const t0 = now();
  let report: LoadSourceReport | undefined;
  return {
    stop() {
      if (report) return report;
      eld.disable();
      const cpu = process.cpuUsage(cpu0);
      const elapsedUs = Math.max(1, (now() - t0) * 1000);
      // Node 20 records the whole interval between the sampling timer's runs (ns), so an idle loop reads as
      // the resolution itself: the delay is what lies beyond it. Too few samples give NaN.
      const ms = (ns: number) => (Number.isFinite(ns) ? Math.max(0, Math.round((ns / 1e6 - RESOLUTION_MS) * 100) / 100) : 0);
      const p99 = ms(eld.percentile(99));
      const cpuPercent = Math.round(((cpu.user + cpu.system) / elapsedUs) * 100);
      report = {
        cpuPercent,
        eventLoopDelayMs: { p50: ms(eld.percentile(50)), p99, max: ms(eld.max) },
        saturated: p99 >= SATURATED_DELAY_MS,
        cpuBound: cpuPercent >= SATURATED_CPU_PERCENT,
      };
      return report;
    },
  };
}

/**
 * The report's lines for people: always what the tool used, and what it means when it was at its limit.
 * `answers`: how many answers were timed (none: no latency table to speak of). `workers`: the run was split
 * over that many processes, and the delay is the slowest one's.
 */
export function loadSourceLine(r: LoadSourceReport, workers = 1, answers = 1): string {
  const d = r.eventLoopDelayMs;
  const who = workers > 1 ? `${workers} worker processes: together ${r.cpuPercent} % of one CPU core, the slowest event loop's delay` : `${r.cpuPercent} % of one CPU core, event-loop delay`;
  const figures = `${who} p50 ${d.p50} ms, p99 ${d.p99} ms`;
  const advice = '  Lower --rate or --concurrency, or scale out with Artillery (docs/load-testing.md).';
  const where = workers > 1 ? 'in the slowest worker' : 'in this process';
  if (answers === 0) return `load source: ${figures} (no answer was timed)`;
  if (r.saturated) {
    const why = r.cpuBound ? 'the tool was at its limit' : 'the machine was busy, or the tool stalled';
    return `load source: ${figures}: SATURATED (${why}); answers waited up to ~${Math.round(d.p99)} ms ${where}, and the latencies above include that.\n${advice}`;
  }
  if (r.cpuBound) {
    return `load source: ${figures}: at its limit, so the sessions/s above are this tool's ceiling here, not the backend's.\n${advice}`;
  }
  return `load source: ${figures} (kept up: the latencies above are the backend's)`;
}
