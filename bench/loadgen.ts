/**
 * The load generator, run as its own process so that it never shares an event loop (or a core's worth of
 * scheduling) with the server under test. It takes jobs over IPC and answers each with a `LoadResult`.
 */
import autocannon from 'autocannon';
import type { LoadJob, LoadResult, LoadgenMessage } from './lib/protocol';

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

function run(job: LoadJob): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    // autocannon's own histogram has 1 ms resolution; loopback latencies are a few ms, so keep exact samples.
    let samples = new Float64Array(1 << 16);
    let n = 0;
    const statuses: Record<string, number> = {};
    const inst = autocannon(
      {
        url: job.url,
        method: 'POST',
        body: job.body,
        headers: { 'content-type': 'application/json', ...(job.headers ?? {}) },
        connections: job.connections,
        pipelining: 1,
        ...(job.amount ? { amount: job.amount } : { duration: job.durationS }),
        timeout: 10,
      },
      (err, result) => {
        if (err) return reject(err);
        const lat = samples.subarray(0, n).sort();
        resolve({
          requests: n,
          seconds: result.duration,
          rps: n / result.duration,
          p50: percentile(lat, 50),
          p99: percentile(lat, 99),
          max: n ? lat[n - 1]! : NaN,
          errors: result.errors,
          timeouts: result.timeouts,
          non2xx: result.non2xx,
          statuses,
        });
      },
    );
    inst.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
      if (n === samples.length) {
        const bigger = new Float64Array(samples.length * 2);
        bigger.set(samples);
        samples = bigger;
      }
      samples[n++] = ms;
      statuses[status] = (statuses[status] ?? 0) + 1;
    });
  });
}

process.on('message', (msg: LoadgenMessage) => {
  if (msg.kind === 'job') {
    run(msg.job).then(
      (result) => process.send!({ kind: 'result', id: msg.id, result }),
      (err: Error) => process.send!({ kind: 'error', id: msg.id, message: String(err?.message ?? err) }),
    );
  } else if (msg.kind === 'exit') {
    process.exit(0);
  }
});
process.send!({ kind: 'ready' });
