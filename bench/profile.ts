/**
 * Where our server's time goes under the echo load: runs it with `--cpu-prof`, then summarises the profile
 * by self time per function and by area (our code, Node's HTTP stack, GC, …). The raw .cpuprofile is kept
 * for Chrome DevTools.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { bundleModules, bundlePath } from './lib/build';
import { contenders } from './lib/contenders';
import type { Loadgen } from './lib/loadgen';
import { cpuUsOf, ROOT } from './lib/proc';
import { round } from './lib/stats';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileEntry {
  fn: string;
  where: string;
  selfPct: number;
  totalPct: number;
}
export interface ProfileSummary {
  server: string;
  file: string;
  rps: number;
  /** Requests served while profiled (warm-up included). */
  requests: number;
  /** CPU time (user + system, all threads, from /proc) per request during the measured run. */
  cpuUsPerRequest: number;
  busyMs: number;
  /** Share of busy (non-idle) samples per area. */
  areas: Record<string, number>;
  topSelf: ProfileEntry[];
  /** Our own functions by inclusive time. */
  oursTotal: ProfileEntry[];
}

function area(url: string, fn: string): string {
  if (fn === '(garbage collector)') return 'GC';
  if (fn === '(program)' || fn === '(root)') return 'V8/native';
  if (url.includes('/mock-server/')) return 'ours';
  if (url.includes('node_modules/zod')) return 'zod';
  if (/^node:_http|^node:http/.test(url)) return 'node http';
  if (/^node:(net|stream|internal\/streams|internal\/stream_base)/.test(url) || url.includes('internal/streams')) return 'node net/streams';
  if (url.startsWith('node:')) return 'node other';
  if (url === '') return fn.startsWith('(') ? 'V8/native' : 'builtins (JSON, Buffer, …)';
  return 'other';
}

function short(url: string): string {
  const i = url.indexOf('/mock-server/');
  if (i >= 0) return url.slice(i + 1);
  return url.replace(/^(file:\/\/|bundle:\/).*node_modules\//, '').replace(/^bundle:\//, '');
}

/**
 * @param moduleOf maps a frame of the bundle back to its source module (`mock-server/hooks/server.ts`), so
 * the summary speaks of our files rather than of one big bundle.
 */
export function summarise(profile: CpuProfile, moduleOf: (url: string, line: number) => string | undefined = () => undefined): Omit<ProfileSummary, 'server' | 'file' | 'rps' | 'requests' | 'cpuUsPerRequest'> {
  for (const n of profile.nodes) {
    const m = moduleOf(n.callFrame.url, n.callFrame.lineNumber + 1);
    // A bundle's line numbers mean nothing in the source: keep the module, drop the line.
    if (m) n.callFrame = { ...n.callFrame, url: `bundle:/${m}`, lineNumber: -1 };
  }
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]!;
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const idle = [...byId.values()].filter((n) => n.callFrame.functionName === '(idle)').reduce((s, n) => s + (self.get(n.id) ?? 0), 0);
  const totalTime = [...self.values()].reduce((a, b) => a + b, 0);
  const busy = Math.max(1, totalTime - idle);
  const total = new Map<number, number>();
  const inclusive = (n: ProfileNode): number => {
    let t = self.get(n.id) ?? 0;
    for (const c of n.children ?? []) t += inclusive(byId.get(c)!);
    total.set(n.id, t);
    return t;
  };
  const root = profile.nodes[0]!;
  inclusive(root);
  const keyOf = (n: ProfileNode) => {
    const { functionName, url, lineNumber } = n.callFrame;
    const where = url === '' ? '(native)' : lineNumber < 0 ? short(url) : `${short(url)}:${lineNumber + 1}`;
    return `${functionName || '(anonymous)'}\t${where}`;
  };
  const selfBy = new Map<string, number>();
  const totalBy = new Map<string, number>();
  const areas: Record<string, number> = {};
  // Inclusive time per function counted once per stack (recursion must not count a frame twice).
  const walk = (n: ProfileNode, onStack: Set<string>): void => {
    const k = keyOf(n);
    const fn = n.callFrame.functionName;
    if (fn !== '(idle)') {
      selfBy.set(k, (selfBy.get(k) ?? 0) + (self.get(n.id) ?? 0));
      const a = area(n.callFrame.url, fn);
      areas[a] = (areas[a] ?? 0) + (self.get(n.id) ?? 0);
      if (!onStack.has(k)) totalBy.set(k, (totalBy.get(k) ?? 0) + total.get(n.id)!);
    }
    const next = new Set(onStack).add(k);
    for (const c of n.children ?? []) walk(byId.get(c)!, next);
  };
  walk(root, new Set());
  const entry = (k: string): ProfileEntry => {
    const [fn, where] = k.split('\t') as [string, string];
    return { fn, where, selfPct: round((100 * (selfBy.get(k) ?? 0)) / busy, 1), totalPct: round((100 * (totalBy.get(k) ?? 0)) / busy, 1) };
  };
  const topSelf = [...selfBy.entries()].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([k]) => entry(k));
  const oursTotal = [...totalBy.entries()]
    .filter(([k]) => k.includes('mock-server/'))
    .sort((a, b) => b[1] - a[1])
    .slice(0, 12)
    .map(([k]) => entry(k));
  for (const a of Object.keys(areas)) areas[a] = round((100 * areas[a]!) / busy, 1);
  delete areas['(root)'];
  return { areas, topSelf, oursTotal, busyMs: round(busy / 1000, 1) };
}

