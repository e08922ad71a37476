/**
 * The grouping of the view: sessions, and within them calls and streams, each with its entries in arrival
 * order and the counts and labels its hooks imply. Which hook means what comes from protocol/sessionFacts.
 */
import {
  CALL_STATUS_EVENT, SESSION_STATUS_EVENT, STREAM_STATUS_EVENT, clientOfSessionId, placeOf, statusAfterConnect,
} from '../protocol';
import type { Exchange } from '../hooks';
import { recordOr, str } from '../util';
import { roomFacts } from './labels';
import type { Entry } from './entries';
import type { CallNode, ContainerNode, ModelNode, SessionNode, StreamNode } from './nodes';
import { Seq } from './seq';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export interface Container {
  readonly node: Mutable<ContainerNode>;
  readonly items: Seq<Entry>;
  /** For calls and streams: their session. */
  readonly session?: SessionContainer;
}

export interface SessionContainer extends Container {
  readonly node: Mutable<SessionNode>;
  /** Calls and streams in order of first appearance. */
  readonly subs: Container[];
  readonly subByKey: Map<string, Container>;
  /** Whether `status` came from the session's status event (which outranks what the connect answer implies). */
  statusFromEvent: boolean;
}

/** How groups tell the view what changed: a node, or (undefined) a container's list of children. */
export interface GroupMarks {
  node(n: ModelNode): void;
  children(c: Container | undefined): void;
}

export class Groups {
  readonly sessions = new Map<string, SessionContainer>();
  readonly sessionOrder: SessionContainer[] = [];
  /** Entries that name no session. */
  readonly loose = new Seq<Entry>();
  calls = 0;
  streams = 0;

  constructor(private readonly marks: GroupMarks) {}

  reset(): void {
    while (this.loose.shift()) { /* drain */ }
    this.sessions.clear();
    this.sessionOrder.length = 0;
    this.calls = 0;
    this.streams = 0;
  }

  /** Files a new entry under its call, stream or session (created on first sight), or at the root. */
  file(entry: Entry, ex: Exchange): void {
    const c = this.containerFor(ex, entry.seq);
    entry.container = c;
    if (c) {
      c.items.push(entry);
      this.count(c, +1, ex.state === 'pending' ? +1 : 0);
      this.describe(c, ex);
    } else {
      this.loose.push(entry);
    }
    this.marks.children(c);
  }

  /** Takes an entry out (the limit dropped it); empty groups go with it. */
  unfile(entry: Entry, held: boolean): void {
    const c = entry.container;
    if (c) {
      c.items.remove(entry);
      this.count(c, -1, held ? -1 : 0);
      this.dropIfEmpty(c);
    } else {
      this.loose.remove(entry);
    }
    this.marks.children(c);
  }

  /** A filed entry changed (answered, aborted). */
  update(entry: Entry, ex: Exchange, leftPending: boolean): void {
    const c = entry.container;
    if (!c) return;
    if (leftPending) this.count(c, 0, -1);
    this.describe(c, ex);
  }

  find(id: string): ContainerNode | undefined {
    for (const s of this.sessionOrder) {
      if (s.node.id === id) return s.node;
      const sub = s.subByKey.get(id);
      if (sub) return sub.node;
    }
    return undefined;
  }

  sub(node: CallNode | StreamNode): Container | undefined {
    return this.sessions.get(node.sessionId)?.subByKey.get(node.id);
  }

  /** Every entry under a session (its calls' and streams' too) or under a call or stream, in arrival order. */
  entriesUnder(node: ContainerNode): Entry[] {
    if (node.kind !== 'session') return this.sub(node)?.items.toArray() ?? [];
    const s = this.sessions.get(node.sessionId);
    if (!s) return [];
    return [...s.items, ...s.subs.flatMap((c) => [...c.items])].sort((a, b) => a.seq - b.seq);
  }

