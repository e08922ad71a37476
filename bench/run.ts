/**
 * `npm run bench`: throughput against the bare server and published peers, memory over a million hooks, the UI
 * model under a flood, the WCS mock as a load source, and a CPU profile of our server. Prints a table, writes
 * bench/results.json, and after a full run also bench/last-results.json and bench/RESULTS.md (committed).
 *
 *   npm run bench -- --quick                 short rounds, fewer hooks (minutes → about one)
 *   npm run bench -- --only serve            one section only (any section name; no committed copies)
 *   npm run bench -- --only=ours,bare        throughput for some servers only (no committed copies)
 *   npm run bench -- --sections=throughput,profile
 *   npm run bench -- --sections=throughput --only=ours,baseline,bare --baseline=b68c02f   (a change's gain)
 *
 * Everything binds and targets 127.0.0.1; every load is bounded by a duration or a request count.
 */
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HOOK_PATH, PEERS_DIR, peerInstalled } from './lib/contenders';
import { Loadgen } from './lib/loadgen';
import { machineFacts, type MachineFacts } from './lib/machine';
import { ROOT } from './lib/proc';
import { renderMarkdown, renderText } from './lib/report';
import { runMemory, type MemoryResult } from './memory';
import { runProfile, type ProfileSummary } from './profile';
import { runThroughput, type ContenderResult } from './throughput';
import { runWcsLoad, type WcsLoadResult } from './wcsLoad';

export interface FloodResult {
  rate: number;
  seconds: number;
  hooks: number;
  achievedRate: number;
  eldP50Ms: number;
  eldP99Ms: number;
  eldMaxMs: number;
  notifications: number;
  nodesReported: number;
  rootRefreshes: number;
  batchMs: number;
  stats: { exchanges: number; batches: number; evicted: number };
}

export interface Target {
  name: string;
  met: boolean;
  actual: string;
}

export interface BenchResults {
  machine: MachineFacts;
  quick: boolean;
  throughput?: { path: string; connections: number; rounds: number; durationS: number; warmupS: number; results: ContenderResult[] };
  /** The CLI as users run it (`serve`, log read from a pipe) beside the bare echo, with `OnCallEvent`. */
  serve?: { path: string; bodyBytes: number; connections: number; rounds: number; durationS: number; warmupS: number; results: ContenderResult[] };
  memory?: MemoryResult;
  flood?: FloodResult;
  wcs?: WcsLoadResult;
  profile?: ProfileSummary[];
  targets: Target[];
  failures: string[];
}

const ALL_SECTIONS = ['serve', 'throughput', 'memory', 'flood', 'wcs', 'profile'] as const;
type SectionName = (typeof ALL_SECTIONS)[number];

/** The CLI section's hook: WCS's OnCallEvent, compact (358 bytes), to the path of a REST app named my_api. */
const SERVE_PATH = '/rest/my_api/OnCallEvent';

function parseArgs(argv: string[]) {
  // `--name=value` or `--name value`.
  const get = (name: string) => {
    const eq = argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
    if (eq !== undefined) return eq;
    const at = argv.indexOf(`--${name}`);
    return at >= 0 && argv[at + 1] && !argv[at + 1]!.startsWith('--') ? argv[at + 1] : undefined;
  };
  const quick = argv.includes('--quick');
  // `--only` takes section names and throughput contender ids alike: `--only serve`, `--only=ours,bare`.
  const onlyAll = get('only')?.split(',');
  const onlySections = onlyAll?.filter((x) => (ALL_SECTIONS as readonly string[]).includes(x)) as SectionName[] | undefined;
  const sections = (get('sections')?.split(',') ?? (onlySections?.length ? onlySections : [...ALL_SECTIONS])) as SectionName[];
  for (const s of sections) if (!ALL_SECTIONS.includes(s)) throw new Error(`unknown section ${s} (${ALL_SECTIONS.join(', ')})`);
  const onlyIds = onlyAll?.filter((x) => !(ALL_SECTIONS as readonly string[]).includes(x));
  const only = onlyIds?.length ? onlyIds : undefined;
  return {
    quick,
    sections,
    only,
    partial: quick || !!onlyAll || sections.length !== ALL_SECTIONS.length || !!get('baseline'),
    rounds: Number(get('rounds') ?? (quick ? 2 : 5)),
    durationS: Number(get('duration') ?? (quick ? 2 : 4)),
    warmupS: quick ? 1 : 4,
    connections: 50,
    checkpoints: quick ? [20_000, 50_000, 100_000] : [100_000, 500_000, 1_000_000],
    floodSeconds: quick ? 3 : 10,
    installPeers: !argv.includes('--no-install'),
    baseline: get('baseline'),
    /** Sessions held open in the wcs section (0 skips that part). */
    idleSessions: get('idle-sessions') === undefined ? undefined : Number(get('idle-sessions')),
  };
}

