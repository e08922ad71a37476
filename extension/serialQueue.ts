/**
 * Runs async operations one after another (start, stop, restart of a server): each waits for the one before it,
 * whether that one succeeded or failed, so a quick stop-then-start never interleaves.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(op: () => Promise<T>): Promise<T> {
    const next = this.tail.then(op, op);
    this.tail = next.catch(() => undefined);
    return next;
  }

  /** Resolves when every queued operation has finished, including ones queued while waiting. */
  async idle(): Promise<void> {
    let q: Promise<unknown>;
    do {
      q = this.tail;
      await q;
    } while (q !== this.tail);
  }
}
