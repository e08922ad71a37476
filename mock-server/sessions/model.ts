/**
 * The session model: groups exchanges into sessions → calls / streams → exchanges, keeps the held ones in a
 * "Waiting for you" group, and tells a UI which nodes changed — batched, so a burst of thousands of hooks
 * costs a handful of refreshes, and capped, so no node renders more than `maxPerNode` exchanges.
 *
 * Pure: no VS Code, no timers other than the batching one. The extension's TreeDataProvider maps it; the
 * benchmark drives it directly.
 */
import type { AnyHookType } from '../protocol/methods';
import { DEFAULT_JOURNAL_LIMIT } from '../hooks/journal';
import type { Exchange, HookServerEvents } from '../hooks/types';
import { TypedEmitter, type Disposable } from '../util/emitter';
import { Seq } from './seq';
import { recordOr, str } from '../util/values';
import type {
  CallNode,
  ContainerNode,
  ExchangeNode,
  ModelFilter,
  ModelNode,
  ModelStats,
  MoreNode,
  SessionNode,
  StreamNode,
  ViewMode,
  WaitingNode,
} from './nodes';

export interface SessionModelOptions {
  /** Changes within this many ms are reported as one `changed` event. Default 100. */
  readonly batchMs?: number;
  /** A node renders at most this many children; older ones fold into a "… N more" node. Default 200. */
  readonly maxPerNode?: number;
  /** The model holds at most this many exchanges; the oldest answered ones are dropped. Default 10000. */
  readonly limit?: number;
}

export interface SessionModelEvents {
  /**
   * Nodes whose own presentation or children changed since the last event; `undefined` means the root
   * changed (refresh everything). Emitted at most once per `batchMs`.
   */
  changed: [nodes: ModelNode[] | undefined];
}

/** What `attach()` needs from a hook server; `HookServer` fits. */
export interface ExchangeSource {
  on<K extends keyof HookServerEvents>(event: K, listener: (...args: HookServerEvents[K]) => void): Disposable;
  readonly journal?: { all(): readonly Exchange[] };
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

interface Entry {
  /** The exchange id, prefixed by its source when the model follows more than one server run. */
  readonly key: string;
  readonly node: Mutable<ExchangeNode>;
  heldNode?: Mutable<ExchangeNode>;
  /** undefined: at the root (no session id). */
  container?: Container;
  /** Dropped from the tree by the limit while still held; lives on in the waiting group until answered. */
  evicted: boolean;
  haystack?: string;
}

interface Container {
  readonly node: Mutable<ContainerNode>;
  readonly items: Seq<Entry>;
  /** For calls and streams: their session. */
  readonly session?: SessionContainer;
}

interface SessionContainer extends Container {
  readonly node: Mutable<SessionNode>;
  /** Calls and streams in order of first appearance. */
  readonly subs: Container[];
  readonly subByKey: Map<string, Container>;
  /** Whether `status` came from a ConnectionStatusEvent (which outranks what the connect answer implies). */
  statusFromEvent: boolean;
}

function bodyOf(ex: Exchange): Record<string, unknown> {
  return recordOr(ex.body);
}

/** `/8.8.8.8:56046/46.101.108.90:8443…` → `8.8.8.8:56046`: WCS puts the client's address first. */
export function clientOfSessionId(sessionId: string): string | undefined {
  const m = /^\/([^/]+)\//.exec(sessionId);
  return m?.[1];
}

export class SessionModel extends TypedEmitter<SessionModelEvents> implements Disposable {
  readonly batchMs: number;
  readonly maxPerNode: number;
  private limitValue: number;

  private readonly entries = new Map<string, Entry>();
  private readonly order = new Seq<Entry>();
  private readonly rootItems = new Seq<Entry>();
  private readonly sessions = new Map<string, SessionContainer>();
  private readonly sessionOrder: SessionContainer[] = [];
  private readonly pendingEntries = new Map<string, Entry>();
  private readonly waiting: Mutable<WaitingNode> = { kind: 'waiting', id: 'waiting', count: 0 };
  private readonly moreNodes = new Map<string, Mutable<MoreNode>>();
  private seq = 0;
  private generation = 0;
  private callCount = 0;
  private streamCount = 0;
  private ingested = 0;
  private evicted = 0;
  private batches = 0;

  private viewMode: ViewMode = 'tree';
  private viewFilter: ModelFilter = {};

  private readonly dirty = new Set<ModelNode>();
  private rootDirty = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly attachments = new Set<Disposable>();
  private disposed = false;

