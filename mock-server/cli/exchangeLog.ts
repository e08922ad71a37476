/**
 * The per-exchange log of `serve` without a terminal. When the output has a file descriptor (stdout on a
 * pipe or a file), a log thread formats and writes the lines (logWorker.ts) and the thread that answers hooks
 * only copies a compact record per line into shared memory (logRing.ts). Otherwise (a stream without a
 * descriptor, as tests pass; or WCS_HOOK_MOCK_LOG_THREAD=0) the lines are formatted here, as before.
 *
 * If the log thread cannot start or dies, the lines it had not written yet are formatted here, in order,
 * and so is every line after; stderr says so once. Nothing is lost either way (a line may be written twice
 * if the thread died in the middle of writing it).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Exchange } from '../hooks';
import { droppedNote, formatLogLine, lineWriter, sizeText, type LineWriter } from './logLine';
import { createRing, HEAD, RingReader, RingWriter, TAIL, type SharedRing } from './logRing';
import type { LogWorkerData } from './logWorker';

export interface ExchangeLog {
  /** Logs the exchange as it reads now (held, answered, aborted). */
  add(ex: Exchange): void;
  /** Writes every line logged so far, then resolves (the "stopped" line comes after). */
  close(): Promise<void>;
  /**
   * Gives up on the lines not written yet, because their reader stopped taking them (`serve` stops anyway):
   * the log thread ends now instead of waiting on a full pipe.
   */
  abandon(): void;
  /** Where lines are formatted now: on a log thread, or on this one. */
  readonly thread: 'log' | 'main';
}

export interface ExchangeLogOptions {
  /** Where the lines go when they are formatted on this thread (and where the descriptor below leads). */
  readonly out: NodeJS.WritableStream;
  /** The output's file descriptor: with one, a log thread writes the lines. */
  readonly fd?: number;
  /** Told once when the log thread fails. */
  readonly warn: (message: string) => void;
  /** The log thread's script; by default dist/logWorker.js beside the CLI bundle (logWorker.ts from source). */
  readonly workerFile?: string;
  readonly ringBytes?: number;
}

/** The log thread's script: beside the bundle that is running, or the source under a TypeScript loader. */
export function defaultWorkerFile(): string {
  const js = path.join(__dirname, 'logWorker.js');
  if (existsSync(js)) return js;
  return path.join(__dirname, 'logWorker.ts');
}

/** The file descriptor behind `process.stdout` or a file stream; undefined for other streams. */
export function streamFd(s: NodeJS.WritableStream): number | undefined {
  const fd = (s as { fd?: unknown }).fd;
  return typeof fd === 'number' && Number.isInteger(fd) && fd >= 0 ? fd : undefined;
}

export function exchangeLog(opts: ExchangeLogOptions): ExchangeLog {
  const lines = lineWriter(opts.out);
  if (opts.fd === undefined) return mainThreadLog(lines, opts.out);
  return new ThreadedLog(opts, lines, opts.fd);
}

/** Resolves once the stream has handed everything queued to the system (a pipe's reader took it). */
function written(out: NodeJS.WritableStream): Promise<void> {
  const w = out as { writableLength?: number; once?: (e: string, f: () => void) => void };
  if (!w.writableLength || !w.once) return Promise.resolve();
  return new Promise((resolve) => {
    w.once!('drain', resolve);
    w.once!('error', resolve);
  });
}

/** The lines formatted on this thread written, then the dropped-lines note if one is due, then written too. */
async function finish(lines: LineWriter, out: NodeJS.WritableStream): Promise<void> {
  lines.flush();
  await written(out);
  lines.report();
  await written(out);
}

function mainThreadLog(lines: LineWriter, out: NodeJS.WritableStream): ExchangeLog {
  return {
    thread: 'main',
    add: (ex) => lines.line(formatLogLine(ex)),
    close: () => finish(lines, out),
    // What stdout's stream still holds is dropped when the process exits.
    abandon: () => undefined,
  };
}

class ThreadedLog implements ExchangeLog {
  thread: 'log' | 'main' = 'log';
  private readonly ring: SharedRing;
  private readonly writer: RingWriter;
  private worker: Worker | undefined;
  private readonly exited: Promise<void>;
  private closing = false;
  private abandoned = false;

  constructor(
    private readonly opts: ExchangeLogOptions,
    private readonly lines: LineWriter,
    fd: number,
  ) {
    this.ring = createRing(opts.ringBytes);
    this.writer = new RingWriter(this.ring);
    let exited!: () => void;
    this.exited = new Promise((resolve) => (exited = resolve));
    const file = opts.workerFile ?? defaultWorkerFile();
    const data: LogWorkerData = { ring: this.ring, fd };
    try {
      // From source (tests), the worker needs the TypeScript loader registered in its own thread.
      this.worker = file.endsWith('.ts')
        ? new Worker(`require(${JSON.stringify(require.resolve('tsx/cjs/api'))}).register(); require(${JSON.stringify(file)});`, { eval: true, workerData: { logWorker: data } })
        : new Worker(file, { workerData: { logWorker: data } });
    } catch (err) {
      this.fail(err);
      exited();
      return;
    }
    const w = this.worker;
    // The thread alone must not keep a finished process alive; close() holds it while it drains.
    w.unref();
    w.on('error', (err) => this.fail(err));
    w.on('exit', (code) => {
      if (!this.closing) this.fail(new Error(`it exited with code ${code}`));
      exited();
    });
  }

  add(ex: Exchange): void {
    if (this.thread === 'main') {
      this.lines.line(formatLogLine(ex));
      return;
    }
    // Published at once: a busy log thread takes what is there every few milliseconds, so lines are batched
    // by that thread's rhythm, with no timer here.
    this.writer.append(ex);
    this.writer.publish();
  }

  async close(): Promise<void> {
    if (this.thread === 'log' && !this.closing) {
      this.closing = true;
      this.worker?.ref();
      this.writer.stop();
      await this.exited;
      // A thread that ended without writing everything (it failed while stopping): the rest is written here.
      if (!this.abandoned) this.takeOver(false);
    }
    await finish(this.lines, this.opts.out);
  }

  abandon(): void {
    this.abandoned = true;
    void this.worker?.terminate();
  }

  /** From now on lines are formatted on this thread, starting with those the log thread had not written. */
  private fail(err: unknown): void {
    if (this.thread === 'main') return;
    this.thread = 'main';
    this.opts.warn(`the log thread failed (${err instanceof Error ? err.message : String(err)}); log lines are formatted on the main thread from now on`);
    void this.worker?.terminate();
    this.takeOver();
  }

  /**
   * `sayDropped`: the ring's count of dropped lines goes to this thread's writer too (the log thread died and
   * cannot say it; at a normal stop it already did).
   */
  private takeOver(sayDropped = true): void {
    const control = new Int32Array(this.ring.control);
    const head = this.writer.head;
    const dropped = sayDropped ? this.writer.droppedLines : 0;
    if (Atomics.load(control, TAIL) !== head) {
      Atomics.store(control, HEAD, head);
      const reader = new RingReader(this.ring);
      let line: string | undefined;
      while ((line = reader.next(head)) !== undefined) this.lines.line(line);
      reader.commit();
    }
    if (dropped > 0) this.lines.line(droppedNote(dropped, sizeText(this.ring.data.byteLength)));
  }
}
