/**
 * Auto-echo throughput and latency, side by side: every contender runs in its own process for the whole
 * section, each of its runs is sandwiched between two runs of the bare server, and the order rotates every
 * round so that drift in the machine (other load, JIT warm-up) does not favour whoever goes first. Medians
 * over rounds.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { contenders, type Running } from './lib/contenders';
import type { Loadgen } from './lib/loadgen';
import type { LoadResult } from './lib/protocol';
import { cpuUsOf, rssOf, sleep } from './lib/proc';
import { median, mb, round } from './lib/stats';

export interface ThroughputOptions {
  body: string;
  connections: number;
  rounds: number;
  durationS: number;
  warmupS: number;
  only?: string[];
  /** A commit whose version of our server runs as one more contender. */
  baseline?: string;
  /** The hook path posted to (default: the StreamKeepAliveEvent echo path). */
  hookPath?: string;
  log: (line: string) => void;
}

export interface ContenderResult {
  id: string;
  label: string;
  how: string;
  /** Why there is no number (not installed, did not start, did not echo). */
  unavailable?: string;
  echo?: 'byte-exact' | 'json-equal' | 'wrong';
  rps?: number;
  p50Ms?: number;
  p99Ms?: number;
  /** Median over rounds of the ratio to the mean of the two bare runs around this contender's run. */
  rpsRatio?: number;
  p50Ratio?: number;
  p99Ratio?: number;
  pairedRpsRatios?: number[];
  /** Per-round figures, to see the spread behind the medians. */
  rounds?: Array<{ rps: number; p50: number; p99: number; errors: number; non2xx: number }>;
  errors?: number;
  non2xx?: number;
  rssMB?: number;
  /**
   * CPU time (user + system, all threads) the server process used per answered request, median over rounds:
   * what a hook costs, independent of whether the server or the generator was the bottleneck.
   */
  cpuUsPerRequest?: number;
  /**
   * For a server whose log the bench reads from a pipe: exchange lines read, the last exchange id among them,
   * and the responses the load generator counted (it does not count requests in flight when a run ends, so
   * `answered` ≤ `lines`). No line was lost when `lines` equals `lastId`.
   */
  log?: { lines: number; lastId: number; answered: number; lost: number };
}

async function echoFidelity(url: string, body: string): Promise<ContenderResult['echo']> {
  const r = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
  const text = await r.text();
  if (r.status !== 200) return 'wrong';
  if (text === body) return 'byte-exact';
  try {
    return JSON.stringify(JSON.parse(text)) === JSON.stringify(JSON.parse(body)) ? 'json-equal' : 'wrong';
  } catch {
    return 'wrong';
  }
}