  private containerFor(ex: Exchange, seq: number): Container | undefined {
    const place = placeOf(ex.keys, ex.body);
    if (!place) return undefined;
    const { sessionId } = place;
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
      this.marks.children(undefined);
    }
    if ('callId' in place) {
      const { callId } = place;
      return this.subOf(session, `call:${sessionId}\n${callId}`, () => {
        this.calls++;
        return { kind: 'call', id: `call:${sessionId}\n${callId}`, sessionId, callId, total: 0, pending: 0, seq } satisfies CallNode;
      });
    }
    if ('stream' in place) {
      const { mediaSessionId, name } = place;
      // Some hooks name a stream only by name (playHLS, playRTSP): file them under the stream of that name.
      const byName = !mediaSessionId && name ? session.subs.find((c) => c.node.kind === 'stream' && c.node.name === name) : undefined;
      if (byName) return byName;
      const key = mediaSessionId ?? `name:${name}`;
      return this.subOf(session, `stream:${sessionId}\n${key}`, () => {
        this.streams++;
        return { kind: 'stream', id: `stream:${sessionId}\n${key}`, sessionId, mediaSessionId, name, total: 0, pending: 0, seq } satisfies StreamNode;
      });
    }
    return session;
  }

  private subOf(session: SessionContainer, id: string, make: () => CallNode | StreamNode): Container {
    let c = session.subByKey.get(id);
    if (!c) {
      c = { node: make() as Mutable<CallNode | StreamNode>, items: new Seq(), session };
      session.subByKey.set(id, c);
      session.subs.push(c);
      this.marks.children(session);
    }
    return c;
  }

  private count(c: Container, total: number, pending: number): void {
    for (const x of c.session ? [c, c.session] : [c]) {
      x.node.total += total;
      x.node.pending += pending;
      this.marks.node(x.node);
    }
  }

  /** Keeps the labels of sessions, calls and streams current with what their hooks say. */
  private describe(c: Container, ex: Exchange): void {
    const body = recordOr(ex.body);
    const session = c.session ?? (c as SessionContainer);
    const s = session.node;
    const appKey = str(body.appKey);
    if (appKey && s.appKey !== appKey) {
      s.appKey = appKey;
      this.marks.node(s);
    }
    const room = roomFacts(body);
    if (room.login && s.login !== room.login) {
      s.login = room.login;
      this.marks.node(s);
    }
    // A join counts while its hook is held or once echoed; a declined join (restOnError FAIL) never happened.
    if (room.room && (room.command === 'join' || room.command === 'leave')) {
      const rooms = (s.rooms ?? []).filter((r) => r !== room.room);
      const declined = ex.answer !== undefined && ex.answer.status !== 200;
      s.rooms = room.command === 'join' && !declined ? [...rooms, room.room] : rooms;
      this.marks.node(s);
    }
    const status = str(body.status);
    if (ex.method === SESSION_STATUS_EVENT && status) {
      s.status = status;
      session.statusFromEvent = true;
      this.marks.node(s);
    } else if (ex.method === 'connect' && !session.statusFromEvent) {
      s.status = statusAfterConnect(ex.state, ex.answer?.status);
      this.marks.node(s);
    }
    const n = c.node;
    if (n.kind === 'call') {
      n.caller = str(body.caller) ?? n.caller;
      n.callee = str(body.callee) ?? n.callee;
      if (typeof body.incoming === 'boolean') n.incoming = body.incoming;
      if (status && (ex.method === CALL_STATUS_EVENT || !n.status)) n.status = status;
      this.marks.node(n);
    } else if (n.kind === 'stream') {
      n.name = str(body.name) ?? n.name;
      if (typeof body.published === 'boolean') n.published = body.published;
      if (status && (ex.method === STREAM_STATUS_EVENT || !n.status)) n.status = status;
      this.marks.node(n);
    }
  }

  private dropIfEmpty(c: Container): void {
    if (c.items.length > 0) return;
    if (c.session) {
      const s = c.session;
      s.subByKey.delete(c.node.id);
      s.subs.splice(s.subs.indexOf(c), 1);
      if (c.node.kind === 'call') this.calls--;
      else this.streams--;
      this.marks.children(s);
      this.dropIfEmpty(s);
    } else {
      const s = c as SessionContainer;
      if (s.subs.length > 0) return;
      this.sessions.delete(s.node.sessionId);
      this.sessionOrder.splice(this.sessionOrder.indexOf(s), 1);
      this.marks.children(undefined);
    }
  }
}
