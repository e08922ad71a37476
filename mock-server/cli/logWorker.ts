/**
 * The log thread of `serve` (its own esbuild entry, dist/logWorker.js): reads the records the answering
 * thread appends to the shared ring (logRing.ts), formats their lines and writes them to the output's file
 * descriptor itself. Through `process.stdout` a worker's writes would be posted back to the main thread,
 * which is the work this thread exists to take away.
 */
import { readlinkSync, writeSync } from 'node:fs';
import { setPriority } from 'node:os';
import { isMainThread, workerData } from 'node:worker_threads';
import { DROPPED, RingReader, SEQ, SLEEPING, STOP, type SharedRing } from './logRing';
import { droppedNote, sizeText } from './logLine';

export interface LogWorkerData {
  readonly ring: SharedRing;
  readonly fd: number;
}

/**
 * How often a busy log thread looks for new records. The lines of a flood go out in batches this far apart
 * (short enough that nobody watching notices); the answering thread never has to wake this one.
 */
export const LOG_POLL_MS = 5;
/** Looks that found nothing before the thread sleeps until it is woken (an idle server costs no wake-ups). */
const IDLE_LOOKS = 20;

/** Text gathered before one write: a flood costs a system call per batch, not per line. */
const WRITE_CHARS = 64 * 1024;

const nap = new Int32Array(new SharedArrayBuffer(4));

/**
 * Writes all of `bytes`, waiting while a non-blocking pipe is full (the reader lags; nothing is lost). False
 * when the reader is gone (EPIPE) or the descriptor fails otherwise: logging then stops, as it did on the
 * main thread.
 */
function writeAll(fd: number, bytes: Buffer): boolean {
  let off = 0;
  let wait = 1;
  while (off < bytes.length) {
    try {
      off += writeSync(fd, bytes, off, bytes.length - off);
      wait = 1;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') return false;
      // No way to sleep until the pipe is writable from here; back off up to 50 ms between tries.
      Atomics.wait(nap, 0, 0, wait);
      wait = Math.min(wait * 2, 50);
    }
  }
  return true;
}

/**
 * The log thread's nice value on Linux: when it and the hook-answering thread want the same core, answering
 * hooks goes first. It still gets a share (about a quarter against one busy thread), and records wait in the
 * ring meanwhile; only a log thread starved for longer than the ring holds (75,000 lines) would drop lines, and
 * it says so. Measured A/B on the loaded 2-core machine (docs/benchmarks.md): serve 0.63×/0.67× bare at nice 5
 * against 0.59×/0.56× at nice 0, p99 1.90×/1.66× against 2.13×/2.01×, no line lost in either.
 */
export const LOG_THREAD_NICE = 5;

/** This thread only (Linux: a thread id is a pid for setpriority); elsewhere nothing changes. */
function yieldToAnswering(): void {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(tid) && tid > 0 && tid !== process.pid) setPriority(tid, LOG_THREAD_NICE);
  } catch {
    // not Linux, or not allowed: the thread runs at the process's priority
  }
}

/** Runs until the writer asks it to stop and every published record is written. */
export function runLogWorker(data: LogWorkerData): void {
  yieldToAnswering();
  const reader = new RingReader(data.ring);
  const control = reader.control32;
  let broken = false;
  let idle = 0;
  for (;;) {
    const seq = Atomics.load(control, SEQ);
    let head = reader.published();
    if (reader.tail === head) {
      if (Atomics.load(control, STOP) === 1) {
        // Lines the writer dropped near the end, with no later line to carry the note: said last.
        const dropped = Atomics.load(control, DROPPED);
        if (dropped > 0 && !broken) writeAll(data.fd, Buffer.from(`${droppedNote(dropped, sizeText(data.ring.data.byteLength))}\n`, 'utf8'));
        return;
      }
      if (++idle < IDLE_LOOKS) {
        Atomics.wait(control, SEQ, seq, LOG_POLL_MS);
        continue;
      }
      // Announced before the last look, so a record published after it finds the flag and wakes us.
      Atomics.store(control, SLEEPING, 1);
      head = reader.published();
      if (reader.tail === head && Atomics.load(control, STOP) !== 1) Atomics.wait(control, SEQ, seq);
      Atomics.store(control, SLEEPING, 0);
      idle = 0;
      continue;
    }
    idle = 0;
    let text = '';
    let line: string | undefined;
    while (text.length < WRITE_CHARS && (line = reader.next(head)) !== undefined) text += line + '\n';
    if (!broken && text !== '') broken = !writeAll(data.fd, Buffer.from(text, 'utf8'));
    reader.commit();
  }
}

if (!isMainThread && (workerData as { logWorker?: LogWorkerData } | undefined)?.logWorker) {
  runLogWorker((workerData as { logWorker: LogWorkerData }).logWorker);
}