async function profileOne(
  loadgen: Loadgen,
  id: 'ours' | 'bare',
  dir: string,
  o: { body: string; connections: number; durationS: number; log: (l: string) => void },
): Promise<ProfileSummary> {
  const c = contenders(o.body).find((x) => x.id === id)!;
  const own = path.join(dir, id);
  mkdirSync(own, { recursive: true });
  const server = await c.start('', ['--cpu-prof', `--cpu-prof-dir=${own}`, '--cpu-prof-interval=200']);
  const bundle = bundlePath(id);
  const lines = bundleModules(bundle);
  const moduleOf = (url: string, line: number) => (url.endsWith(path.basename(bundle)) ? lines(line) : undefined);
  let rps: number;
  let requests = 0;
  let cpuUs: number;
  try {
    requests += (await loadgen.run({ url: server.url, body: o.body, connections: o.connections, durationS: 1 })).requests;
    const cpu0 = cpuUsOf(server.child.pid);
    const r = await loadgen.run({ url: server.url, body: o.body, connections: o.connections, durationS: o.durationS });
    cpuUs = (cpuUsOf(server.child.pid) ?? NaN) - (cpu0 ?? NaN);
    rps = r.rps;
    requests += r.requests;
    // Per request from the OS's CPU accounting over the measured run: sample-based busy time is unreliable
    // when the process is descheduled on a shared machine.
    cpuUs /= r.requests;
  } finally {
    await server.stop();
  }
  const file = readdirSync(own).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error(`no .cpuprofile written in ${own}`);
  const summary = summarise(JSON.parse(readFileSync(path.join(own, file), 'utf8')) as CpuProfile, moduleOf);
  const cpuUsPerRequest = round(cpuUs, 1);
  o.log(`  ${id}: profiled at ${Math.round(rps)} req/s, ${cpuUsPerRequest} µs CPU per request; areas: ${Object.entries(summary.areas).sort((a, b) => b[1] - a[1]).map(([a, p]) => `${a} ${p}%`).join(', ')}`);
  return { server: id, file: path.relative(ROOT, path.join(own, file)), rps: round(rps, 0), requests, cpuUsPerRequest, ...summary };
}

/** Profiles our server and, for comparison, the bare one under the same load. */
export async function runProfile(
  loadgen: Loadgen,
  o: { body: string; connections: number; durationS: number; log: (l: string) => void },
): Promise<ProfileSummary[]> {
  const dir = path.join(ROOT, 'bench/profiles');
  rmSync(dir, { recursive: true, force: true });
  return [await profileOne(loadgen, 'ours', dir, o), await profileOne(loadgen, 'bare', dir, o)];
}
