/**
 * What `trigger` prints: a single session's transcript as it happens, the summary line, and the load
 * report (latency per method, failures by kind). Everything that came from the backend or the engine's
 * frames goes through terminalSafe.
 */
import { loadSourceLine, reportLines, type LoadResult } from '../load';
import { formatWcsLogEntry, type WcsEngine } from '../wcs';
import { terminalSafe } from '../util';

function rate(n: number, ms: number): string {
  return ms > 0 ? (n / (ms / 1000)).toFixed(1) : '∞';
}

export function summaryLine(r: LoadResult): string {
  const load = r.sessions > 1 || r.schedule.plan.kind === 'rate';
  const plan = r.schedule.plan;
  // An open plan starts sessions on schedule; over the whole run (the last answers included) the rate reads
  // lower than the one asked for, which is not the tool missing it: that is what "late" says.
  const started = plan.kind === 'rate' ? `; started ${plan.rate} sessions/s for ${plan.durationMs / 1000} s as planned${r.schedule.late ? ` (${r.schedule.late} late)` : ''}` : '';
  return (
    `${r.sessions} session${r.sessions === 1 ? '' : 's'}: ${r.completed} completed, ${r.refused} refused; ${r.hooks} hooks (${r.hookErrors} not 200) in ${Math.round(r.durationMs)} ms` +
    (load ? ` — ${rate(r.sessions, r.durationMs)} sessions/s, ${rate(r.hooks, r.durationMs)} hooks/s over the whole run${started}` : '') +
    (r.schedule.stopped ? ' (stopped early)' : '')
  );
}

/**
 * The end of the output. `streamed`: the single session's log is already on the screen, so only what the
 * client saw follows; otherwise the header, and each session's story when there is one or `verbose`.
 */
export function humanResult(r: LoadResult, opts: { verbose: boolean; streamed: boolean }): string {
  const out: string[] = [];
  let storiesShown: boolean;
  if (opts.streamed) {
    for (const t of r.transcripts.slice(0, 1)) out.push(...sdkLines(t));
    storiesShown = r.transcripts.length > 0;
  } else {
    out.push(`trigger ${r.scenario} → ${terminalSafe(r.backend)}`);
    const stories = r.sessions === 1 || opts.verbose ? r.transcripts : [];
    storiesShown = stories.length > 0;
    for (const [i, t] of stories.entries()) {
      out.push('', `session ${i + 1}: ${t.sessionId ?? '?'}`);
      for (const e of t.log) {
        if (e.kind === 'session' && e.event === 'opened') continue;
        out.push(`  ${terminalSafe(formatWcsLogEntry(e))}`);
      }
      out.push(...sdkLines(t));
    }
  }
  out.push('', summaryLine(r));
  // A story already says why its session stopped.
  if (!storiesShown) for (const s of r.stopped) out.push(`stopped: ${terminalSafe(s)}`);
  for (const e of r.errors) out.push(`error: ${terminalSafe(e)}`);
  out.push(...reportLines(r, r.schedule));
  // A load run: whether the tool kept up, so its own queueing is never read as the backend's latency.
  if (r.sessions > 1 || r.schedule.plan.kind === 'rate') out.push('', loadSourceLine(r.loadSource, r.workers, r.latencyAll.count));
  return out.join('\n');
}

function sdkLines(t: LoadResult['transcripts'][number]): string[] {
  const out = ['  WebSDK client saw:', ...t.sdkEvents.map((ev) => `    ${terminalSafe(ev)}`)];
  if (t.error) out.push(`  ${t.outcome === 'completed' ? 'stopped' : t.outcome}: ${terminalSafe(t.error)}`);
  return out;
}

/** How long the live transcript holds its first lines back, waiting to see whether the backend is there at all. */
export const LIVE_HOLD_MS = 1000;

/**
 * Streams the first session's log to `write` as the engine records it. The first lines are held back until
 * the backend answers something (or LIVE_HOLD_MS passes), so an unreachable backend still gives one clear
 * error line and an empty stdout rather than half a transcript.
 */
export class LiveTranscript {
  private sessionId: string | undefined;
  private held: string[] | undefined = [];
  private readonly timer: ReturnType<typeof setTimeout>;
  private readonly off: () => void;

  constructor(engine: WcsEngine, header: string, private readonly write: (text: string) => void) {
    this.held!.push(header);
    const onLog = (e: Parameters<typeof formatWcsLogEntry>[0]) => {
      if (e.sessionId === undefined) return;
      if (this.sessionId === undefined) {
        this.sessionId = e.sessionId;
        this.line('');
        this.line(`session 1: ${e.sessionId}`);
      }
      if (e.sessionId !== this.sessionId || (e.kind === 'session' && e.event === 'opened')) return;
      this.line(`  ${terminalSafe(formatWcsLogEntry(e))}`);
      if (e.kind === 'hook-answer' && e.failure !== 'unreachable') this.flush();
    };
    const sub = engine.on('log', onLog);
    this.off = () => sub.dispose();
    this.timer = setTimeout(() => this.flush(), LIVE_HOLD_MS);
    this.timer.unref?.();
  }

  private line(text: string): void {
    if (this.held) this.held.push(text);
    else this.write(text + '\n');
  }

  private flush(): void {
    if (!this.held) return;
    const lines = this.held;
    this.held = undefined;
    this.write(lines.join('\n') + '\n');
  }

  /** Stops streaming. `discard`: drop what is still held (the run ends in one error line instead). */
  end(discard: boolean): void {
    clearTimeout(this.timer);
    this.off();
    if (discard) this.held = undefined;
    else this.flush();
  }
}
