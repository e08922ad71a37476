/**
 * Change notification for the view: nodes marked as changed are reported together once per window, so a
 * burst of thousands of hooks costs a UI a handful of refreshes.
 */
export class ChangeBatch<N> {
  private readonly dirty = new Set<N>();
  private rootDirty = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;
  /** Batches emitted so far. */
  emitted = 0;

  constructor(
    private readonly windowMs: number,
    private readonly emit: (nodes: N[] | undefined) => void,
  ) {}

  /** Everything may have changed: the next batch is a full refresh (`undefined`). */
  root(): void {
    this.rootDirty = true;
    this.dirty.clear();
    this.schedule();
  }

  node(n: N): void {
    if (this.rootDirty) return;
    this.dirty.add(n);
    this.schedule();
  }

  /** Emits what is pending now. */
  flush(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (!this.rootDirty && this.dirty.size === 0) return;
    const nodes = this.rootDirty ? undefined : [...this.dirty];
    this.rootDirty = false;
    this.dirty.clear();
    this.emitted++;
    this.emit(nodes);
  }

  close(): void {
    this.closed = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    if (this.timer !== undefined || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, this.windowMs);
  }
}
