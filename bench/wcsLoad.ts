/**
 * The WCS mock driving hooks at a backend: `runScenario('keep-alive')` — each session connects, publishes,
 * sends two keep-alive rounds, unpublishes and disconnects — with many sessions at once, against our server
 * and against the bare echo server, each backend in its own process and the WCS mock in another.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { buildServers, bundlePath } from './lib/build';
import { contenders, HOOK_PATH } from './lib/contenders';
import { cpuUsOf, ROOT } from './lib/proc';
import type { Loadgen } from './lib/loadgen';
import { round } from './lib/stats';

export interface WcsLoadRow {
  /** Which run (a key of RUNS): `bare` is the load source at its steady state against the bare echo. */
  id?: string;
  backend: string;
  sessionsPerS?: number;
  hooksPerS?: number;
  /** CPU (user + system) of the load source per session and per hook: what the tool itself costs. */
  cpuUsPerSession?: number;
  cpuUsPerHook?: number;
  /** CPU of the backend's process per hook over the same run (from /proc), warm-up included. */
  backendCpuUsPerHook?: number;
  hooks?: number;
  failed?: number;
  note?: string;
  unavailable?: string;
}

export interface IdleSessionsResult {
  sessions: number;
  live: number;
  openSeconds: number;
  keepAliveMs: number;
  windowMs: number;
  keepAliveDue: number;
  keepAliveHooks: number;
  keepAliveErrors: number;
  heapPerSessionBytes: number;
  heapMB: { before: number; open: number; afterKeepAlives: number };
  rssMB: { before: number; open: number; afterKeepAlives: number };
}

export interface WcsLoadResult {
  scenario: string;
  sessions: number;
  /** Sessions run first in each load-source process and not counted. */
  warmupSessions: number;
  concurrency: number;
  /**
   * The bare echo under autocannon in this section (same process, same body as the keep-alive hook): the
   * yardstick for "hooks/s as a share of what the backend could take".
   */
  bareAutocannon?: { rps: number; body: string; connections: number; durationS: number };
  results: WcsLoadRow[];
  /** Many sessions held open with periodic StreamKeepAliveEvents (bench/sessions.ts), against the bare echo. */
  idle?: IdleSessionsResult;
}

interface ChildResult {
  sessions: number;
  completed: number;
  refused: number;
  hooks: number;
  hookErrors: number;
  seconds: number;
  sessionsPerS: number;
  hooksPerS: number;
  cpuUsPerSession: number;
  cpuUsPerHook: number;
  errors: string[];
  stopped: string[];
}

/**
 * Runs `node <args>` with stdout on a pipe and resolves with its output parsed as JSON: the last line, or with
 * `whole` all of it (`trigger --json` pretty-prints). Bounded: a backend that stops answering must not hang
 * the bench.
 */
function jsonChild<T>(args: string[], what: string, whole = false): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 180_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`${what} exited with ${code}`));
      try {
        resolve(JSON.parse(whole ? out : out.trim().split('\n').at(-1)!) as T);
      } catch (err) {
        reject(err);
      }
    });
  });
}

async function drive(scenario: string, url: string, sessions: number, concurrency: number, warmup: number, transport: 'pool' | 'fetch' = 'pool'): Promise<ChildResult> {
  // From a bundle, as the CLI runs: no TypeScript loader in the measured process.
  await buildServers();
  return jsonChild<ChildResult>([bundlePath('wcsLoadChild'), scenario, url, String(sessions), String(concurrency), transport, String(warmup)], 'WCS load source');
}

/**
 * The shipped CLI as a load source: `trigger keep-alive --json`, with `--workers` processes. No warm-up run
 * (trigger has none), the same for one worker and two, so the two rows compare like with like.
 */
