/**
 * `wcs-hook-mock trigger <scenario> --backend URL`: fires a realistic WCS hook sequence at a backend
 * through the WCS engine and prints, per session, the hooks and answers and what a WebSDK client would
 * have seen (one session: as it happens). With --sessions/--concurrency or --rate/--duration it is a load
 * test: a live progress line on a terminal, then latency percentiles per hook method and failures by kind.
 */
import { parseArgs } from 'node:util';
import { SCENARIOS, SCENARIO_SUMMARIES, isScenario } from '../wcs';
import { DEFAULT_MAX_IN_FLIGHT, LiveProgress, planShare, plannedSessions, startLoad, type LoadPlan, type LoadResult, type LoadSnapshot } from '../load';
import type { Command } from './command';
import { BACKEND_OPTIONS, BACKEND_USAGE, UsageError, backendFromFlags, isUsageError, parseFarEnd, positiveInt } from './flags';
import { LiveTranscript, humanResult } from './triggerOutput';
import { terminalSafe } from '../util';
import { runReplay } from './replay';
import { parseWorkerFlag, serveAsWorker, startWorkers, workerEntry } from './triggerWorkers';

export const TRIGGER_USAGE = `Usage: wcs-hook-mock trigger <scenario> --backend URL [options]

Fires the hooks WCS would send for a WebSDK client doing <scenario>, and prints the hooks, your
backend's answers and what the WebSDK client would have seen.

Scenarios:
${SCENARIOS.map((s) => `  ${s.padEnd(15)}${SCENARIO_SUMMARIES[s]}`).join('\n')}

Options:
${BACKEND_USAGE}
  --sessions N           sessions to run (default 1)
  --concurrency N        sessions at once (default 1; with --rate: at most N in flight, default ${DEFAULT_MAX_IN_FLIGHT})
  --rate R               start R sessions per second (e.g. 50, or 0.5) ...
  --duration SECONDS     ... for this long (--rate and --duration go together, instead of --sessions)
  --workers N            split a load run over N processes, each with its own engine (default 1):
                         for more than one core's worth of load; sessions and concurrency (or rate) are divided
  --far-end SPEC         SIP side of outgoing calls: answer[:MS] (default), busy, reject:CODE, ring
  --json                 print the result as JSON
  --verbose              with several sessions, print every session's story, not only the summary
  -h, --help             show this help

On a terminal, load runs show a progress line on stderr (sessions, hooks/s, errors); every run ends with
the backend's answer latency per hook method (p50/p95/p99/max) and failed hooks by method and kind
(timeout, refused, reset, HTTP status under its restOnError). Ctrl-C stops starting sessions and reports.

Exit code: 0 when every session ran (declines included), 1 when hooks failed to get an answer, 2 on
usage errors.

Replay a recorded journal instead: wcs-hook-mock trigger --from-journal FILE --help`;

function positiveNumber(flag: string, text: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n <= 0) throw new UsageError(`--${flag} needs a number > 0, got '${text}'`);
  return n;
}

/** --sessions/--concurrency (closed: N sessions, C at once) or --rate/--duration (open: R a second for S seconds). */
export function planFromFlags(values: { sessions?: string; concurrency?: string; rate?: string; duration?: string }): LoadPlan {
  if (values.rate === undefined && values.duration === undefined) {
    return { kind: 'count', sessions: positiveInt('sessions', values.sessions, 1), concurrency: positiveInt('concurrency', values.concurrency, 1) };
  }
  if (values.rate === undefined) throw new UsageError('--duration goes with --rate (sessions per second)');
  if (values.duration === undefined) throw new UsageError('--rate goes with --duration SECONDS');
  if (values.sessions !== undefined) throw new UsageError('--sessions or --rate/--duration, not both');
  return {
    kind: 'rate',
    rate: positiveNumber('rate', values.rate),
    durationMs: Math.round(positiveNumber('duration', values.duration) * 1000),
    maxInFlight: positiveInt('concurrency', values.concurrency, DEFAULT_MAX_IN_FLIGHT),
  };
}

