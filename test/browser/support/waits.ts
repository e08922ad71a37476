/**
 * Waits that end in a message saying what was awaited and what was there instead.
 *
 * Why: a browser test that waits for something that never comes used to end in mocha's bare "Timeout of
 * 30000ms exceeded", which names neither the wait nor the state (a CI failure of websdk.test.ts could not be
 * told apart between two waits). Each wait here gives up a little before the test's own timeout and throws
 * with `seen()`'s picture. Not a timed assertion: the bound is the test's whole timeout, not a guess at how
 * long something takes.
 */

/** How long the current test may still wait; each `it` gets its own. */
export interface WaitBudget {
  /** ms left before the test's timeout minus a margin for the failure message; 0 when the test has no timeout. */
  remainingMs(): number;
}

/** Kept back from the test's timeout: reading the page's state and printing it take a moment on a loaded machine. */
const MARGIN_MS = 4000;

/** Registers a beforeEach that starts each test's budget; call it in the describe body. */
export function useWaitBudget(): WaitBudget {
  let end = 0;
  beforeEach(function () {
    const timeout = this.currentTest?.timeout() ?? 0;
    // A timeout shorter than twice the margin still gets half of it, so a short test is not starved.
    end = timeout > 0 ? Date.now() + Math.max(timeout - MARGIN_MS, timeout / 2) : 0;
  });
  return { remainingMs: () => (end === 0 ? 0 : Math.max(1, end - Date.now())) };
}

export class WaitFailed extends Error {
  constructor(what: string, waitedMs: number, seen: string) {
    super(`gave up waiting for ${what} after ${waitedMs} ms; seen instead: ${seen}`);
    this.name = 'WaitFailed';
  }
}

async function describeSeen(seen: () => unknown): Promise<string> {
  try {
    const v = await seen();
    return typeof v === 'string' ? v : JSON.stringify(v);
  } catch (err) {
    return `(could not be read: ${err instanceof Error ? err.message : String(err)})`;
  }
}

/**
 * `work` (a page evaluation that waits, a waitForFunction without its own timeout), bounded by the budget.
 * When it runs out, `work` is left to end with its page (its rejection is swallowed) and WaitFailed says
 * what `seen` shows.
 */
export async function within<T>(budget: WaitBudget, what: string, work: Promise<T>, seen: () => unknown): Promise<T> {
  const ms = budget.remainingMs();
  if (ms === 0) return work;
  const started = Date.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const gaveUp = Symbol('gave up');
  const deadline = new Promise<typeof gaveUp>((resolve) => (timer = setTimeout(() => resolve(gaveUp), ms)));
  try {
    const got = await Promise.race([work, deadline]);
    if (got !== gaveUp) return got as T;
  } finally {
    clearTimeout(timer);
  }
  work.catch(() => undefined);
  throw new WaitFailed(what, Date.now() - started, await describeSeen(seen));
}

/** Polls `probe` in Node every 10 ms until it returns something other than undefined; bounded like `within`. */
export async function until<T>(budget: WaitBudget, what: string, probe: () => T | undefined, seen: () => unknown): Promise<T> {
  const ms = budget.remainingMs();
  const started = Date.now();
  for (;;) {
    const got = probe();
    if (got !== undefined) return got;
    if (ms !== 0 && Date.now() - started >= ms) throw new WaitFailed(what, Date.now() - started, await describeSeen(seen));
    await new Promise((r) => setTimeout(r, 10));
  }
}
