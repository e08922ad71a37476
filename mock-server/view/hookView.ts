/**
 * The hook view: what a UI shows of the journal. It groups exchanges into sessions → calls / streams →
 * exchanges, keeps the held ones in a "Waiting for you" group, filters, caps long lists with "… N more"
 * nodes, and tells a UI which nodes changed — batched, so a burst of thousands of hooks costs a handful of
 * refreshes.
 *
 * It stores no exchanges: attached to a hook server it indexes ids and reads each exchange back from the
 * server's journal when a UI asks (the journal is the one store). Only exchanges fed to `ingest()` directly,
 * with no journal behind them (tests, benchmarks), are kept by the view itself.
 *
 * Pure: no VS Code, no timers other than the batching one.
 */
import { DEFAULT_JOURNAL_LIMIT, type Exchange } from '../hooks';
import { TypedEmitter, type Disposable } from '../util';
import { ChangeBatch } from './batch';
import { Entry, HeldCopy, Run, type ExchangeSource, type JournalReader } from './entries';
import { isFiltering, mergeBySeq, normalizeFilter } from './filter';
import { Groups, type Container } from './groups';
import type { ContainerNode, ExchangeNode, ModelFilter, ModelNode, ModelStats, ViewMode } from './nodes';
import { Seq } from './seq';
import { Visible } from './visible';
import { Waiting } from './waiting';

export interface HookViewOptions {
  /** Changes within this many ms are reported as one `changed` event. Default 100. */
  readonly batchMs?: number;
  /** A node renders at most this many children; older ones fold into a "… N more" node. Default 200. */
  readonly maxPerNode?: number;
  /** The view shows at most this many exchanges; the oldest answered ones are dropped. Default 10000. */
  readonly limit?: number;
}

export interface HookViewEvents {
  /**
   * Nodes whose own presentation or children changed since the last event; `undefined` means the root
   * changed (refresh everything). Emitted at most once per `batchMs`.
   */
  changed: [nodes: ModelNode[] | undefined];
}

export class HookView extends TypedEmitter<HookViewEvents> implements Disposable {
  readonly batchMs: number;
  private limitValue: number;

  private readonly entries = new Map<string, Entry>();
  private readonly order = new Seq<Entry>();
  private readonly groups: Groups;
  private readonly held = new Waiting();
  private readonly show: Visible;
  /** Exchanges fed to ingest() directly. */
  private readonly direct = new Run('');
  /** The run whose server is attached now: its journal is what an export writes. */
  private current: { run: Run; journal: JournalReader } | undefined;
  private seq = 0;
  private generation = 0;
  private ingested = 0;
  private evicted = 0;

  private viewMode: ViewMode = 'tree';
  private viewFilter: ModelFilter = {};

  private readonly batch: ChangeBatch<ModelNode>;
  private readonly attachments = new Set<Disposable>();
  private disposed = false;

  constructor(options: HookViewOptions = {}) {
    super();
    this.batchMs = Math.max(0, options.batchMs ?? 100);
    this.show = new Visible(Math.max(1, Math.floor(options.maxPerNode ?? 200)), () => this.viewFilter);
    this.limitValue = Math.max(1, Math.floor(options.limit ?? DEFAULT_JOURNAL_LIMIT));
    this.batch = new ChangeBatch(this.batchMs, (nodes) => this.emit('changed', nodes));
    this.groups = new Groups({ node: (n) => this.mark(n), children: (c) => this.markChildren(c) });
  }

  /** A node renders at most this many children. */
  get maxPerNode(): number {
    return this.show.maxPerNode;
  }

  /** How many exchanges the view shows at most. */
  get limit(): number {
    return this.limitValue;
  }

  /** Changes the limit (e.g. the journal size setting); lowering it drops the oldest answered exchanges now. */
  setLimit(limit: number): void {
    this.limitValue = Math.max(1, Math.floor(limit));
    this.evictOverLimit();
  }

  // ---------------------------------------------------------------------------------------------
  // Input

  /**
   * Adds a new exchange or takes the new state of a known one (same key). An exchange fed here has no
   * journal behind it, so the view keeps it until the limit drops it.
   * @param key identity in the view; defaults to the exchange id (unique within one server run).
   */
  ingest(ex: Exchange, key: string = ex.id): void {
    this.take(this.direct, ex, key, -1);
  }

