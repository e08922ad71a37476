/** Starting, talking to and stopping the bench's child processes. */
import { execFileSync, fork, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '../..');

/**
 * Forks a module with an IPC channel; resolves on its first message of kind `ready`. TypeScript modules run
 * through tsx; bundles (`.js`) run on plain Node.
 */
export function forkTs<R extends { kind: string }>(
  modulePath: string,
  args: string[] = [],
  execArgv: string[] = [],
  timeoutMs = 30_000,
): Promise<{ child: ChildProcess; ready: R }> {
  const child = fork(path.resolve(ROOT, modulePath), args, {
    cwd: ROOT,
    execArgv: [...(modulePath.endsWith('.ts') ? ['--import', 'tsx'] : []), ...execArgv],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${modulePath} did not get ready within ${timeoutMs} ms`));
    }, timeoutMs);
    const onMessage = (m: R): void => {
      if (m.kind === 'ready') {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve({ child, ready: m });
      } else if (m.kind === 'failed') {
        clearTimeout(timer);
        reject(new Error(`${modulePath}: ${(m as unknown as { message: string }).message}`));
      }
    };
    const onExit = (code: number | null): void => {
      clearTimeout(timer);
      reject(new Error(`${modulePath} exited with ${code} before it was ready`));
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

/** Sends a message and waits for the reply carrying the same id. */
let nextId = 1;
export function request<Req extends object, Rep extends { kind: string; id?: number }>(
  child: ChildProcess,
  msg: Req,
  timeoutMs = 600_000,
): Promise<Rep> {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`no reply from child ${child.pid} within ${timeoutMs} ms`));
    }, timeoutMs);
    const onMessage = (m: Rep): void => {
      if (m.id !== id) return;
      cleanup();
      resolve(m);
    };
    const onExit = (code: number | null): void => {
      cleanup();
      reject(new Error(`child ${child.pid} exited (${code}) before replying`));
    };
    const cleanup = (): void => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
    child.send({ ...msg, id });
  });
}

/** Spawns a non-Node (or non-IPC) server; its output goes to a log file so a full pipe never stalls it. */
export function spawnLogged(cmd: string, args: string[], logFd: number, cwd = ROOT): ChildProcess {
  return spawn(cmd, args, { cwd, stdio: ['ignore', logFd, logFd], detached: false });
}

/** Asks the OS for a free loopback port (for tools that need a port number up front). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** Stops a child: politely first (IPC `exit` or SIGTERM), then SIGKILL. */
export async function stopChild(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  if (child.connected) child.send({ kind: 'exit' });
  else child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Resident set size of any process, from /proc (works for the JVM and Mockoon too). */
export function rssOf(pid: number | undefined): number | undefined {
  if (!pid) return undefined;
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

let clockTicks: number | undefined;

/**
 * CPU time (user + system, all threads) a process has used so far, in µs, from /proc. Works for the JVM and
 * Mockoon as for our Node children, and counts the kernel's share (sending the answers) too.
 */
export function cpuUsOf(pid: number | undefined): number | undefined {
  if (!pid) return undefined;
  try {
    clockTicks ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces) start after the last ')'.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1e6) / clockTicks;
  } catch {
    return undefined;
  }
}
