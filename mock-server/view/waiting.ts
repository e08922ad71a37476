/**
 * The "Waiting for you" group: the held exchanges, oldest first, and the node that shows their count.
 * Held exchanges stay here until answered, even when the limit has dropped them from the tree.
 */
import type { Exchange } from '../hooks';
import type { Entry } from './entries';
import type { WaitingNode } from './nodes';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export class Waiting {
  readonly node: Mutable<WaitingNode> = { kind: 'waiting', id: 'waiting', count: 0 };
  private readonly held = new Map<string, Entry>();

  /**
   * Adds or removes a held entry. Returns what a UI must refresh: the root when the group appears or goes
   * (the first held hook, the last one answered), else the group itself.
   */
  hold(entry: Entry): 'root' | 'group' {
    this.held.set(entry.key, entry);
    return this.count(+1);
  }

  release(entry: Entry): 'root' | 'group' {
    this.held.delete(entry.key);
    return this.count(-1);
  }

  entries(): IterableIterator<Entry> {
    return this.held.values();
  }

  exchanges(): Exchange[] {
    return [...this.held.values()].map((e) => e.exchange);
  }

  get size(): number {
    return this.held.size;
  }

  clear(): void {
    this.held.clear();
    this.node.count = 0;
  }

  private count(delta: number): 'root' | 'group' {
    const before = this.node.count;
    this.node.count += delta;
    return (before === 0) !== (this.node.count === 0) ? 'root' : 'group';
  }
}
