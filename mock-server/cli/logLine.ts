/**
 * The per-exchange log line of `serve` without a terminal, and the writer that sends those lines to stdout.
 *
 * Why this is written for speed: a CI job runs `serve` with its stdout on a pipe, and then every hook costs a
 * line. Measured with `npm run bench -- --only serve` (docs/benchmarks.md), the first version of the line
 * cost more CPU than the whole hook server behind it: every `answer` read decoded the body into a fresh
 * string, the parts went through several arrays, and the ISO timestamp was rebuilt per line. The text is
 * unchanged; only the way it is built is.
 */
import type { Exchange, SentAnswer } from '../hooks';
import { answerLabel, answeredBy, backendFailure, backendLegLabel, formatLatency, keyFieldsWithIds } from '../view';
import { terminalSafe } from '../util';

let isoSecond = NaN;
let isoPrefix = '';

/** `new Date(ms).toISOString()`, with the part up to the second reused while the second lasts. */
export function isoTime(ms: number): string {
  if (!(ms >= 0) || !Number.isInteger(ms)) return new Date(ms).toISOString();
  const second = ms - (ms % 1000);
  if (second !== isoSecond) {
    isoSecond = second;
    isoPrefix = new Date(second).toISOString().slice(0, 20);
  }
  const m = ms - second;
  return `${isoPrefix}${m < 10 ? '00' : m < 100 ? '0' : ''}${m}Z`;
}

function answerPart(a: SentAnswer, latencyMs: number | undefined): string {
  return `-> ${answerLabel(a, 'log')} by ${answeredBy(a, 'log')} in ${formatLatency(latencyMs)}`;
}

/** One log line per exchange, for pipes and files (no colour, no cursor movement). */
export function formatLogLine(ex: Exchange): string {
  let line = `${isoTime(ex.receivedAt)} #${ex.id} POST ${ex.url} ${ex.method || '-'}/${ex.type} `;
  if (ex.state === 'aborted') line += 'aborted';
  else {
    // Read once: on a server record `answer` is built on each read.
    const a = ex.answer;
    if (a) line += answerPart(a, ex.latencyMs);
    else line += ex.holdDeadline !== undefined ? `held (fallback after ${Math.round((ex.holdDeadline - ex.receivedAt) / 1000)}s)` : 'held';
  }
  // Forwarded exchanges only: the backend leg, why it failed, and what WCS would not expect of its answer.
  const forward = ex.forward;
  if (forward) {
    const leg = backendLegLabel(forward);
    if (leg) line += ` ${leg}`;
    const failure = backendFailure(forward);
    if (failure) line += ` (${failure})`;
    for (const w of forward.warnings ?? []) line += ` ! backend: ${w}`;
  }
  const keys = keyFieldsWithIds(ex);
  if (keys) line += ` [${keys}]`;
  if (ex.error) line += ` error: ${ex.error}`;
  const issues = ex.issues;
  const n = issues.length;
  if (n) {
    line += ` ${n} validation issue${n > 1 ? 's' : ''}: `;
    for (let i = 0; i < n; i++) line += `${i ? '; ' : ''}${issues[i]!.path || '(body)'} ${issues[i]!.message}`;
  }
  // Every part but the timestamp can come from the network.
  return terminalSafe(line);
}

/** Bytes of log text gathered before they are written even if the flush delay has not passed. */
export const LOG_BATCH_CHARS = 64 * 1024;
/** How long a line may wait to be batched with the next ones: short enough that nobody watching sees it. */
export const LOG_FLUSH_MS = 5;

export interface LineWriter {
  /** Queues one line (without its newline). Never drops it unless the reader has gone away. */
  line(text: string): void;
  /** Hands every queued line to the stream now (before a last line such as "stopped"). */
  flush(): void;
  /** Writes the dropped-lines note if lines were dropped since the last one; for the end, once the reader caught up. */
  report(): void;
}

/** The one line that says lines were lost, the same on the log thread and on the main thread. */
export function droppedNote(n: number, bound: string): string {
  return `wcs-hook-mock: ${n} log line${n > 1 ? 's' : ''} dropped: the reader of this output fell more than ${bound} behind`;
}

/** 32 MiB, 64 KiB: a bound as people read it. */
export function sizeText(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / (1024 * 1024))} MiB` : `${Math.round(bytes / 1024)} KiB`;
}

/**
 * Characters of log text a stream may hold unwritten (the reader lags) before further lines are dropped and
 * counted; the same bound as the log thread's ring (logRing.ts), for the same reason.
 */
export const LOG_QUEUE_CHARS = 32 * 1024 * 1024;

/**
 * Log lines for a pipe or a file, batched: under a hook flood one write carries hundreds of lines, so the
 * cost of a write (a system call here, a wake-up of the reader there) is paid per batch, not per hook.
 * Node writes to a pipe without blocking and keeps what the reader has not taken yet, so no line is lost
 * to a slow reader: it waits in memory instead, up to `maxQueued` characters; past that (a reader that has
 * stopped) lines are dropped and counted, and a line says how many once the stream takes text again. A
 * reader that goes away (`serve | grep -m1 listening`) must not kill the server with EPIPE: logging just stops.
 */
export function lineWriter(out: NodeJS.WritableStream, opts: { batchChars?: number; flushMs?: number; maxQueued?: number } = {}): LineWriter {
  const batchChars = opts.batchChars ?? LOG_BATCH_CHARS;
  const flushMs = opts.flushMs ?? LOG_FLUSH_MS;
  const maxQueued = opts.maxQueued ?? LOG_QUEUE_CHARS;
  // One string grown by concatenation (V8 keeps it as a rope until it is written): no array per batch.
  let pending = '';
  let pendingLines = 0;
  let dropped = 0;
  let timer: NodeJS.Timeout | undefined;
  let broken = false;
  out.on('error', () => {
    broken = true;
    pending = '';
  });
  const flush = () => {
    if (timer) {
      clearTimeout(timer);
      timer = undefined;
    }
    if (pending === '' || broken) return;
    let text = pending;
    pending = '';
    const lines = pendingLines;
    pendingLines = 0;
    if (((out as { writableLength?: number }).writableLength ?? 0) > maxQueued) {
      dropped += lines;
      return;
    }
    if (dropped > 0) {
      text = `${droppedNote(dropped, sizeText(maxQueued))}\n${text}`;
      dropped = 0;
    }
    out.write(text);
  };
  // Lines dropped with none written since: said once everything queued has been written (at the end).
  const report = () => {
    if (dropped === 0 || broken) return;
    out.write(`${droppedNote(dropped, sizeText(maxQueued))}\n`);
    dropped = 0;
  };
  return {
    line(text) {
      if (broken) return;
      pending += text + '\n';
      pendingLines++;
      if (pending.length >= batchChars) flush();
      else timer ??= setTimeout(flush, flushMs);
    },
    flush,
    report,
  };
}
