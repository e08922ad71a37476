/**
 * One exchange as the view indexes it: where it sits in the tree and how to read it — not the exchange.
 * A settled exchange is read back from the journal on demand, so attaching a UI keeps no second copy of
 * history alive (the journal packs settled exchanges into its byte arena).
 */
import type { AnyHookType } from '../protocol';
import type { Exchange, HookServerEvents } from '../hooks';
import type { Disposable } from '../util';
import { haystackOf, type Filterable } from './filter';
import type { Container } from './groups';
import type { ExchangeNode } from './nodes';
import { Seq } from './seq';

/** What the view reads a server's exchanges from; the hook server's `Journal` fits. */
export interface JournalReader {
  all(): readonly Exchange[];
  /** Absent on a source that keeps no journal of its own: the view then keeps what it is given. */
  get?(id: string): Exchange | undefined;
  /** Exchanges kept now and dropped so far: together they tell which arrivals the journal has dropped. */
  readonly size?: number;
  readonly dropped?: number;
}

/** What the view's `attach()` needs from a hook server; `HookServer` fits. */
export interface ExchangeSource {
  on<K extends keyof HookServerEvents>(event: K, listener: (...args: HookServerEvents[K]) => void): Disposable;
  readonly journal?: JournalReader;
}

/** One server run (or the exchanges fed to the view directly): a key space of its own. */
export class Run {
  /** The run's entries still in the view, in arrival order. */
  readonly entries = new Seq<Entry>();
  /** Exchanges the view was given and keeps itself, for a run without a readable journal. */
  private readonly own: Map<string, Exchange> | undefined;

  constructor(
    /** Prepended to exchange ids to make the view's keys (`2:17`). */
    readonly prefix: string,
    private readonly journal?: JournalReader,
  ) {
    if (!this.readsJournal) this.own = new Map();
  }

  private get readsJournal(): boolean {
    const j = this.journal;
    return !!j && typeof j.get === 'function' && typeof j.size === 'number' && typeof j.dropped === 'number';
  }

  /** The journal's arrival number of the exchange it added last (the one a `received` event is about). */
  arrivalOfNewest(): number {
    const j = this.journal;
    return this.readsJournal ? j!.dropped! + j!.size! - 1 : -1;
  }

  /** The journal's arrival number of the oldest exchange it kept (`all()` starts there). */
  arrivalOfOldest(): number {
    return this.readsJournal ? this.journal!.dropped! : -1;
  }

  /** Whether the journal has dropped the exchange of this arrival number. */
  dropped(arrival: number): boolean {
    return this.readsJournal && arrival < this.journal!.dropped!;
  }

  remember(ex: Exchange): void {
    this.own?.set(ex.id, ex);
  }

  forget(id: string): void {
    this.own?.delete(id);
  }

  read(id: string): Exchange | undefined {
    return this.own ? this.own.get(id) : this.journal!.get!(id);
  }

  /** Whether the view must hold a settled exchange itself (no journal to read it back from). */
  get keepsOwn(): boolean {
    return this.own !== undefined;
  }
}

export class Entry implements ExchangeNode, Filterable {
  readonly kind = 'exchange' as const;
  /** The tree's node is never the held copy. */
  readonly held = false;
  /** The exchange object while it is held (the server holds it too), so answering finds the very object. */
  live: Exchange | undefined;
  /** The copy shown under "Waiting for you" while held. */
  heldNode: HeldCopy | undefined;
  /** The call, stream or session it is filed under; undefined at the root. */
  container: Container | undefined;
  /** Dropped from the tree by the limit while still held: lives on in the waiting group until answered. */
  evicted = false;
  private text: string | undefined;
  /**
   * The record last read back from the journal, held weakly: while a UI holds it, reading the node again
   * gives the very same object (tree items and lookups compare by identity), and it costs no memory once
   * nobody does.
   */
  private lastRead: WeakRef<Exchange> | undefined;

  constructor(
    readonly key: string,
    readonly seq: number,
    readonly run: Run,
    readonly exchangeId: string,
    readonly type: AnyHookType,
    /** The journal's arrival number (-1 when the run keeps its own exchanges). */
    readonly arrival: number,
    private readonly method: string,
  ) {}

  get id(): string {
    return `exchange:${this.key}`;
  }

  get exchange(): Exchange {
    if (this.live) return this.live;
    const held = this.lastRead?.deref();
    if (held) return held;
    const ex = this.run.read(this.exchangeId);
    if (!ex) return forgotten(this.exchangeId, this.method, this.type);
    if (!this.run.keepsOwn) this.lastRead = new WeakRef(ex);
    return ex;
  }

  get pending(): boolean {
    return this.heldNode !== undefined;
  }

  haystack(): string {
    return (this.text ??= haystackOf(this.exchange));
  }

  /** Drops the cached filter text (the exchange changed, or the filter went away). */
  forgetHaystack(): void {
    this.text = undefined;
  }
}

/** The copy of a held exchange under "Waiting for you": its own node id, the same exchange. */
export class HeldCopy implements ExchangeNode {
  readonly kind = 'exchange' as const;
  readonly held = true;

  constructor(readonly entry: Entry) {}

  get id(): string {
    return `held:${this.entry.key}`;
  }

  get seq(): number {
    return this.entry.seq;
  }

  get exchange(): Exchange {
    return this.entry.exchange;
  }
}

/**
 * Stands in for an exchange the journal dropped before the view did (a journal smaller than the view):
 * the node still renders, and says why its content is gone.
 */
function forgotten(id: string, method: string, type: AnyHookType): Exchange {
  return {
    id, receivedAt: 0, app: '', method, type, unknownMethod: type === 'unknown', httpMethod: 'POST', url: '', headers: {},
    rawBody: '', error: 'no longer in the journal', issues: [], keys: {}, state: 'aborted',
  };
}