async function driveCli(url: string, sessions: number, concurrency: number, workers: number): Promise<ChildResult> {
  const args = [path.join(ROOT, 'bin/wcs-hook-mock.js'), 'trigger', 'keep-alive', '--backend', url, '--sessions', String(sessions), '--concurrency', String(concurrency), '--workers', String(workers), '--json'];
  const r = await jsonChild<{ sessions: number; completed: number; refused: number; hooks: number; hookErrors: number; durationMs: number; errors: string[]; stopped: string[]; loadSource: { cpuPercent: number } }>(
    args,
    `trigger --workers ${workers}`,
    true,
  );
  const seconds = r.durationMs / 1000;
  const cpuUs = (r.loadSource.cpuPercent / 100) * r.durationMs * 1000;
  return {
    sessions: r.sessions, completed: r.completed, refused: r.refused, hooks: r.hooks, hookErrors: r.hookErrors, seconds,
    sessionsPerS: r.completed / seconds, hooksPerS: r.hooks / seconds, cpuUsPerSession: cpuUs / r.sessions, cpuUsPerHook: cpuUs / Math.max(1, r.hooks),
    errors: r.errors, stopped: r.stopped,
  };
}

function idleSessions(url: string, sessions: number, keepAliveMs: number): Promise<IdleSessionsResult> {
  return jsonChild<IdleSessionsResult>(['--expose-gc', bundlePath('sessions'), url, String(sessions), String(keepAliveMs), '2'], 'idle sessions');
}

/** Run ids: the backend and how the load source sends hooks (the pooled default, or fetch as before). */
const RUNS = {
  ours: { backend: 'ours', transport: 'pool', label: 'wcs-hook-mock (echo rules)' },
  bare: { backend: 'bare', transport: 'pool', label: 'bare node:http echo' },
  'bare-fetch': { backend: 'bare', transport: 'fetch', label: 'bare node:http echo, hooks sent with fetch (before the pool)' },
  'trigger-1': { backend: 'bare', transport: 'cli-1', label: 'bare node:http echo, `trigger` CLI, 1 process, cold' },
  'trigger-2': { backend: 'bare', transport: 'cli-2', label: 'bare node:http echo, `trigger --workers 2`, cold' },
} as const;

