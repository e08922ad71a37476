/**
 * The WCS mock driving hooks at a backend: `runScenario('keep-alive')` — each session connects, publishes,
 * sends two keep-alive rounds, unpublishes and disconnects — with many sessions at once, against our server
 * and against the bare echo server, each backend in its own process and the WCS mock in another.
 */
import { spawn } from 'node:child_process';
import { buildServers, bundlePath } from './lib/build';
import { contenders, HOOK_PATH } from './lib/contenders';
import { ROOT } from './lib/proc';
import { round } from './lib/stats';

export interface WcsLoadRow {
  backend: string;
  sessionsPerS?: number;
  hooksPerS?: number;
  hooks?: number;
  failed?: number;
  note?: string;
  unavailable?: string;
}

export interface WcsLoadResult {
  scenario: string;
  sessions: number;
  concurrency: number;
  results: WcsLoadRow[];
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
  errors: string[];
  stopped: string[];
}

async function drive(scenario: string, url: string, sessions: number, concurrency: number, execArgv: string[] = []): Promise<ChildResult> {
  // From a bundle, as the CLI runs: no TypeScript loader in the measured process.
  await buildServers();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...execArgv, bundlePath('wcsLoadChild'), scenario, url, String(sessions), String(concurrency)], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    // Bounded: a backend that stops answering must not hang the bench.
    const timer = setTimeout(() => child.kill('SIGKILL'), 180_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`WCS load source exited with ${code}`));
      try {
        resolve(JSON.parse(out.trim().split('\n').at(-1)!) as ChildResult);
      } catch (err) {
        reject(err);
      }
    });
  });
}

export async function runWcsLoad(o: { quick: boolean; log: (l: string) => void; body?: string }): Promise<WcsLoadResult> {
  const scenario = 'keep-alive';
  const sessions = o.quick ? 300 : 1000;
  const concurrency = 50;
  const all = contenders(o.body ?? '{}');
  const results: WcsLoadRow[] = [];
  // Alternating, as in the throughput section: ours, bare, bare, ours; the medians are of two runs each.
  const runs = new Map<string, ChildResult[]>();
  for (const id of ['ours', 'bare', 'bare', 'ours']) {
    const c = all.find((x) => x.id === id)!;
    const server = await c.start('');
    try {
      const appUrl = server.url.slice(0, -HOOK_PATH.length) + '/EchoApp';
      const r = await drive(scenario, appUrl, sessions, concurrency);
      (runs.get(id) ?? runs.set(id, []).get(id)!).push(r);
      o.log(`  ${id}: ${r.completed}/${r.sessions} sessions in ${r.seconds.toFixed(1)} s → ${r.sessionsPerS.toFixed(0)} sessions/s, ${r.hooksPerS.toFixed(0)} hooks/s${r.errors.length ? `; errors: ${r.errors.join('; ')}` : ''}`);
    } finally {
      await server.stop();
    }
  }
  for (const id of ['ours', 'bare']) {
    const rs = runs.get(id)!;
    const best = (f: (r: ChildResult) => number) => round(rs.map(f).reduce((a, b) => a + b, 0) / rs.length, 1);
    results.push({
      backend: id === 'ours' ? 'wcs-hook-mock (echo rules)' : 'bare node:http echo',
      sessionsPerS: best((r) => r.sessionsPerS),
      hooksPerS: round(best((r) => r.hooksPerS), 0),
      hooks: rs[0]!.hooks,
      failed: rs.reduce((s, r) => s + (r.sessions - r.completed - r.refused), 0),
      note: `mean of ${rs.length} runs${rs.some((r) => r.hookErrors) ? `; ${rs.reduce((s, r) => s + r.hookErrors, 0)} hook errors` : ''}`,
    });
  }
  return { scenario, sessions, concurrency, results };
}
