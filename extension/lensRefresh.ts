/**
 * When to tell VS Code that the lines above the answer drafts (CodeLens) changed.
 *
 * VS Code's editor restarts its CodeLens timer on every change event, waits a debounce that follows how long
 * its last finished requests took, and drops a request still in flight when the next one starts. A countdown
 * that signalled every second regardless starved it once a request took over a second (a busy extension
 * host, another extension's slow lenses): the line was never asked for again, and it kept showing "Save sends
 * 200" with a frozen countdown while Problems showed the typed error.
 *
 * So:
 * - One signal at a time waits for VS Code to ask: the next is sent only after every draft shown in an editor
 *   was asked for its lines again. Asking reads the state as it is then, so nothing is lost meanwhile.
 * - After an ask, the next signal waits twice the time the last one took to be asked (at most `maxGapMs`), so
 *   the request it started can finish even when VS Code's debounce is shorter than the request.
 * - VS Code may drop a request without asking (the editor lost focus within its debounce), so after a
 *   patience that doubles each time it runs out, it signals anyway.
 * A request refused here is not queued: the caller asks again when it next finds the lines out of date.
 */
export interface LensRefreshOptions {
  /** Tells VS Code the lines changed (the CodeLens provider's change event). */
  signal(): void;
  now?: () => number;
  /** The first wait for an unanswered signal, in ms; it doubles up to `maxPatienceMs`. */
  patienceMs?: number;
  maxPatienceMs?: number;
  /** The longest pause after an ask before the next signal, in ms. */
  maxGapMs?: number;
}

export class LensRefresh {
  private readonly waiting = new Set<string>();
  private signalledAt: number | undefined;
  private askedAt = -Infinity;
  private gap = 0;
  private patience: number;

  constructor(private readonly opts: LensRefreshOptions) {
    this.patience = opts.patienceMs ?? 3000;
  }

  /**
   * Something the lines show changed: signals now if it may; returns whether it did. `shown`: the drafts shown
   * in an editor now, by URI, each of which VS Code will ask for its lines after a signal.
   */
  request(shown: readonly string[]): boolean {
    const now = this.now();
    if (this.waiting.size > 0) {
      if (now - (this.signalledAt ?? now) < this.patience) return false;
      this.patience = Math.min(this.patience * 2, this.opts.maxPatienceMs ?? 60_000);
    } else if (now - this.askedAt < this.gap) {
      return false;
    }
    this.waiting.clear();
    for (const uri of shown) this.waiting.add(uri);
    this.signalledAt = now;
    this.opts.signal();
    return true;
  }

  /** VS Code asked for the lines of this draft: it has seen the last signal. */
  asked(uri: string): void {
    if (!this.waiting.delete(uri) || this.waiting.size > 0) return;
    const now = this.now();
    this.gap = Math.min(2 * (now - (this.signalledAt ?? now)), this.opts.maxGapMs ?? 5000);
    this.askedAt = now;
    this.patience = this.opts.patienceMs ?? 3000;
  }

  private now(): number {
    return (this.opts.now ?? Date.now)();
  }
}
