/**
 * Lines the interactive terminal could not print while `$EDITOR` had the screen (hooks arriving, hold
 * timeouts answering): kept in order and printed when the editor closes. Bounded, because an editor can stay
 * open for hours under a flood of hooks; past the bound the oldest lines go and the replay says how many.
 */

/** Lines kept while the editor is open: a few screens of a busy session, a small fraction of memory. */
export const PAUSED_LOG_MAX_LINES = 1000;

export interface PausedReplay {
  /** The kept lines, oldest first. */
  readonly lines: readonly string[];
  /** Lines dropped (the oldest) because more than the bound arrived. */
  readonly dropped: number;
}

export class PausedLog {
  private lines: string[] = [];
  private head = 0;
  private dropped = 0;

  constructor(readonly max = PAUSED_LOG_MAX_LINES) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`max must be a whole number ≥ 1, not ${max}`);
  }

  /** Lines waiting to be printed. */
  get size(): number {
    return this.lines.length - this.head;
  }

  push(...lines: string[]): void {
    for (const l of lines) this.lines.push(l);
    const over = this.size - this.max;
    if (over > 0) {
      this.head += over;
      this.dropped += over;
      // Compact now and then rather than shifting on every line.
      if (this.head > this.max) {
        this.lines = this.lines.slice(this.head);
        this.head = 0;
      }
    }
  }

  /** What was kept and how much was lost; empties the log. */
  drain(): PausedReplay {
    const out = { lines: this.lines.slice(this.head), dropped: this.dropped };
    this.lines = [];
    this.head = 0;
    this.dropped = 0;
    return out;
  }
}

/** The note printed before the replayed lines, so they are not mistaken for what happens now. */
export function replayHeading(r: PausedReplay, max: number): string | undefined {
  if (r.lines.length === 0 && r.dropped === 0) return undefined;
  const n = r.lines.length + r.dropped;
  const what = `${n} line${n === 1 ? '' : 's'} logged while the editor was open`;
  if (r.dropped === 0) return `── ${what}: ──`;
  return `── ${what}; the oldest ${r.dropped} were dropped (only the last ${max} are kept): ──`;
}
