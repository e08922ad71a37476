/**
 * `wcs-hook-mock trigger <scenario> --backend URL`: fires a realistic WCS hook sequence at a backend
 * through the WCS engine and prints, per session, the hooks and answers and what a WebSDK client would
 * have seen (one session: as it happens). With --sessions/--concurrency or --rate/--duration it is a load
 * test: a live progress line on a terminal, then latency percentiles per hook method and failures by kind.
 */
import { parseArgs } from 'node:util';
import { SCENARIOS, SCENARIO_SUMMARIES, isScenario } from '../wcs';
import { DEFAULT_MAX_IN_FLIGHT, LiveProgress, plannedSessions, startLoad, type LoadPlan, type LoadResult } from '../load';
import type { Command } from './command';
import { BACKEND_OPTIONS, BACKEND_USAGE, UsageError, backendFromFlags, isUsageError, parseFarEnd, positiveInt } from './flags';
import { LiveTranscript, humanResult } from './triggerOutput';
import { terminalSafe } from '../util';

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
  --far-end SPEC         SIP side of outgoing calls: answer[:MS] (default), busy, reject:CODE, ring
  --json                 print the result as JSON
  --verbose              with several sessions, print every session's story, not only the summary
  -h, --help             show this help

On a terminal, load runs show a progress line on stderr (sessions, hooks/s, errors); every run ends with
the backend's answer latency per hook method (p50/p95/p99/max) and failed hooks by method and kind
(timeout, refused, reset, HTTP status under its restOnError). Ctrl-C stops starting sessions and reports.

Exit code: 0 when every session ran (declines included), 1 when hooks failed to get an answer, 2 on
usage errors.`;

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
  let result: LoadResult;
  let json: boolean;
  let verbose: boolean;
  let live: LiveTranscript | undefined;
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: true,
      options: {
        ...BACKEND_OPTIONS,
        sessions: { type: 'string', short: 'n' },
        concurrency: { type: 'string', short: 'c' },
        rate: { type: 'string', short: 'r' },
        duration: { type: 'string', short: 'd' },
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
    const load = startLoad(name, {
      backend, hookTimeoutMs: timeoutMs, farEnd, plan,
      transcripts: (plan.kind === 'count' && plan.sessions <= 20) || verbose,
      stop: () => stopping,
    });
    // One session: its story as it happens. Several: a progress line, on a terminal only.
    if (single && !json) live = new LiveTranscript(load.run.engine, `trigger ${name} → ${terminalSafe(backend.url)}`, (t) => process.stdout.write(t));
    const progress = single ? undefined : new LiveProgress(process.stderr, () => load.stats.snapshot(), plannedSessions(plan)).start();
    const onSigint = () => {
      if (stopping) process.exit(130);
      stopping = true;
      progress?.stop();
      process.stderr.write(`wcs-hook-mock trigger: stopping: no new sessions; waiting for those in flight (Ctrl-C again to quit)\n`);
    };
    process.on('SIGINT', onSigint);
    try {
      result = await load.done;
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

export const triggerCommand: Command = {
  summary: 'fire a realistic WCS hook sequence (connect, outgoing-call, publish ...) at a backend',
  run: (argv) => runTrigger(argv),
};