  constructor(options: SessionModelOptions = {}) {
    super();
    this.batchMs = Math.max(0, options.batchMs ?? 100);
    this.maxPerNode = Math.max(1, Math.floor(options.maxPerNode ?? 200));
    this.limitValue = Math.max(1, Math.floor(options.limit ?? DEFAULT_JOURNAL_LIMIT));
  }

  /** How many exchanges the model holds at most. */
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
   * Adds a new exchange or takes the new state of a known one (same key).
   * @param key identity in the model; defaults to the exchange id (unique within one server run).
   */
  ingest(ex: Exchange, key: string = ex.id): void {
    if (this.disposed) return;
    this.ingested++;
    const known = this.entries.get(key);
    if (known) this.update(known, ex);
    else this.add(ex, key);
  }

  /**
   * Feeds the model from a hook server: what its journal holds now, then every event. Each attach is a
   * separate key space (`<n>:<id>`), because a restarted server numbers its exchanges from 1 again and the
   * history of the previous run must not be mistaken for them.
   */
  attach(server: ExchangeSource): Disposable {
    const prefix = `${++this.generation}:`;
    const ingest = (ex: Exchange) => this.ingest(ex, prefix + ex.id);
    for (const ex of server.journal?.all() ?? []) ingest(ex);
    const subs = [server.on('received', ingest), server.on('answered', ingest), server.on('aborted', ingest)];
    const handle: Disposable = {
      dispose: () => {
        for (const s of subs) s.dispose();
        this.attachments.delete(handle);
      },
    };
    this.attachments.add(handle);
    return handle;
  }

  /** Forgets every answered exchange (held ones stay: they still need an answer). */
  clear(): void {
    const held = [...this.pendingEntries.values()].map((e) => [e.node.exchange, e.key] as const);
    this.entries.clear();
    while (this.order.shift()) { /* drain */ }
    while (this.rootItems.shift()) { /* drain */ }
    this.sessions.clear();
    this.sessionOrder.length = 0;
    this.pendingEntries.clear();
    this.moreNodes.clear();
    this.waiting.count = 0;
    this.callCount = 0;
    this.streamCount = 0;
    for (const [ex, key] of held) this.add(ex, key);
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
    const text = filter.text?.trim().toLowerCase();
    this.viewFilter = {
      ...(filter.heldOnly ? { heldOnly: true } : {}),
      ...(filter.types && filter.types.length > 0 ? { types: [...filter.types] } : {}),
      ...(text ? { text } : {}),
    };
    this.markRoot();
  }

  get filtered(): boolean {
    const f = this.viewFilter;
    return !!(f.heldOnly || f.types || f.text);
  }

  // ---------------------------------------------------------------------------------------------
  // Queries

  roots(): ModelNode[] {
    const out: ModelNode[] = [];
    if (this.waiting.count > 0 && this.waitingChildren().length > 0) out.push(this.waiting);
    if (this.viewMode === 'timeline') {
      const list = this.visibleEntries(this.order);
      return out.concat(this.capped('root', list.map((e) => e.node)));
    }
    if (this.viewFilter.heldOnly) return out; // the waiting group is the whole answer
    const sessions = this.sessionOrder.filter((s) => this.containerVisible(s));
    const loose = this.visibleEntries(this.rootItems).map((e) => e.node);
    return out.concat(this.capped('root', mergeBySeq<ContainerNode | ExchangeNode>(sessions.map((s) => s.node), loose)));
  }