export async function runWcsLoad(o: { quick: boolean; log: (l: string) => void; body?: string; idleSessions?: number; loadgen?: Loadgen }): Promise<WcsLoadResult> {
  const scenario = 'keep-alive';
  const sessions = o.quick ? 2000 : 5000;
  // Measured: a process keeps getting faster for its first ~10,000 sessions (the JIT's later tiers); 500 left
  // the counted run half warm (1,500 µs per session against ~1,050 at round 6 of 8 × 2,500).
  const warmupSessions = o.quick ? 1000 : 5000;
  const concurrency = 50;
  const all = contenders(o.body ?? '{}');
  const results: WcsLoadRow[] = [];
  await buildServers();
  const runs = new Map<keyof typeof RUNS, ChildResult[]>();
  const backendCpu = new Map<keyof typeof RUNS, number[]>();
  let bareAutocannon: WcsLoadResult['bareAutocannon'];
  // Alternating so that drift does not favour one; each row is the mean of its runs.
  const order: (keyof typeof RUNS)[] = ['bare', 'ours', 'bare-fetch', 'ours', 'bare', 'trigger-1', 'trigger-2', ...(o.quick ? [] : (['trigger-1', 'trigger-2'] as const))];
  for (const id of order) {
    const run = RUNS[id];
    const c = all.find((x) => x.id === run.backend)!;
    const server = await c.start('');
    try {
      const appUrl = server.url.slice(0, -HOOK_PATH.length) + '/EchoApp';
      // fetch costs ~20× the pool per hook: a tenth of the sessions says as much, in a tenth of the time.
      const n = run.transport === 'fetch' ? Math.ceil(sessions / 10) : sessions;
      const cli = run.transport === 'cli-1' ? 1 : run.transport === 'cli-2' ? 2 : 0;
      const warm = run.transport === 'fetch' ? concurrency : cli ? 0 : warmupSessions;
      const cpu0 = cpuUsOf(server.child.pid);
      const r = cli ? await driveCli(appUrl, n, concurrency, cli) : await drive(scenario, appUrl, n, concurrency, warm, run.transport as 'pool' | 'fetch');
      const cpu1 = cpuUsOf(server.child.pid);
      (runs.get(id) ?? runs.set(id, []).get(id)!).push(r);
      // The warm-up's hooks went to the same backend: charge its CPU over both runs' hooks.
      if (cpu0 !== undefined && cpu1 !== undefined && r.hooks > 0) (backendCpu.get(id) ?? backendCpu.set(id, []).get(id)!).push((cpu1 - cpu0) / (r.hooks * (1 + warm / n)));
      o.log(`  ${id}: ${r.completed}/${r.sessions} sessions in ${r.seconds.toFixed(1)} s → ${r.sessionsPerS.toFixed(0)} sessions/s, ${r.hooksPerS.toFixed(0)} hooks/s, ${r.cpuUsPerSession.toFixed(0)} µs CPU per session${r.errors.length ? `; errors: ${r.errors.join('; ')}` : ''}`);
      if (id === 'bare' && o.loadgen && !bareAutocannon) {
        // The yardstick, on the same bare server: autocannon posting the keep-alive hook's body.
        const job = { url: server.url, body: o.body ?? '{}', connections: 50, durationS: o.quick ? 3 : 5 };
        await o.loadgen.run({ ...job, durationS: 1 });
        const a = await o.loadgen.run(job);
        bareAutocannon = { rps: Math.round(a.rps), body: `${Buffer.byteLength(job.body)} bytes`, connections: job.connections, durationS: job.durationS };
        o.log(`  bare under autocannon: ${bareAutocannon.rps} req/s`);
      }
    } finally {
      await server.stop();
    }
  }
  for (const id of Object.keys(RUNS) as (keyof typeof RUNS)[]) {
    const rs = runs.get(id);
    if (!rs) continue;
    const mean = (f: (r: ChildResult) => number) => round(rs.map(f).reduce((a, b) => a + b, 0) / rs.length, 1);
    results.push({
      id,
      backend: RUNS[id].label,
      sessionsPerS: mean((r) => r.sessionsPerS),
      hooksPerS: round(mean((r) => r.hooksPerS), 0),
      cpuUsPerSession: round(mean((r) => r.cpuUsPerSession), 0),
      cpuUsPerHook: mean((r) => r.cpuUsPerHook),
      backendCpuUsPerHook: backendCpu.get(id)?.length ? round(backendCpu.get(id)!.reduce((a, b) => a + b, 0) / backendCpu.get(id)!.length, 1) : undefined,
      hooks: rs[0]!.hooks,
      failed: rs.reduce((s, r) => s + (r.sessions - r.completed - r.refused), 0),
      note: `mean of ${rs.length} run${rs.length > 1 ? 's' : ''}${rs.some((r) => r.hookErrors) ? `; ${rs.reduce((s, r) => s + r.hookErrors, 0)} hook errors` : ''}`,
    });
  }
  let idle: IdleSessionsResult | undefined;
  const n = o.idleSessions ?? (o.quick ? 1000 : 10_000);
  if (n > 0) {
    const bare = await all.find((x) => x.id === 'bare')!.start('');
    try {
      idle = await idleSessions(bare.url.slice(0, -HOOK_PATH.length) + '/EchoApp', n, 5000);
      o.log(`  ${n} idle sessions: opened in ${idle.openSeconds.toFixed(1)} s, ${(idle.heapPerSessionBytes / 1024).toFixed(1)} KiB of heap each, ${idle.keepAliveHooks}/${idle.keepAliveDue} keep-alives in ${idle.windowMs / 1000} s`);
    } finally {
      await bare.stop();
    }
  }
  return { scenario, sessions, warmupSessions, concurrency, bareAutocannon, results, idle };
}
