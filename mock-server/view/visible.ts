/**
 * What a parent shows of its children: those the filter lets through, at most `maxPerNode` of them, the rest
 * folded into one stable "… N more" node per parent.
 */
import type { Entry } from './entries';
import { isFiltering, matchesFilter } from './filter';
import type { Container } from './groups';
import type { ModelFilter, ModelNode, MoreNode } from './nodes';
import type { Seq } from './seq';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export class Visible {
  private readonly moreNodes = new Map<string, Mutable<MoreNode>>();

  constructor(
    readonly maxPerNode: number,
    private readonly filter: () => ModelFilter,
  ) {}

  get filtering(): boolean {
    return isFiltering(this.filter());
  }

  entries(list: Seq<Entry>): Entry[] {
    if (!this.filtering) return list.toArray();
    const f = this.filter();
    const out: Entry[] = [];
    for (const e of list) if (matchesFilter(f, e, false)) out.push(e);
    return out;
  }

  container(c: Container): boolean {
    if (!this.filtering) return true;
    const f = this.filter();
    if (f.heldOnly && c.node.pending === 0) return false;
    for (const e of c.items) if (matchesFilter(f, e, false)) return true;
    const subs = (c as { subs?: Container[] }).subs;
    return !!subs && subs.some((s) => this.container(s));
  }

  /** Held exchanges oldest first (they time out first); beyond the cap the newest fold into a "more" node. */
  held(pending: Iterable<Entry>): ModelNode[] {
    const f = this.filter();
    const out: ModelNode[] = [];
    let hidden = 0;
    for (const e of pending) {
      if (!matchesFilter(f, e, true)) continue;
      if (out.length < this.maxPerNode) out.push(e.heldNode!);
      else hidden++;
    }
    if (hidden === 0) {
      this.moreNodes.delete('waiting');
      return out;
    }
    out.push(this.more('waiting', hidden, 'later'));
    return out;
  }

  /** The newest `maxPerNode` of a list, after a "more" node counting the earlier ones. */
  capped(parentId: string, list: ModelNode[]): ModelNode[] {
    if (list.length <= this.maxPerNode) {
      this.moreNodes.delete(parentId);
      return list;
    }
    const more = this.more(parentId, list.length - this.maxPerNode, 'earlier');
    return [more as ModelNode].concat(list.slice(list.length - this.maxPerNode));
  }

  forgetMoreNodes(): void {
    this.moreNodes.clear();
  }

  private more(parentId: string, hidden: number, which: MoreNode['which']): MoreNode {
    let more = this.moreNodes.get(parentId);
    if (!more) this.moreNodes.set(parentId, (more = { kind: 'more', id: `more:${parentId}`, parentId, hidden: 0, which }));
    more.hidden = hidden;
    return more;
  }
}