  children(node?: ModelNode): ModelNode[] {
    if (!node) return this.roots();
    switch (node.kind) {
      case 'waiting':
        return this.waitingChildren();
      case 'session': {
        const s = this.sessions.get(node.sessionId);
        if (!s || s.node !== node) return [];
        const subs = s.subs.filter((c) => this.containerVisible(c)).map((c) => c.node);
        const own = this.visibleEntries(s.items).map((e) => e.node);
        return this.capped(node.id, mergeBySeq<ContainerNode | ExchangeNode>(subs, own));
      }
      case 'call':
      case 'stream': {
        const c = this.sessions.get(node.sessionId)?.subByKey.get(node.id);
        if (!c) return [];
        return this.capped(node.id, this.visibleEntries(c.items).map((e) => e.node));
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
        return this.sessions.get(node.sessionId)?.node;
      case 'more':
        return this.findNode(node.parentId);
      case 'exchange': {
        if (node.held) return this.waiting;
        if (this.viewMode === 'timeline') return undefined;
        return this.entries.get(this.keyOf(node))?.container?.node;
      }
    }
  }

  /** The latest state of an exchange the model holds, by key (the id, for exchanges ingested directly). */
  get(key: string): Exchange | undefined {
    return this.entries.get(key)?.node.exchange;
  }

  /** The tree node of an exchange (not the copy in the waiting group), by key. */
  nodeOf(key: string): ExchangeNode | undefined {
    return this.entries.get(key)?.node;
  }

  /** The key of an exchange node (what get() and nodeOf() take). */
  keyOf(node: ExchangeNode): string {
    return node.id.slice(node.id.indexOf(':') + 1);
  }

  /** Held exchanges, oldest first. */
  pending(): Exchange[] {
    return [...this.pendingEntries.values()].map((e) => e.node.exchange);
  }

  /** Every exchange in arrival order (the held ones the limit dropped excluded). */
  all(): Exchange[] {
    return this.order.toArray().map((e) => e.node.exchange);
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
      case 'session': {
        const s = this.sessions.get(node.sessionId);
        if (!s) return [];
        const all = [...s.items, ...s.subs.flatMap((c) => [...c.items])];
        return all.sort((a, b) => a.node.seq - b.node.seq).map((e) => e.node.exchange);
      }
      default: {
        const c = this.sessions.get(node.sessionId)?.subByKey.get(node.id);
        return c ? c.items.toArray().map((e) => e.node.exchange) : [];
      }
    }
  }

  stats(): ModelStats {
    return {
      exchanges: this.order.length,
      pending: this.pendingEntries.size,
      sessions: this.sessions.size,
      calls: this.callCount,
      streams: this.streamCount,
      unsessioned: this.rootItems.length,
      ingested: this.ingested,
      evicted: this.evicted,
      batches: this.batches,
    };
  }

  // ---------------------------------------------------------------------------------------------
  // Change notification

  /** Emits the pending batch now (tests, benchmarks, and before a UI reads the model synchronously). */
  flush(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (!this.rootDirty && this.dirty.size === 0) return;
    const nodes = this.rootDirty ? undefined : [...this.dirty];
    this.rootDirty = false;
    this.dirty.clear();
    this.batches++;
    this.emit('changed', nodes);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    for (const a of [...this.attachments]) a.dispose();
    this.removeAllListeners();
  }

  private schedule(): void {
    if (this.timer !== undefined || this.disposed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, this.batchMs);
  }

  private markRoot(): void {
    this.rootDirty = true;
    this.dirty.clear();
    this.schedule();
  }

  private mark(node: ModelNode | undefined): void {
    if (!node) return this.markRoot();
    if (this.rootDirty) return;
    // Under a filter or in the timeline any change can make nodes appear or disappear anywhere.
    if (this.filtered) return this.markRoot();
    this.dirty.add(node);
    this.schedule();
  }

  /** A container's list of children changed (tree mode); in the timeline that is the root. */
  private markChildren(c: Container | undefined): void {
    if (this.viewMode === 'timeline') return this.markRoot();
    this.mark(c?.node);
  }

  private markWaiting(countBefore: number): void {
    if ((countBefore === 0) !== (this.waiting.count === 0)) this.markRoot();
    else this.mark(this.waiting);
  }

  // ---------------------------------------------------------------------------------------------
  // Internals

  private add(ex: Exchange, key: string): void {
    const seq = ++this.seq;
    const entry: Entry = {
      key,
      node: { kind: 'exchange', id: `exchange:${key}`, exchange: ex, held: false, seq },
      evicted: false,
    };
    this.entries.set(key, entry);
    this.order.push(entry);

    const container = this.containerFor(ex, seq);
    entry.container = container;
    if (container) {
      container.items.push(entry);
      this.count(container, +1, ex.state === 'pending' ? +1 : 0);
      this.describe(container, ex);
    } else {
      this.rootItems.push(entry);
    }
    this.markChildren(container);

    if (ex.state === 'pending') {
      const before = this.waiting.count;
      entry.heldNode = { kind: 'exchange', id: `held:${key}`, exchange: ex, held: true, seq };
      this.pendingEntries.set(key, entry);
      this.waiting.count++;
      this.markWaiting(before);
    }
    this.evictOverLimit();
  }

  private update(entry: Entry, ex: Exchange): void {
    const wasPending = this.pendingEntries.has(entry.key);
    // An exchange changes only by leaving `pending`: a rule-answered hook arrives through `received` and
    // `answered` as the same settled object, and describing it twice would be work per hook for nothing.
    if (entry.node.exchange === ex && !wasPending) return;
    entry.node.exchange = ex;
    entry.haystack = undefined;
    if (entry.heldNode) entry.heldNode.exchange = ex;
    const c = entry.container;
    if (wasPending && ex.state !== 'pending') {
      const before = this.waiting.count;
      this.pendingEntries.delete(entry.key);
      entry.heldNode = undefined;
      this.waiting.count--;
      this.markWaiting(before);
      if (entry.evicted) {
        this.entries.delete(entry.key);
        return;
      }
      if (c) this.count(c, 0, -1);
    }
    if (entry.evicted) return;
    if (c) this.describe(c, ex);
    this.mark(entry.node);
  }