  /**
   * Follows a hook server: what its journal holds now, then every event. Each attach is a separate key
   * space (`<n>:<id>`), because a restarted server numbers its exchanges from 1 again and the history of
   * the previous run must not be mistaken for them.
   */
  attach(server: ExchangeSource): Disposable {
    const run = new Run(`${++this.generation}:`, server.journal);
    const first = run.arrivalOfOldest();
    (server.journal?.all() ?? []).forEach((ex, i) => this.take(run, ex, run.prefix + ex.id, first < 0 ? -1 : first + i));
    const received = (ex: Exchange) => this.take(run, ex, run.prefix + ex.id, run.arrivalOfNewest());
    const settled = (ex: Exchange) => this.take(run, ex, run.prefix + ex.id, -1);
    const subs = [server.on('received', received), server.on('answered', settled), server.on('aborted', settled)];
    const current = server.journal ? { run, journal: server.journal } : undefined;
    this.current = current;
    const handle: Disposable = {
      dispose: () => {
        for (const s of subs) s.dispose();
        this.attachments.delete(handle);
        if (this.current === current) this.current = undefined;
      },
    };
    this.attachments.add(handle);
    return handle;
  }

  /** Forgets every answered exchange (held ones stay: they still need an answer). */
  clear(): void {
    const held = [...this.held.entries()].map((e) => ({ ex: e.exchange, e }));
    for (const e of this.order) if (!e.pending) e.run.forget(e.exchangeId);
    for (const e of this.entries.values()) while (e.run.entries.shift()) { /* drain */ }
    this.entries.clear();
    while (this.order.shift()) { /* drain */ }
    this.groups.reset();
    this.held.clear();
    this.show.forgetMoreNodes();
    for (const { ex, e } of held) this.add(e.run, ex, e.key, e.arrival);
    this.markRoot();
  }

  // ---------------------------------------------------------------------------------------------
  // View state

  get mode(): ViewMode {
    return this.viewMode;
  }

  setMode(mode: ViewMode): void {
    if (mode === this.viewMode) return;
    this.viewMode = mode;
    this.markRoot();
  }

  get filter(): ModelFilter {
    return this.viewFilter;
  }

  setFilter(filter: ModelFilter): void {
    this.viewFilter = normalizeFilter(filter);
    // The text a text filter searched is a copy of each body: not kept once it is not needed.
    if (!this.viewFilter.text) for (const e of this.entries.values()) e.forgetHaystack();
    this.markRoot();
  }

  get filtered(): boolean {
    return isFiltering(this.viewFilter);
  }

  // ---------------------------------------------------------------------------------------------
  // Queries

  roots(): ModelNode[] {
    const out: ModelNode[] = [];
    if (this.held.size > 0 && this.show.held(this.held.entries()).length > 0) out.push(this.held.node);
    if (this.viewMode === 'timeline') return out.concat(this.show.capped('root', this.show.entries(this.order)));
    if (this.viewFilter.heldOnly) return out; // the waiting group is the whole answer
    const sessions = this.groups.sessionOrder.filter((s) => this.show.container(s)).map((s) => s.node);
    return out.concat(this.show.capped('root', mergeBySeq<ContainerNode | ExchangeNode>(sessions, this.show.entries(this.groups.loose))));
  }

  children(node?: ModelNode): ModelNode[] {
    if (!node) return this.roots();
    switch (node.kind) {
      case 'waiting':
        return this.show.held(this.held.entries());
      case 'session': {
        const s = this.groups.sessions.get(node.sessionId);
        if (!s || s.node !== node) return [];
        const subs = s.subs.filter((c) => this.show.container(c)).map((c) => c.node);
        return this.show.capped(node.id, mergeBySeq<ContainerNode | ExchangeNode>(subs, this.show.entries(s.items)));
      }
      case 'call':
      case 'stream': {
        const c = this.groups.sub(node);
        return c ? this.show.capped(node.id, this.show.entries(c.items)) : [];
      }
      default:
        return [];
    }
  }

  /** The parent a node has in the current mode (for revealing it); undefined for root nodes. */
  parent(node: ModelNode): ModelNode | undefined {
    switch (node.kind) {
      case 'waiting':
      case 'session':
        return undefined;
      case 'call':
      case 'stream':
        return this.groups.sessions.get(node.sessionId)?.node;
      case 'more':
        return node.parentId === 'waiting' ? this.held.node : node.parentId === 'root' ? undefined : this.groups.find(node.parentId);
      case 'exchange': {
        if (node.held) return this.held.node;
        if (this.viewMode === 'timeline') return undefined;
        return this.entries.get(this.keyOf(node))?.container?.node;
      }
    }
  }

  /** The latest state of an exchange the view shows, by key (the id, for exchanges ingested directly). */
  get(key: string): Exchange | undefined {
    return this.entries.get(key)?.exchange;
  }

  /** The tree node of an exchange (not the copy in the waiting group), by key. */
  nodeOf(key: string): ExchangeNode | undefined {
    return this.entries.get(key);
  }

  /** The key of an exchange node (what get() and nodeOf() take). */
  keyOf(node: ExchangeNode): string {
    return node.id.slice(node.id.indexOf(':') + 1);
  }

  /** Held exchanges, oldest first. */
  pending(): Exchange[] {
    return this.held.exchanges();
  }

