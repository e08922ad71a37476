/** The latency histogram: percentiles within its stated 1 % of the exact ones, bounded memory. */
import { strict as assert } from 'node:assert';
import { HISTOGRAM_BUCKETS, LatencyHistogram } from '../../../mock-server/load';

function exact(sorted: number[], q: number): number {
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!;
}

describe('latency histogram', () => {
  it('p50/p95/p99 of 1..1000 ms are within 1 % of the exact values; min and max are exact', () => {
    const h = new LatencyHistogram();
    for (let i = 1000; i >= 1; i--) h.record(i);
    const s = h.summary();
    assert.equal(s.count, 1000);
    assert.equal(s.min, 1);
    assert.equal(s.max, 1000);
    assert.equal(s.mean, 500.5);
    for (const [got, want] of [[s.p50, 500], [s.p95, 950], [s.p99, 990]] as const) {
      assert.ok(Math.abs(got - want) / want <= 0.01, `${got} vs ${want}`);
    }
  });

  it('a skewed, random sample: every percentile within 1 % of the exact one', () => {
    const h = new LatencyHistogram();
    const values: number[] = [];
    let seed = 42;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let i = 0; i < 20_000; i++) {
      // Mostly fast answers, a tail of slow ones: what a struggling backend looks like.
      const v = rand() < 0.97 ? 0.2 + rand() * 5 : 200 + rand() * 14_000;
      values.push(v);
      h.record(v);
    }
    values.sort((a, b) => a - b);
    for (const q of [0.5, 0.9, 0.95, 0.99, 0.999]) {
      const want = exact(values, q);
      const got = h.quantile(q);
      assert.ok(Math.abs(got - want) / want <= 0.01, `q${q}: ${got} vs ${want}`);
    }
  });

  it('one value, no values, out-of-range values', () => {
    const empty = new LatencyHistogram().summary();
    assert.deepEqual(empty, { count: 0, min: 0, p50: 0, p95: 0, p99: 0, max: 0, mean: 0 });
    const one = new LatencyHistogram();
    one.record(7.5);
    assert.deepEqual([one.quantile(0.5), one.quantile(0.99)], [7.5, 7.5]);
    const odd = new LatencyHistogram();
    odd.record(NaN);
    odd.record(-1);
    assert.equal(odd.count, 0, 'not a duration: not recorded');
    odd.record(0);
    odd.record(10 * 3_600_000);
    assert.equal(odd.summary().max, 10 * 3_600_000, 'beyond the last bucket: max stays exact');
    assert.ok(odd.quantile(0.5) <= 0.001, 'below the first bucket: at most its edge, 1 µs');
  });

  it('merging two histograms gives the histogram of all values', () => {
    const a = new LatencyHistogram();
    const b = new LatencyHistogram();
    const all = new LatencyHistogram();
    for (let i = 1; i <= 500; i++) {
      a.record(i);
      all.record(i);
      b.record(i * 3);
      all.record(i * 3);
    }
    a.merge(b);
    assert.deepEqual(a.summary(), all.summary());
  });

  it('has a fixed number of buckets (the memory bound in docs/load-testing.md)', () => {
    assert.equal(HISTOGRAM_BUCKETS, 2213);
  });
});