  /** Finds or creates the call, stream or session an exchange belongs to; undefined for the root. */
  private containerFor(ex: Exchange, seq: number): Container | undefined {
    const body = bodyOf(ex);
    const sessionId = ex.keys.sessionId ?? str(body.sessionId);
    if (!sessionId) return undefined;
    let session = this.sessions.get(sessionId);
    if (!session) {
      session = {
        node: { kind: 'session', id: `session:${sessionId}`, sessionId, client: clientOfSessionId(sessionId), total: 0, pending: 0, seq },
        items: new Seq(),
        subs: [],
        subByKey: new Map(),
        statusFromEvent: false,
      };
      this.sessions.set(sessionId, session);
      this.sessionOrder.push(session);
      this.markChildren(undefined);
    }
    const { callId, mediaSessionId, name } = ex.keys;
    if (callId) return this.sub(session, `call:${sessionId}\n${callId}`, seq, () => {
      this.callCount++;
      return { kind: 'call', id: `call:${sessionId}\n${callId}`, sessionId, callId, total: 0, pending: 0, seq } satisfies CallNode;
    });
    if (mediaSessionId || name) {
      // Some hooks name a stream only by name (playHLS, playRTSP): file them under the stream of that name.
      const byName = !mediaSessionId && name ? session.subs.find((c) => c.node.kind === 'stream' && c.node.name === name) : undefined;
      if (byName) return byName;
      const key = mediaSessionId ?? `name:${name}`;
      return this.sub(session, `stream:${sessionId}\n${key}`, seq, () => {
        this.streamCount++;
        return { kind: 'stream', id: `stream:${sessionId}\n${key}`, sessionId, mediaSessionId, name, total: 0, pending: 0, seq } satisfies StreamNode;
      });
    }
    return session;
  }

  private sub(session: SessionContainer, id: string, _seq: number, make: () => CallNode | StreamNode): Container {
    let c = session.subByKey.get(id);
    if (!c) {
      c = { node: make() as Mutable<CallNode | StreamNode>, items: new Seq(), session };
      session.subByKey.set(id, c);
      session.subs.push(c);
      this.markChildren(session);
    }
    return c;
  }

  private count(c: Container, total: number, pending: number): void {
    for (const x of c.session ? [c, c.session] : [c]) {
      x.node.total += total;
      x.node.pending += pending;
      this.mark(x.node);
    }
  }

  /** Keeps the labels of sessions, calls and streams current with what their hooks say. */
  private describe(c: Container, ex: Exchange): void {
    const body = bodyOf(ex);
    const session = c.session ?? (c as SessionContainer);
    const s = session.node;
    const appKey = str(body.appKey);
    if (appKey && s.appKey !== appKey) {
      s.appKey = appKey;
      this.mark(s);
    }
    if (ex.method === 'ConnectionStatusEvent' && str(body.status)) {
      s.status = str(body.status);
      session.statusFromEvent = true;
      this.mark(s);
    } else if (ex.method === 'connect' && !session.statusFromEvent) {
      s.status =
        ex.state === 'pending' ? 'PENDING'
          : ex.state === 'aborted' ? 'ABORTED'
            : ex.answer && ex.answer.status !== 200 ? 'REFUSED'
              : 'ACCEPTED';
      this.mark(s);
    }
    const n = c.node;
    if (n.kind === 'call') {
      n.caller = str(body.caller) ?? n.caller;
      n.callee = str(body.callee) ?? n.callee;
      if (typeof body.incoming === 'boolean') n.incoming = body.incoming;
      if (str(body.status) && (ex.method === 'CallStatusEvent' || !n.status)) n.status = str(body.status);
      this.mark(n);
    } else if (n.kind === 'stream') {
      n.name = str(body.name) ?? n.name;
      if (typeof body.published === 'boolean') n.published = body.published;
      if (str(body.status) && (ex.method === 'StreamStatusEvent' || !n.status)) n.status = str(body.status);
      this.mark(n);
    }
  }

