/**
 * `wcs-hook-mock trigger <scenario> --backend URL`: fires a realistic WCS hook sequence at a backend
 * through the WCS engine and prints, per session, the hooks and answers and what a WebSDK client would
 * have seen. With --sessions/--concurrency it is a load source and prints rates instead.
 */
import { parseArgs } from 'node:util';
import { formatWcsLogEntry as formatLogEntry } from '../wcs';
import { SCENARIOS, SCENARIO_SUMMARIES, isScenario, runScenario, type ScenarioResult } from '../wcs';
import type { Command } from './command';
import { BACKEND_OPTIONS, BACKEND_USAGE, UsageError, backendFromFlags, isUsageError, parseFarEnd, positiveInt } from './flags';
import { terminalSafe } from '../util';
import { runReplay } from './replay';

export const TRIGGER_USAGE = `Usage: wcs-hook-mock trigger <scenario> --backend URL [options]

Fires the hooks WCS would send for a WebSDK client doing <scenario>, and prints the hooks, your
backend's answers and what the WebSDK client would have seen.

Scenarios:
${SCENARIOS.map((s) => `  ${s.padEnd(15)}${SCENARIO_SUMMARIES[s]}`).join('\n')}

Options:
${BACKEND_USAGE}
  --sessions N           sessions to run (default 1)
  --concurrency N        sessions at once (default 1)
  --far-end SPEC         SIP side of outgoing calls: answer[:MS] (default), busy, reject:CODE, ring
  --json                 print the result as JSON
  --verbose              with several sessions, print every session's story, not only the summary
  -h, --help             show this help

Exit code: 0 when every session ran (declines included), 1 when hooks failed to get an answer, 2 on
usage errors.

Replay a recorded journal instead: wcs-hook-mock trigger --from-journal FILE --help`;

function rate(n: number, ms: number): string {
  return ms > 0 ? (n / (ms / 1000)).toFixed(1) : '∞';
}

function human(r: ScenarioResult, verbose: boolean): string {
  const out: string[] = [`trigger ${r.scenario} → ${r.backend}`];
  // One session: its whole story. Many: the summary, unless asked for every story.
  const shown = r.sessions === 1 || verbose ? r.transcripts : [];
  for (const [i, t] of shown.entries()) {
    out.push('', `session ${i + 1}: ${t.sessionId ?? '?'}`);
    for (const e of t.log) {
      if (e.kind === 'session' && e.event === 'opened') continue;
      out.push(`  ${terminalSafe(formatLogEntry(e))}`);
    }
    out.push('  WebSDK client saw:');
    for (const ev of t.sdkEvents) out.push(`    ${ev}`);
    if (t.error) out.push(`  ${t.outcome === 'completed' ? 'stopped' : t.outcome}: ${t.error}`);
  }
  out.push(
    '',
    `${r.sessions} session${r.sessions === 1 ? '' : 's'}: ${r.completed} completed, ${r.refused} refused; ${r.hooks} hooks (${r.hookErrors} not 200) in ${Math.round(r.durationMs)} ms` +
      (r.sessions > 1 ? ` — ${rate(r.sessions, r.durationMs)} sessions/s, ${rate(r.hooks, r.durationMs)} hooks/s` : ''),
  );
  if (shown.length === 0) for (const s of r.stopped) out.push(`stopped: ${s}`);
  for (const e of r.errors) out.push(`error: ${e}`);
  return out.join('\n');
}

export async function runTrigger(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  // Replaying a recorded journal is its own mode with its own flags (replay.ts).
  if (argv.some((a) => a === '--from-journal' || a.startsWith('--from-journal='))) return runReplay(argv, env);
  let result: ScenarioResult;
  let json: boolean;
  let verbose: boolean;
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: true,
      options: {
        ...BACKEND_OPTIONS,
        sessions: { type: 'string', short: 'n' },
        concurrency: { type: 'string', short: 'c' },
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
    const sessions = positiveInt('sessions', values.sessions, 1);
    const concurrency = positiveInt('concurrency', values.concurrency, 1);
    const farEnd = parseFarEnd(values['far-end']);
    result = await runScenario(name, { backend, sessions, concurrency, hookTimeoutMs: timeoutMs, farEnd, transcripts: sessions <= 20 || verbose });
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    const usage = isUsageError(err);
    process.stderr.write(`wcs-hook-mock trigger: ${msg}${usage ? '\nRun `wcs-hook-mock trigger --help` for the options.' : ''}\n`);
    return usage ? 2 : 1;
  }
  if (result.unreachable) {
    process.stderr.write(`wcs-hook-mock trigger: ${result.errors[0]?.replace(/ \(×\d+\)$/, '') ?? `cannot reach ${result.backend}`}\n`);
    return 1;
  }
  process.stdout.write((json ? JSON.stringify(result, null, 2) : human(result, verbose)) + '\n');
  return result.errors.length > 0 ? 1 : 0;
}

export const triggerCommand: Command = {
  summary: 'fire a realistic WCS hook sequence (connect, outgoing-call, publish ...) at a backend',
  run: (argv) => runTrigger(argv),
};