export async function runThroughput(loadgen: Loadgen, o: ThroughputOptions): Promise<ContenderResult[]> {
  const work = mkdtempSync(path.join(os.tmpdir(), 'wcs-bench-'));
  const results: ContenderResult[] = [];
  const running: Running[] = [];
  /** Responses the load generator counted per server, echo check included. */
  const answered = new Map<string, number>();
  const count = (id: string, n: number) => answered.set(id, (answered.get(id) ?? 0) + n);
  try {
    for (const c of contenders(o.body, o.baseline, o.hookPath)) {
      if (o.only && !o.only.includes(c.id) && !(c.id.startsWith('baseline') && o.only.includes('baseline'))) continue;
      if (c.optIn && !o.only?.includes(c.id)) continue;
      const res: ContenderResult = { id: c.id, label: c.label, how: c.how };
      results.push(res);
      try {
        const r = await c.start(work);
        res.echo = await echoFidelity(r.url, o.body);
        count(r.id, 1);
        if (res.echo === 'wrong') {
          res.unavailable = 'started, but does not echo the body';
          await r.stop();
          continue;
        }
        running.push(r);
        o.log(`  ${c.label}: started (pid ${r.child.pid}), echo ${res.echo}`);
      } catch (err) {
        res.unavailable = `could not start: ${(err as Error).message}`;
        o.log(`  ${c.label}: ${res.unavailable}`);
      }
    }
    const job = (r: Running, durationS: number) => ({ url: r.url, body: o.body, connections: o.connections, durationS });
    // With two cores, one for the load generator and one for the server under test, an idle contender's
    // background work (a JVM's compiler and GC threads, timers) would be charged to whoever runs; so every
    // contender but the one under load is paused (SIGSTOP) and resumed for its turn.
    const turn = async <T>(r: Running, fn: () => Promise<T>): Promise<T> => {
      r.child.kill('SIGCONT');
      await sleep(100);
      try {
        return await fn();
      } finally {
        r.child.kill('SIGSTOP');
      }
    };
    for (const r of running) r.child.kill('SIGSTOP');
    for (const r of running) {
      o.log(`  warm-up ${r.id} ${o.warmupS}s`);
      count(r.id, (await turn(r, () => loadgen.run(job(r, o.warmupS)))).requests);
    }
    const perServer = new Map<string, LoadResult[]>();
    /** Each contender's figures divided by those of the bare runs around it. */
    const ratios = new Map<string, Array<{ rps: number; p50: number; p99: number }>>();
    const bareRun = running.find((r) => r.id === 'bare');
    const others = running.filter((r) => r !== bareRun);
    const cpuPerRequest = new Map<string, number[]>();
    const measure = async (r: Running, label: string): Promise<LoadResult> => {
      const cpu0 = cpuUsOf(r.child.pid);
      const res = await turn(r, () => loadgen.run(job(r, o.durationS)));
      const cpu1 = cpuUsOf(r.child.pid);
      count(r.id, res.requests);
      if (cpu0 !== undefined && cpu1 !== undefined && res.requests > 0) {
        (cpuPerRequest.get(r.id) ?? cpuPerRequest.set(r.id, []).get(r.id)!).push((cpu1 - cpu0) / res.requests);
      }
      (perServer.get(r.id) ?? perServer.set(r.id, []).get(r.id)!).push(res);
      o.log(`  ${label} ${r.id.padEnd(20)} ${Math.round(res.rps).toString().padStart(6)} req/s  p50 ${res.p50.toFixed(2)} ms  p99 ${res.p99.toFixed(2)} ms${res.errors || res.non2xx ? `  errors ${res.errors} non-2xx ${res.non2xx}` : ''}`);
      // Let the sockets settle before the next run.
      await sleep(200);
      return res;
    };
    // On a small shared machine the background load drifts from one run to the next, so a ratio of two
    // medians taken minutes apart says little. Each contender's run is therefore sandwiched between two bare
    // runs (bare, X, bare, Y, bare, …) and its ratio is to the mean of those two; the reported ratio is the
    // median over rounds. The contenders' order rotates every round and reverses every other round.
    for (let rnd = 0; rnd < o.rounds; rnd++) {
      const shift = others.length ? rnd % others.length : 0;
      let order = [...others.slice(shift), ...others.slice(0, shift)];
      if (rnd % 2 === 1) order = order.reverse();
      const label = `round ${rnd + 1}/${o.rounds}`;
      if (!bareRun) {
        for (const r of order) await measure(r, label);
        continue;
      }
      let before = await measure(bareRun, label);
      for (const r of order) {
        const x = await measure(r, label);
        const after = await measure(bareRun, label);
        if (x.requests > 0 && before.requests > 0 && after.requests > 0) {
          const base = (k: 'rps' | 'p50' | 'p99') => (before[k] + after[k]) / 2;
          (ratios.get(r.id) ?? ratios.set(r.id, []).get(r.id)!).push({ rps: x.rps / base('rps'), p50: x.p50 / base('p50'), p99: x.p99 / base('p99') });
        }
        before = after;
      }
    }
    for (const res of results) {
      const list = perServer.get(res.id);
      if (!list) continue;
      if (list.some((l) => l.requests === 0)) {
        // e.g. a response without a length on a keep-alive connection: the client never sees it end
        res.unavailable = `no complete response in at least one round (${list.map((l) => l.requests).join(', ')} responses)`;
        continue;
      }
      res.rounds = list.map((l) => ({ rps: round(l.rps, 0), p50: round(l.p50, 3), p99: round(l.p99, 3), errors: l.errors, non2xx: l.non2xx }));
      res.rps = round(median(list.map((l) => l.rps)), 0);
      res.p50Ms = round(median(list.map((l) => l.p50)), 3);
      res.p99Ms = round(median(list.map((l) => l.p99)), 3);
      res.errors = list.reduce((s, l) => s + l.errors + l.timeouts, 0);
      res.non2xx = list.reduce((s, l) => s + l.non2xx, 0);
      res.rssMB = mb(rssOf(running.find((r) => r.id === res.id)?.child.pid));
      const cpu = cpuPerRequest.get(res.id);
      if (cpu?.length) res.cpuUsPerRequest = round(median(cpu), 1);
      if (res.id === 'bare') {
        res.rpsRatio = 1;
        res.p50Ratio = 1;
        res.p99Ratio = 1;
      }
      const paired = ratios.get(res.id);
      if (paired?.length) {
        res.rpsRatio = round(median(paired.map((p) => p.rps)), 3);
        res.p50Ratio = round(median(paired.map((p) => p.p50)), 2);
        res.p99Ratio = round(median(paired.map((p) => p.p99)), 2);
        res.pairedRpsRatios = paired.map((p) => round(p.rps, 3));
      }
    }
    return results;
  } finally {
    for (const r of running) r.child.kill('SIGCONT');
    await Promise.all(running.map((r) => r.stop()));
    for (const r of running) {
      const log = r.log?.();
      const res = results.find((x) => x.id === r.id);
      if (log && res) {
        res.log = { lines: log.lines, lastId: log.lastId, answered: answered.get(r.id) ?? 0, lost: Math.max(0, log.lastId - log.lines) };
        // The count is the report's note under the table (and a target); printed here too it read as a repeat,
        // so during the run only a loss gets a line.
        if (res.log.lost) o.log(`  ${r.id}: ${res.log.lost} LOG LINES LOST (${log.lines} exchange lines read from its stdout, last id #${log.lastId})`);
      }
    }
    rmSync(work, { recursive: true, force: true });
  }
}
