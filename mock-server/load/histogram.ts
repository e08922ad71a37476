/**
 * A latency histogram with log-spaced buckets: fixed memory whatever the run's length, percentiles within
 * 1 % of the true value, and exact count, min and max. Our own ~60 lines rather than hdr-histogram-js: the
 * CLI bundle stays dependency-free and browser-safe, values are milliseconds as floats (HDR wants integers
 * and a chosen precision), and 1 % is finer than a backend's run-to-run noise.
 */

/** Smallest value told apart (1 µs); anything below lands in the first bucket. */
const LOWEST_MS = 0.001;
/** Largest value told apart (1 h, far above any hook timeout); anything above lands in the last bucket. */
const HIGHEST_MS = 3_600_000;
/** Each bucket is 1 % wider than the one before: the relative error of a percentile. */
const GROWTH = 1.01;
const LOG_GROWTH = Math.log(GROWTH);
/** 2,213 buckets of 4 bytes: about 9 kB per histogram. */
export const HISTOGRAM_BUCKETS = Math.ceil(Math.log(HIGHEST_MS / LOWEST_MS) / LOG_GROWTH) + 1;

export interface Percentiles {
  readonly count: number;
  readonly min: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
}

/** A histogram as plain data (non-empty buckets only), to send from a worker process and merge in another. */
export interface HistogramState {
  readonly count: number;
  readonly sum: number;
  readonly min: number;
  readonly max: number;
  /** [bucket index, count] for every non-empty bucket. */
  readonly buckets: readonly (readonly [number, number])[];
}

export class LatencyHistogram {
  private readonly buckets = new Uint32Array(HISTOGRAM_BUCKETS);
  count = 0;
  private sum = 0;
  private lo = Infinity;
  private hi = -Infinity;

  record(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) return;
    this.buckets[bucketOf(ms)]!++;
    this.count++;
    this.sum += ms;
    if (ms < this.lo) this.lo = ms;
    if (ms > this.hi) this.hi = ms;
  }

  /** The value at or below which `q` (0–1) of the recorded values lie: a bucket's upper edge, kept within [min, max]. */
  quantile(q: number): number {
    if (this.count === 0) return 0;
    const rank = Math.max(1, Math.ceil(q * this.count));
    let seen = 0;
    for (let i = 0; i < this.buckets.length; i++) {
      seen += this.buckets[i]!;
      if (seen >= rank) return Math.min(this.hi, Math.max(this.lo, upperEdge(i)));
    }
    return this.hi;
  }

  merge(other: LatencyHistogram): void {
    for (let i = 0; i < this.buckets.length; i++) this.buckets[i]! += other.buckets[i]!;
    this.count += other.count;
    this.sum += other.sum;
    this.lo = Math.min(this.lo, other.lo);
    this.hi = Math.max(this.hi, other.hi);
  }

  state(): HistogramState {
    const buckets: [number, number][] = [];
    for (let i = 0; i < this.buckets.length; i++) if (this.buckets[i]) buckets.push([i, this.buckets[i]!]);
    return { count: this.count, sum: this.sum, min: this.lo, max: this.hi, buckets };
  }

  /** Adds what another histogram's `state()` holds, as `merge` does for a histogram in this process. */
  absorb(st: HistogramState): void {
    for (const [i, n] of st.buckets) if (Number.isInteger(i) && i >= 0 && i < this.buckets.length) this.buckets[i]! += n;
    this.count += st.count;
    this.sum += st.sum;
    // JSON turns ±Infinity (an empty histogram's bounds) into null: only real bounds count.
    if (typeof st.min === 'number') this.lo = Math.min(this.lo, st.min);
    if (typeof st.max === 'number') this.hi = Math.max(this.hi, st.max);
  }

  summary(): Percentiles {
    if (this.count === 0) return { count: 0, min: 0, p50: 0, p95: 0, p99: 0, max: 0, mean: 0 };
    return { count: this.count, min: this.lo, p50: this.quantile(0.5), p95: this.quantile(0.95), p99: this.quantile(0.99), max: this.hi, mean: this.sum / this.count };
  }
}

function bucketOf(ms: number): number {
  if (ms <= LOWEST_MS) return 0;
  return Math.min(HISTOGRAM_BUCKETS - 1, Math.ceil(Math.log(ms / LOWEST_MS) / LOG_GROWTH));
}

function upperEdge(i: number): number {
  return LOWEST_MS * GROWTH ** i;
}
