/**
 * Runs the CLI as a subprocess, the way scripts and users do. From source through tsx, so these tests never
 * run a stale bundle; one test (serve.process.test.ts) also runs the bundled bin that `npm test` builds.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export const ROOT = join(__dirname, '../../..');

export interface Running {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first match of `re` in stdout (waiting for more output as needed). */
  waitFor(re: RegExp, stream?: 'stdout' | 'stderr'): Promise<RegExpMatchArray>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const children = new Set<ChildProcess>();
// A test that times out never reaches its own kill, and its CLI would keep mocha (and a CI job) waiting for
// ever after the last test; whatever is still running then is ended here.
after(() => {
  for (const child of children) child.kill('SIGKILL');
});

export function runCli(args: string[], opts: { bin?: boolean; env?: NodeJS.ProcessEnv; command?: [string, string[]] } = {}): Running {
  const [cmd, argv] =
    opts.command ?? [process.execPath, opts.bin ? [join(ROOT, 'bin/wcs-hook-mock.js'), ...args] : ['--import', 'tsx', join(ROOT, 'mock-server/cli.ts'), ...args]];
  const child = spawn(cmd, argv, {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '1', ...opts.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  children.add(child);
  child.on('exit', () => children.delete(child));
  const out = { stdout: '', stderr: '' };
  const waiters: { re: RegExp; stream: 'stdout' | 'stderr'; resolve: (m: RegExpMatchArray) => void }[] = [];
  const check = () => {
    for (const w of [...waiters]) {
      const m = out[w.stream].match(w.re);
      if (m) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(m);
      }
    }
  };
  child.stdout!.on('data', (d: Buffer) => {
    out.stdout += d.toString();
    check();
  });
  child.stderr!.on('data', (d: Buffer) => {
    out.stderr += d.toString();
    check();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    stdout: () => out.stdout,
    stderr: () => out.stderr,
    waitFor(re, stream = 'stdout') {
      return new Promise((resolve, reject) => {
        waiters.push({ re, stream, resolve });
        check();
        // If the process ends first, say what it printed instead of timing out silently.
        void exited.then(({ code }) => {
          if (waiters.some((w) => w.re === re)) {
            reject(new Error(`exited (${code}) before printing ${re}\nstdout: ${out.stdout}\nstderr: ${out.stderr}`));
          }
        });
      });
    },
    exited,
  };
}