function ensurePeers(log: (l: string) => void): void {
  const missing = ['mockttp', '@mockoon/cli', 'wiremock'].filter((p) => !peerInstalled(p));
  if (missing.length === 0) return;
  log(`installing bench peers into ${path.relative(ROOT, PEERS_DIR)} (missing: ${missing.join(', ')})`);
  try {
    execFileSync('bash', [path.join(ROOT, 'bench/peers/install.sh')], { stdio: 'inherit', cwd: ROOT });
  } catch {
    log('some peers could not be installed; their rows will say so');
  }
}

function runFlood(rate: number, seconds: number): Promise<FloodResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench/flood.ts'), String(rate), String(seconds)], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`flood exited with ${code}`));
      try {
        resolve(JSON.parse(out.trim().split('\n').at(-1)!) as FloodResult);
      } catch (err) {
        reject(err);
      }
    });
  });
}

function evaluate(r: BenchResults): Target[] {
  const t: Target[] = [];
  const cli = r.serve?.results.find((x) => x.id === 'serve');
  const cliBare = r.serve?.results.find((x) => x.id === 'bare');
  if (cli?.rps && cliBare?.rps) {
    t.push({
      name: '`serve` (CLI, log read from a pipe) ≥ 0.85× bare',
      met: cli.rpsRatio! >= 0.85,
      actual: `${cli.rpsRatio}× paired; medians ${cli.rps} vs ${cliBare.rps} req/s (${(cli.rps / cliBare.rps).toFixed(2)}×)`,
    });
    t.push({ name: '`serve` p99 ≤ 2× bare p99', met: cli.p99Ratio! <= 2, actual: `${cli.p99Ratio}× (${cli.p99Ms} vs ${cliBare.p99Ms} ms)` });
    if (cli.log) {
      t.push({
        name: '`serve`: one log line per exchange, none lost',
        met: cli.log.lost === 0 && cli.log.lines >= cli.log.answered,
        actual: `${cli.log.lines} lines read, last id #${cli.log.lastId}, ${cli.log.answered} responses counted`,
      });
    }
    t.push({ name: '`serve`: every request answered 200', met: !cli.errors && !cli.non2xx, actual: `${cli.errors ?? 0} errors, ${cli.non2xx ?? 0} non-2xx` });
  }
  const rows = r.throughput?.results;
  const ours = rows?.find((x) => x.id === 'ours');
  const bare = rows?.find((x) => x.id === 'bare');
  if (ours?.rps && bare?.rps) {
    t.push({
      name: 'throughput ≥ 0.85× bare',
      met: ours.rpsRatio! >= 0.85,
      actual: `${ours.rpsRatio}× paired with the bare runs around it; medians ${ours.rps} vs ${bare.rps} req/s (${(ours.rps / bare.rps).toFixed(2)}×)`,
    });
    t.push({ name: 'p99 ≤ 2× bare p99', met: ours.p99Ratio! <= 2, actual: `${ours.p99Ratio}× (${ours.p99Ms} vs ${bare.p99Ms} ms)` });
    const peers = rows!.filter((x) => !['ours', 'bare', 'ours-journal1'].includes(x.id) && !x.id.startsWith('baseline'));
    const measured = peers.filter((x) => x.rps !== undefined);
    const behind = measured.filter((x) => x.rps! >= ours.rps!);
    if (peers.length) t.push({
      name: 'ahead of every peer',
      met: behind.length === 0 && measured.length > 0,
      actual:
        (behind.length ? `behind ${behind.map((x) => `${x.label} (${x.rps})`).join(', ')}` : `ahead of ${measured.map((x) => x.label).join(', ') || 'no measured peer'}`) +
        (peers.length > measured.length ? `; not measured: ${peers.filter((x) => x.rps === undefined).map((x) => x.label).join(', ')}` : ''),
    });
    t.push({ name: 'every request answered 200 during load', met: !ours.errors && !ours.non2xx, actual: `${ours.errors ?? 0} errors, ${ours.non2xx ?? 0} non-2xx` });
  }
  const bareRps = r.wcs?.bareAutocannon?.rps ?? (r.serve?.results ?? r.throughput?.results)?.find((x) => x.id === 'bare')?.rps;
  const pooled = r.wcs?.results.find((x) => x.id === 'bare' || (x.id === undefined && x.backend === 'bare node:http echo'));
  if (pooled?.hooksPerS !== undefined) {
    if (bareRps) t.push({ name: 'load source ≥ 0.3× the bare echo\'s autocannon req/s in hooks/s', met: pooled.hooksPerS >= 0.3 * bareRps, actual: `${pooled.hooksPerS} hooks/s vs ${bareRps} req/s (${(pooled.hooksPerS / bareRps).toFixed(2)}×)` });
    t.push({ name: 'load source ≥ 2,000 sessions/s (keep-alive scenario)', met: (pooled.sessionsPerS ?? 0) >= 2000, actual: `${pooled.sessionsPerS} sessions/s` });
  }
  const idle = r.wcs?.idle;
  if (idle) {
    t.push({
      name: `${idle.sessions} concurrent simulated sessions with periodic keep-alives, heap < 32 KiB per session`,
      met: idle.live === idle.sessions && idle.heapPerSessionBytes < 32 * 1024 && idle.keepAliveErrors === 0,
      actual: `${idle.live} live, ${(idle.heapPerSessionBytes / 1024).toFixed(1)} KiB each (heap ${idle.heapMB.open.toFixed(0)} MB, RSS ${idle.rssMB.open.toFixed(0)} MB), ${idle.keepAliveHooks}/${idle.keepAliveDue} keep-alives answered in ${idle.windowMs / 1000} s`,
    });
  }
  if (r.memory) {
    const last = r.memory.points.at(-1)!;
    t.push({ name: `RSS after ${last.hooks} hooks < 150 MB`, met: last.rssMB < 150, actual: `${last.rssMB} MB` });
    // Flat: past the cap, the live heap may wobble with V8's bookkeeping, not grow with the hook count.
    t.push({ name: 'journal memory flat past the cap (heap growth < 5 MB)', met: r.memory.heapGrowthMB < 5, actual: `${r.memory.heapGrowthMB} MB from ${r.memory.points[0]!.hooks} to ${last.hooks} hooks` });
  }
  if (r.flood) {
    const f = r.flood;
    t.push({ name: 'UI model: event-loop delay max < 50 ms', met: f.eldMaxMs < 50, actual: `max ${f.eldMaxMs.toFixed(1)} ms, p99 ${f.eldP99Ms.toFixed(1)} ms` });
    t.push({ name: 'UI model: change events batched', met: f.notifications * 50 < f.hooks, actual: `${f.notifications} events for ${f.hooks} hooks` });
  }
  return t;
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const log = (l: string) => process.stderr.write(l + '\n');
  const body = readFileSync(path.join(ROOT, 'test/fixtures/examples/StreamKeepAliveEvent.json'), 'utf8');
  const callBody = JSON.stringify(JSON.parse(readFileSync(path.join(ROOT, 'test/fixtures/examples/OnCallEvent.json'), 'utf8')));
  const started = Date.now();
  if (o.installPeers && o.sections.includes('throughput') && (!o.only || o.only.some((id) => ['mockttp', 'mockoon', 'wiremock', 'wiremock-nojournal'].includes(id)))) ensurePeers(log);
  const results: BenchResults = { machine: machineFacts(), quick: o.quick, targets: [], failures: [] };
  const loadgen = await Loadgen.start();
  const attempt = async (name: SectionName, fn: () => Promise<void>) => {
    if (!o.sections.includes(name)) return;
    log(`\n== ${name}`);
    try {
      await fn();
    } catch (err) {
      const msg = `${name}: ${(err as Error).stack ?? err}`;
      results.failures.push(msg);
      log(`FAILED ${msg}`);
    }
  };
  try {
    await attempt('serve', async () => {
      const baselines = o.baseline ? o.baseline.split(',').map((_, i) => (i === 0 ? 'serve-baseline' : `serve-baseline${i + 1}`)) : [];
      // Other ids named in --only (e.g. `ours`: the library server with no CLI and no log) run beside them.
      const ids = ['serve', ...baselines, ...(o.only ?? []), 'bare'];
      const res = await runThroughput(loadgen, { body: callBody, hookPath: SERVE_PATH, connections: o.connections, rounds: o.rounds, durationS: o.durationS, warmupS: o.warmupS, only: ids, baseline: o.baseline, log });
      results.serve = { path: SERVE_PATH, bodyBytes: Buffer.byteLength(callBody), connections: o.connections, rounds: o.rounds, durationS: o.durationS, warmupS: o.warmupS, results: res };
    });
    await attempt('throughput', async () => {
      const res = await runThroughput(loadgen, { body, connections: o.connections, rounds: o.rounds, durationS: o.durationS, warmupS: o.warmupS, only: o.only, baseline: o.baseline, log });
      results.throughput = { path: HOOK_PATH, connections: o.connections, rounds: o.rounds, durationS: o.durationS, warmupS: o.warmupS, results: res };
    });
    await attempt('memory', async () => {
      results.memory = await runMemory(loadgen, { body, connections: o.connections, checkpoints: o.checkpoints, log });
    });
    await attempt('flood', async () => {
      results.flood = await runFlood(10_000, o.floodSeconds);
      log(`  ${results.flood.hooks} hooks: ELD p99 ${results.flood.eldP99Ms.toFixed(2)} ms, max ${results.flood.eldMaxMs.toFixed(2)} ms, ${results.flood.notifications} change events`);
    });
    await attempt('wcs', async () => {
      results.wcs = await runWcsLoad({ quick: o.quick, log, idleSessions: o.idleSessions, loadgen, body });
    });
    await attempt('profile', async () => {
      results.profile = await runProfile(loadgen, { body, connections: o.connections, durationS: o.quick ? 3 : 10, log });
    });
  } finally {
    await loadgen.stop();
  }
  results.machine.loadAvg.end = Math.round(os.loadavg()[0]! * 100) / 100;
  results.targets = evaluate(results);
  const text = renderText(results);
  process.stdout.write(`\n${text}\n`);
  const json = JSON.stringify(results, null, 2) + '\n';
  writeFileSync(path.join(ROOT, 'bench/results.json'), json);
  if (!o.partial) {
    writeFileSync(path.join(ROOT, 'bench/last-results.json'), json);
    writeFileSync(path.join(ROOT, 'bench/RESULTS.md'), renderMarkdown(results));
  }
  log(`\nbench took ${Math.round((Date.now() - started) / 1000)} s; wrote bench/results.json${o.partial ? '' : ', bench/last-results.json, bench/RESULTS.md'}`);
  if (results.failures.length) {
    log(`sections that failed: ${results.failures.map((f) => f.split(':')[0]).join(', ')}`);
    process.exitCode = 1;
  }
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
