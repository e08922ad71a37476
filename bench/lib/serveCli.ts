/**
 * `wcs-hook-mock serve` the way a CI job runs it: the shipped CLI (`bin/wcs-hook-mock.js`, the esbuild bundle
 * `npm run build` makes) as a subprocess, no TTY, default journal and default log, its stdout a pipe that this
 * process reads to the end. Every log line is counted, so the section can say whether any was lost: each
 * exchange gets one line carrying its `#id`, ids run 1, 2, 3… and the last id seen must equal the number of
 * exchange lines read.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { ROOT } from './proc';

export interface LogCount {
  /** Exchange lines read from the pipe (lines with a `#id`). */
  lines: number;
  /** The highest exchange id seen. */
  lastId: number;
  /** Other lines (the listening line, the stopped line). */
  other: number;
}

export interface ServeChild {
  readonly child: ChildProcess;
  readonly baseUrl: string;
  /** Stops the server (SIGTERM, as a CI job's teardown does) and resolves once its stdout has ended. */
  stop(): Promise<LogCount>;
  count(): LogCount;
}

const ID = / #(\d+) /;

/**
 * Counts lines cheaply (a newline scan per chunk) and reads the id only from the last complete exchange line
 * of each chunk: ids grow by one per line, so the last id and the line count together prove no line in
 * between was lost.
 */
export function lineCounter(): { push(chunk: Buffer): void; now(): LogCount; end(): LogCount } {
  const c: LogCount = { lines: 0, lastId: 0, other: 0 };
  let partial = '';
  const line = (text: string) => {
    const m = ID.exec(text);
    if (!m) {
      c.other++;
      return;
    }
    c.lines++;
    const id = Number(m[1]);
    if (id > c.lastId) c.lastId = id;
  };
  return {
    push(chunk) {
      let nl = chunk.indexOf(10);
      if (nl < 0) {
        partial += chunk.toString('latin1');
        return;
      }
      // The first line may continue one left over from the previous chunk.
      line(partial + chunk.toString('latin1', 0, nl));
      partial = '';
      let start = nl + 1;
      let lastStart = -1;
      let lastEnd = -1;
      while ((nl = chunk.indexOf(10, start)) >= 0) {
        // Only the line's first bytes are looked at: " #id " sits right after the timestamp.
        if (chunk[start + 25] === 0x23 /* # */) {
          c.lines++;
          lastStart = start;
          lastEnd = nl;
        } else line(chunk.toString('latin1', start, nl));
        start = nl + 1;
      }
      if (lastStart >= 0) {
        const m = ID.exec(chunk.toString('latin1', lastStart, Math.min(lastEnd, lastStart + 48)));
        if (m && Number(m[1]) > c.lastId) c.lastId = Number(m[1]);
      }
      partial = chunk.toString('latin1', start);
    },
    now: () => ({ ...c }),
    end() {
      if (partial) line(partial);
      partial = '';
      return { ...c };
    },
  };
}

/** @param script the CLI to run: the shipped one, or a baseline bundle of an earlier commit. */
export function startServe(args: string[] = [], execArgv: string[] = [], script = path.join(ROOT, 'bin/wcs-hook-mock.js')): Promise<ServeChild> {
  const child = spawn(process.execPath, [...execArgv, script, 'serve', '--port', '0', ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1' },
  });
  const counter = lineCounter();
  let stderr = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (s: string) => {
    if (stderr.length < 4096) stderr += s;
  });
  const ended = new Promise<LogCount>((resolve) => child.stdout!.on('end', () => resolve(counter.end())));
  return new Promise((resolve, reject) => {
    let head = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`serve did not print its listening line within 30 s (stderr: ${stderr})`));
    }, 30_000);
    const onExit = (code: number | null) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code} before listening (stderr: ${stderr.trim()})`));
    };
    child.once('exit', onExit);
    const onHead = (chunk: Buffer) => {
      head += chunk.toString('utf8');
      const m = /listening on (http:\/\/[^\s]+)/.exec(head);
      if (!m) return;
      clearTimeout(timer);
      child.off('exit', onExit);
      child.stdout!.off('data', onHead);
      counter.push(Buffer.from(head));
      child.stdout!.on('data', (c: Buffer) => counter.push(c));
      const baseUrl = m[1]!.replace(/\/$/, '');
      resolve({
        child,
        baseUrl,
        count: () => counter.now(),
        stop: async () => {
          if (child.exitCode === null && child.signalCode === null) {
            child.kill('SIGCONT');
            child.kill('SIGTERM');
          }
          const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
          try {
            return await ended;
          } finally {
            clearTimeout(kill);
          }
        },
      });
    };
    child.stdout!.on('data', onHead);
  });
}