  /** Every exchange the view shows, in arrival order (the held ones the limit dropped excluded). */
  all(): Exchange[] {
    return this.order.toArray().map((e) => e.exchange);
  }

  /**
   * What an export writes: what the tree shows from earlier server runs (a restart after a settings change
   * keeps them in the tree), then the attached server's whole journal (a cleared view included); else all().
   */
  history(): readonly Exchange[] {
    const current = this.current;
    if (!current) return this.all();
    const earlier = this.order.toArray().filter((e) => e.run !== current.run).map((e) => e.exchange);
    return [...earlier, ...current.journal.all()];
  }

  /** The exchanges under a node, all of them (not capped, not filtered), in arrival order. */
  exchangesUnder(node: ModelNode): Exchange[] {
    switch (node.kind) {
      case 'exchange':
        return [node.exchange];
      case 'waiting':
        return this.pending();
      case 'more':
        return [];
      default:
        return this.groups.entriesUnder(node).map((e) => e.exchange);
    }
  }

  stats(): ModelStats {
    return {
      exchanges: this.order.length,
      pending: this.held.size,
      sessions: this.groups.sessions.size,
      calls: this.groups.calls,
      streams: this.groups.streams,
      unsessioned: this.groups.loose.length,
      ingested: this.ingested,
      evicted: this.evicted,
      batches: this.batch.emitted,
    };
  }

  // ---------------------------------------------------------------------------------------------
  // Change notification

  /** Emits the pending batch now (tests, benchmarks, and before a UI reads the view synchronously). */
  flush(): void {
    this.batch.flush();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.batch.close();
    for (const a of [...this.attachments]) a.dispose();
    this.removeAllListeners();
  }

  private markRoot(): void {
    this.batch.root();
  }

  private mark(node: ModelNode): void {
    // Under a filter any change can make nodes appear or disappear anywhere.
    if (this.filtered) this.batch.root();
    else this.batch.node(node);
  }

  /** A container's list of children changed (tree mode); in the timeline that is the root. */
  private markChildren(c: Container | undefined): void {
    if (this.viewMode === 'timeline' || !c) this.markRoot();
    else this.mark(c.node);
  }

  private markWaiting(what: 'root' | 'group'): void {
    if (what === 'root') this.markRoot();
    else this.mark(this.held.node);
  }

  // ---------------------------------------------------------------------------------------------
  // Internals

  private take(run: Run, ex: Exchange, key: string, arrival: number): void {
    if (this.disposed) return;
    this.ingested++;
    const known = this.entries.get(key);
    if (known) this.update(known, ex);
    else this.add(run, ex, key, arrival);
  }

  private add(run: Run, ex: Exchange, key: string, arrival: number): void {
    const entry = new Entry(key, ++this.seq, run, ex.id, ex.type, arrival, ex.method);
    run.remember(ex);
    this.entries.set(key, entry);
    this.order.push(entry);
    run.entries.push(entry);
    if (ex.state === 'pending') {
      entry.live = ex;
      entry.heldNode = new HeldCopy(entry);
    }
    this.groups.file(entry, ex);
    if (entry.heldNode) {
      this.markWaiting(this.held.hold(entry));
    }
    this.evictDropped(run);
    this.evictOverLimit();
  }

  private update(entry: Entry, ex: Exchange): void {
    const wasPending = entry.pending;
    // An exchange changes only by leaving `pending`: a rule-answered hook arrives through `received` and
    // `answered` as the same settled exchange, and describing it twice would be work per hook for nothing.
    if (!wasPending && (!entry.run.keepsOwn || entry.run.read(entry.exchangeId) === ex)) return;
    entry.run.remember(ex);
    entry.forgetHaystack();
    const leftPending = wasPending && ex.state !== 'pending';
    entry.live = ex.state === 'pending' ? ex : undefined;
    if (leftPending) {
      entry.heldNode = undefined;
      this.markWaiting(this.held.release(entry));
      if (entry.evicted) {
        this.entries.delete(entry.key);
        entry.run.forget(entry.exchangeId);
        return;
      }
    }
    if (entry.evicted) return;
    this.groups.update(entry, ex, leftPending);
    this.mark(entry);
  }

  private evictOverLimit(): void {
    while (this.order.length > this.limit) this.evict(this.order.first()!);
  }

  /** Entries whose exchange the journal has dropped (a journal smaller than the view) leave the view too. */
  private evictDropped(run: Run): void {
    for (let e = run.entries.first(); e && run.dropped(e.arrival); e = run.entries.first()) this.evict(e);
  }

  private evict(entry: Entry): void {
    this.order.remove(entry);
    entry.run.entries.remove(entry);
    this.evicted++;
    this.groups.unfile(entry, entry.pending);
    if (entry.pending) entry.evicted = true;
    else {
      this.entries.delete(entry.key);
      entry.run.forget(entry.exchangeId);
    }
  }
}