export async function runTrigger(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  // Replaying a recorded journal is its own mode with its own flags (replay.ts).
  if (argv.some((a) => a === '--from-journal' || a.startsWith('--from-journal='))) return runReplay(argv, env);
  let result: LoadResult;
  let json: boolean;
  let verbose: boolean;
  let live: LiveTranscript | undefined;
  try {
    const { values, positionals, tokens } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: true,
      tokens: true,
      options: {
        ...BACKEND_OPTIONS,
        sessions: { type: 'string', short: 'n' },
        concurrency: { type: 'string', short: 'c' },
        rate: { type: 'string', short: 'r' },
        duration: { type: 'string', short: 'd' },
        workers: { type: 'string', short: 'w' },
        // Internal: set by --workers on the processes it starts (triggerWorkers.ts).
        worker: { type: 'string' },
        'far-end': { type: 'string' },
        json: { type: 'boolean' },
        verbose: { type: 'boolean', short: 'v' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      process.stdout.write(TRIGGER_USAGE + '\n');
      return 0;
    }
    json = values.json === true;
    verbose = values.verbose === true;
    if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? `which scenario? one of ${SCENARIOS.join(', ')}` : `one scenario at a time, got ${positionals.join(' ')}`);
    const name = positionals[0]!;
    if (!isScenario(name)) throw new UsageError(`unknown scenario '${name}' (one of ${SCENARIOS.join(', ')})`);
    const { backend, timeoutMs } = backendFromFlags(values, env);
    const plan = planFromFlags(values);
    const farEnd = parseFarEnd(values['far-end']);
    const single = plan.kind === 'count' && plan.sessions === 1;
    let stopping = false;
    if (values.worker !== undefined) {
      const share = parseWorkerFlag(values.worker);
      if (!share || !process.send) throw new UsageError('--worker is set by --workers for the processes it starts; use --workers N');
      const load = startLoad(name, { backend, hookTimeoutMs: timeoutMs, farEnd, plan: planShare(plan, share[0], share[1]), transcripts: false, stop: () => stopping });
      // Ctrl-C reaches every process of the terminal's group: the parent says it once.
      const quiet = () => void (stopping = true);
      process.on('SIGINT', quiet);
      try {
        return await serveAsWorker(load, quiet);
      } finally {
        process.off('SIGINT', quiet);
      }
    }
    const workers = positiveInt('workers', values.workers, 1);
    let run: { snapshot(): LoadSnapshot; stop(): void; readonly done: Promise<LoadResult> };
    if (workers > 1) {
      const entry = workerEntry();
      if (!entry) throw new UsageError('--workers starts more processes of the wcs-hook-mock command; run it as `wcs-hook-mock trigger …`');
      if (single) throw new UsageError('--workers splits a load run: give --sessions and --concurrency (each at least one per worker), or --rate/--duration');
      try {
        planShare(plan, workers - 1, workers);
      } catch (err) {
        throw new UsageError((err as Error).message);
      }
      run = startWorkers(entry, withoutWorkersFlag(argv, tokens), workers, plan);
    } else {
      const load = startLoad(name, {
        backend, hookTimeoutMs: timeoutMs, farEnd, plan,
        transcripts: (plan.kind === 'count' && plan.sessions <= 20) || verbose,
        stop: () => stopping,
      });
      // One session: its story as it happens.
      if (single && !json) live = new LiveTranscript(load.run.engine, `trigger ${name} → ${terminalSafe(backend.url)}`, (t) => process.stdout.write(t));
      run = { snapshot: () => load.stats.snapshot(), stop: () => undefined, done: load.done };
    }
    // Several sessions: a progress line, on a terminal only.
    const progress = single ? undefined : new LiveProgress(process.stderr, () => run.snapshot(), plannedSessions(plan)).start();
    const onSigint = () => {
      if (stopping) process.exit(130);
      stopping = true;
      progress?.stop();
      run.stop();
      process.stderr.write(`wcs-hook-mock trigger: stopping: no new sessions; waiting for those in flight (Ctrl-C again to quit)\n`);
    };
    process.on('SIGINT', onSigint);
    try {
      result = await run.done;
    } finally {
      process.off('SIGINT', onSigint);
      progress?.stop();
    }
  } catch (err) {
    live?.end(true);
    const msg = err instanceof Error ? err.message : String(err);
    const usage = isUsageError(err);
    process.stderr.write(`wcs-hook-mock trigger: ${msg}${usage ? '\nRun `wcs-hook-mock trigger --help` for the options.' : ''}\n`);
    return usage ? 2 : 1;
  }
  if (result.unreachable) {
    live?.end(true);
    process.stderr.write(`wcs-hook-mock trigger: ${terminalSafe(result.errors[0]?.replace(/ \(×\d+\)$/, '') ?? `cannot reach ${result.backend}`)}\n`);
    // One session: that line says it all. A load run still reports what it counted (failures by kind).
    if (result.sessions === 1) return 1;
  }
  live?.end(false);
  process.stdout.write((json ? JSON.stringify(result, null, 2) : humanResult(result, { verbose, streamed: live !== undefined })) + '\n');
  return result.errors.length > 0 ? 1 : 0;
}

/** The flags as given, without --workers/-w and its value: what each worker process is started with. */
function withoutWorkersFlag(argv: readonly string[], tokens: readonly { kind: string; name?: string; index: number; inlineValue?: boolean }[]): string[] {
  const drop = new Set<number>();
  for (const t of tokens) {
    if (t.kind !== 'option' || t.name !== 'workers') continue;
    drop.add(t.index);
    if (t.inlineValue === false) drop.add(t.index + 1);
  }
  return argv.filter((_, i) => !drop.has(i));
}

export const triggerCommand: Command = {
  summary: 'fire a realistic WCS hook sequence (connect, outgoing-call, publish ...) at a backend',
  run: (argv) => runTrigger(argv),
};
