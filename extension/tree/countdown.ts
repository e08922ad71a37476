/**
 * Which held rows need repainting on a countdown tick. Repainting a row closes its open tooltip, so a
 * row is refreshed only when the text it shows would change: never for a hook that waits forever, and
 * never for a row VS Code has not rendered (it is drawn fresh when its parent opens). No `vscode` import.
 */
export class CountdownTracker {
  /** The description each rendered held row shows now, by node id; bounded by the held rows. */
  private readonly shown = new Map<string, string>();

  /** Records what a held row was rendered with (called from getTreeItem). */
  rendered(id: string, description: string | undefined): void {
    this.shown.set(id, description ?? '');
  }

  /**
   * The candidates whose description differs from what is on screen. Rows no longer among the
   * candidates are forgotten, so the map holds only held rows.
   */
  due<T>(candidates: readonly { readonly id: string; readonly node: T; readonly description: string | undefined }[]): T[] {
    const live = new Set(candidates.map((c) => c.id));
    for (const id of this.shown.keys()) if (!live.has(id)) this.shown.delete(id);
    const out: T[] = [];
    for (const c of candidates) {
      const was = this.shown.get(c.id);
      if (was !== undefined && was !== (c.description ?? '')) out.push(c.node);
    }
    return out;
  }

  clear(): void {
    this.shown.clear();
  }

  get size(): number {
    return this.shown.size;
  }
}