  private evictOverLimit(): void {
    while (this.order.length > this.limit) {
      const entry = this.order.shift()!;
      this.evicted++;
      const c = entry.container;
      if (c) {
        c.items.remove(entry);
        this.count(c, -1, entry.heldNode ? -1 : 0);
        this.dropIfEmpty(c);
      } else {
        this.rootItems.remove(entry);
      }
      this.markChildren(c);
      if (entry.heldNode) entry.evicted = true;
      else this.entries.delete(entry.key);
    }
  }

  private dropIfEmpty(c: Container): void {
    if (c.items.length > 0) return;
    if (c.session) {
      const s = c.session;
      s.subByKey.delete(c.node.id);
      s.subs.splice(s.subs.indexOf(c), 1);
      if (c.node.kind === 'call') this.callCount--;
      else this.streamCount--;
      this.markChildren(s);
      this.dropIfEmpty(s);
    } else {
      const s = c as SessionContainer;
      if (s.subs.length > 0) return;
      this.sessions.delete(s.node.sessionId);
      this.sessionOrder.splice(this.sessionOrder.indexOf(s), 1);
      this.markChildren(undefined);
    }
  }

  /** Held exchanges oldest first (they time out first); beyond the cap the newest fold into a "more" node. */
  private waitingChildren(): ModelNode[] {
    const out: ModelNode[] = [];
    let hidden = 0;
    for (const e of this.pendingEntries.values()) {
      if (!this.matches(e, true)) continue;
      if (out.length < this.maxPerNode) out.push(e.heldNode!);
      else hidden++;
    }
    if (hidden === 0) {
      this.moreNodes.delete('waiting');
      return out;
    }
    let more = this.moreNodes.get('waiting');
    if (!more) this.moreNodes.set('waiting', (more = { kind: 'more', id: 'more:waiting', parentId: 'waiting', hidden: 0, which: 'later' }));
    more.hidden = hidden;
    out.push(more);
    return out;
  }

  private visibleEntries(list: Iterable<Entry>): Entry[] {
    if (!this.filtered) return list instanceof Seq ? list.toArray() : [...list];
    const out: Entry[] = [];
    for (const e of list) if (this.matches(e, false)) out.push(e);
    return out;
  }

  private containerVisible(c: Container): boolean {
    if (!this.filtered) return true;
    if (this.viewFilter.heldOnly && c.node.pending === 0) return false;
    for (const e of c.items) if (this.matches(e, false)) return true;
    const subs = (c as SessionContainer).subs;
    return !!subs && subs.some((s) => this.containerVisible(s));
  }

  private matches(e: Entry, ignoreHeld: boolean): boolean {
    const f = this.viewFilter;
    const ex = e.node.exchange;
    if (f.heldOnly && !ignoreHeld && ex.state !== 'pending') return false;
    if (f.types && !f.types.includes(ex.type as AnyHookType)) return false;
    if (f.text) {
      e.haystack ??= haystackOf(ex);
      if (!e.haystack.includes(f.text)) return false;
    }
    return true;
  }

  private capped(parentId: string, list: ModelNode[]): ModelNode[] {
    if (list.length <= this.maxPerNode) {
      this.moreNodes.delete(parentId);
      return list;
    }
    let more = this.moreNodes.get(parentId);
    if (!more) this.moreNodes.set(parentId, (more = { kind: 'more', id: `more:${parentId}`, parentId, hidden: 0, which: 'earlier' }));
    more.hidden = list.length - this.maxPerNode;
    return [more as ModelNode].concat(list.slice(list.length - this.maxPerNode));
  }

  private findNode(id: string): ModelNode | undefined {
    if (id === 'root') return undefined;
    if (id === 'waiting') return this.waiting;
    for (const s of this.sessionOrder) {
      if (s.node.id === id) return s.node;
      const sub = s.subByKey.get(id);
      if (sub) return sub.node;
    }
    return undefined;
  }
}

function haystackOf(ex: Exchange): string {
  const k = ex.keys;
  return [ex.method, ex.app, ex.type, k.sessionId, k.callId, k.mediaSessionId, k.name, ex.rawBody, ex.answer?.body]
    .filter(Boolean)
    .join('\n')
    .toLowerCase();
}

/** Merges two lists each already in arrival order into one. */
function mergeBySeq<T extends { readonly seq: number }>(a: readonly T[], b: readonly T[]): T[] {
  if (a.length === 0) return b.slice();
  if (b.length === 0) return a.slice();
  const out: T[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) out.push(a[i].seq <= b[j].seq ? a[i++] : b[j++]);
  while (i < a.length) out.push(a[i++]);
  while (j < b.length) out.push(b[j++]);
  return out;
}
