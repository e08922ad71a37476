/**
 * Which held rows need repainting on a countdown tick. Repainting a row closes its open tooltip (VS Code
 * disposes a row's hover when it renders the row again), so a row is refreshed only when the text it shows
 * would change: never for a hook that waits forever, never for a row VS Code has not rendered (it is drawn
 * fresh when its parent opens), and not while its tooltip is likely open — the tooltip is what a developer
 * reads before answering. No `vscode` import.
 */

/**
 * How long a row whose tooltip was just opened keeps its countdown still, unless another row's tooltip
 * opens first (one tooltip shows at a time). VS Code says when a tooltip opens (resolveTreeItem) but not
 * when it closes; long enough to read it, short enough that a stale countdown does not mislead for long.
 */
export const TOOLTIP_HOLD_MS = 15_000;

export class CountdownTracker {
  /** The description each rendered held row shows now, by node id; bounded by the held rows. */
  private readonly shown = new Map<string, string>();
  /** The row whose tooltip opened last, and when. */
  private hover: { readonly id: string; readonly at: number } | undefined;

  /** Records what a held row was rendered with (called from getTreeItem). */
  rendered(id: string, description: string | undefined): void {
    this.shown.set(id, description ?? '');
  }

  /** A row's tooltip is being opened (called from resolveTreeItem). */
  hovered(id: string, now: number): void {
    this.hover = { id, at: now };
  }

  /**
   * The candidates whose description differs from what is on screen, except a row whose tooltip opened in
   * the last TOOLTIP_HOLD_MS. Rows no longer among the candidates are forgotten, so the map holds only
   * held rows.
   */
  due<T>(candidates: readonly { readonly id: string; readonly node: T; readonly description: string | undefined }[], now = 0): T[] {
    const live = new Set(candidates.map((c) => c.id));
    for (const id of this.shown.keys()) if (!live.has(id)) this.shown.delete(id);
    if (this.hover && (now - this.hover.at >= TOOLTIP_HOLD_MS || !live.has(this.hover.id))) this.hover = undefined;
    const out: T[] = [];
    for (const c of candidates) {
      if (c.id === this.hover?.id) continue;
      const was = this.shown.get(c.id);
      if (was !== undefined && was !== (c.description ?? '')) out.push(c.node);
    }
    return out;
  }

  clear(): void {
    this.shown.clear();
    this.hover = undefined;
  }

  get size(): number {
    return this.shown.size;
  }
}
