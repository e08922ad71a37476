/**
 * `trigger --workers N`: the load run split over N processes of this same CLI, each with its own engine and
 * its share of the plan (load/shares.ts), and their counts merged into one report. Why processes: the
 * engine is single-threaded, and measured on 2 cores, two load processes drove 37 % more sessions/s than
 * one against the same backend (docs/load-testing.md); on a larger machine each worker has a core.
 *
 * The parent forks the command that started it (process.argv[1]) with a hidden `--worker i/N`; a worker
 * sends its counts every PROGRESS_MS for the progress line and its whole outcome at the end, over the IPC
 * channel (structured clone, so histograms keep their Infinity bounds).
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { mergeOutcomes, type LoadPlan, type LoadResult, type LoadRun, type LoadSnapshot, type WorkerOutcome } from '../load';

const PROGRESS_MS = 250;

export type ToParent = { readonly t: 'snapshot'; readonly s: LoadSnapshot } | { readonly t: 'done'; readonly outcome: WorkerOutcome };
export type ToWorker = { readonly t: 'stop' };

/** `--worker i/N` → [i, N]; undefined when the text is not that. */
export function parseWorkerFlag(text: string): [number, number] | undefined {
  const m = /^(\d+)\/(\d+)$/.exec(text);
  if (!m) return undefined;
  const i = Number(m[1]);
  const n = Number(m[2]);
  return n >= 1 && i < n ? [i, n] : undefined;
}

/**
 * The command to fork: the script that started this process, when it is this CLI. Under a test runner or
 * another program that imported `runTrigger`, forking argv[1] would start that program instead.
 */
export function workerEntry(argv1: string | undefined = process.argv[1]): string | undefined {
  if (!argv1) return undefined;
  const base = path.basename(argv1);
  return /^(wcs-hook-mock(\.js)?|cli\.[jt]s)$/.test(base) ? argv1 : undefined;
}

export interface WorkerRun {
  /** The workers' latest counts, added up. */
  snapshot(): LoadSnapshot;
  /** Tells every worker to start no new sessions (Ctrl-C); those in flight still end. */
  stop(): void;
  readonly done: Promise<LoadResult>;
}

function addSnapshots(list: readonly (LoadSnapshot | undefined)[]): LoadSnapshot {
  const kinds = new Map<string, number>();
  const out = { sessionsStarted: 0, sessionsDone: 0, hooks: 0, answered: 0, failures: 0 };
  for (const s of list) {
    if (!s) continue;
    out.sessionsStarted += s.sessionsStarted;
    out.sessionsDone += s.sessionsDone;
    out.hooks += s.hooks;
    out.answered += s.answered;
    out.failures += s.failures;
    for (const [k, n] of s.failureKinds) kinds.set(k, (kinds.get(k) ?? 0) + n);
  }
  return { ...out, failureKinds: [...kinds].sort((a, b) => b[1] - a[1]) as LoadSnapshot['failureKinds'] };
}

/**
 * Forks `n` workers running `argv` (the trigger flags, without --workers) and merges what they report. The
 * caller has checked that `plan` divides into `n` shares (planShare); each worker takes its own.
 */
export function startWorkers(entry: string, argv: readonly string[], n: number, plan: LoadPlan): WorkerRun {
  const latest: (LoadSnapshot | undefined)[] = new Array(n).fill(undefined);
  const outcomes: (WorkerOutcome | undefined)[] = new Array(n).fill(undefined);
  const children: ChildProcess[] = [];
  const done = new Promise<LoadResult>((resolve, reject) => {
    let exited = 0;
    let failed = false;
    for (let i = 0; i < n; i++) {
      const child = fork(entry, ['trigger', ...argv, '--worker', `${i}/${n}`], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'], serialization: 'advanced' });
      children.push(child);
      child.on('message', (m: ToParent) => {
        if (m.t === 'snapshot') latest[i] = m.s;
        else if (m.t === 'done') outcomes[i] = m.outcome;
      });
      child.on('exit', (code, signal) => {
        exited++;
        if (!outcomes[i] && !failed) {
          failed = true;
          for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
          reject(new Error(`load worker ${i + 1} of ${n} ended (${signal ?? `exit code ${code}`}) before it reported; its sessions are not counted`));
          return;
        }
        if (exited === n && !failed) resolve(mergeOutcomes(outcomes as WorkerOutcome[], plan));
      });
    }
  });
  return {
    snapshot: () => addSnapshots(latest),
    stop() {
      for (const c of children) if (c.connected) c.send({ t: 'stop' } satisfies ToWorker);
    },
    done,
  };
}

/**
 * The worker's side: reports its counts while `load` runs and its outcome at the end. `stop` is called when
 * the parent asks for no new sessions; a parent that goes away (its IPC channel closes) ends the worker.
 */
export async function serveAsWorker(load: LoadRun, stop: () => void): Promise<number> {
  const send = (m: ToParent) => process.send?.(m);
  const onMessage = (m: ToWorker) => {
    if (m?.t === 'stop') stop();
  };
  const onDisconnect = () => process.exit(130);
  process.on('message', onMessage);
  process.on('disconnect', onDisconnect);
  const timer = setInterval(() => send({ t: 'snapshot', s: load.stats.snapshot() }), PROGRESS_MS);
  try {
    const result = await load.done;
    await new Promise<void>((resolve) => process.send!({ t: 'done', outcome: { result: { ...result, transcripts: [] }, stats: load.stats.state() } } satisfies ToParent, () => resolve()));
    return 0;
  } finally {
    clearInterval(timer);
    process.off('message', onMessage);
    process.off('disconnect', onDisconnect);
  }
}
