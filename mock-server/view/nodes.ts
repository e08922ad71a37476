/**
 * The nodes of the hook view: what a tree of sessions, calls, streams and exchanges is made of.
 * Node objects are stable: the same node object is returned for the same thing for as long as it exists,
 * so a UI can use them as element identities and refresh exactly the ones reported as changed.
 */
import type { AnyHookType } from '../protocol';
import type { Exchange } from '../hooks';

/** The group of held exchanges shown first ("Waiting for you"). */
export interface WaitingNode {
  readonly kind: 'waiting';
  readonly id: 'waiting';
  /** Held exchanges not answered yet. */
  readonly count: number;
}

export interface SessionNode {
  readonly kind: 'session';
  /** `session:<sessionId>` */
  readonly id: string;
  readonly sessionId: string;
  readonly appKey?: string;
  /** A roomApp participant's name (`custom.login`). */
  readonly login?: string;
  /** Rooms the participant joined and has not left, as its OnDataEvent hooks say. */
  readonly rooms?: readonly string[];
  /** The client's address as WCS wrote it into the session id (`ip:port`). */
  readonly client?: string;
  /** Latest known state: a ConnectionStatusEvent status, `PENDING` while connect is held, `REFUSED` after a non-200. */
  readonly status?: string;
  /** Exchanges in the session, including its calls and streams. */
  readonly total: number;
  readonly pending: number;
  /** Arrival order of the first exchange; children of a session are ordered by it. */
  readonly seq: number;
}

export interface CallNode {
  readonly kind: 'call';
  /** `call:<sessionId>\n<callId>` */
  readonly id: string;
  readonly sessionId: string;
  readonly callId: string;
  readonly caller?: string;
  readonly callee?: string;
  readonly incoming?: boolean;
  readonly status?: string;
  readonly total: number;
  readonly pending: number;
  readonly seq: number;
}

export interface StreamNode {
  readonly kind: 'stream';
  /** `stream:<sessionId>\n<mediaSessionId or name>` */
  readonly id: string;
  readonly sessionId: string;
  readonly mediaSessionId?: string;
  readonly name?: string;
  /** true for a publisher, false for a player, undefined when no hook said. */
  readonly published?: boolean;
  readonly status?: string;
  readonly total: number;
  readonly pending: number;
  readonly seq: number;
}

export interface ExchangeNode {
  readonly kind: 'exchange';
  /** `exchange:<id>` in the tree and timeline, `held:<id>` for the copy under "Waiting for you". */
  readonly id: string;
  /** The latest state of the exchange, read from the journal (the view keeps no copy). */
  readonly exchange: Exchange;
  /** True for the copy under "Waiting for you". */
  readonly held: boolean;
  readonly seq: number;
}

/** Stands for the exchanges a node does not render because of `maxPerNode`. */
export interface MoreNode {
  readonly kind: 'more';
  /** `more:<parent id>` */
  readonly id: string;
  readonly parentId: string;
  /** How many exchanges are not shown. */
  readonly hidden: number;
  /** Which ones: the oldest (groups show the newest), or the newest (the waiting group shows the oldest first). */
  readonly which: 'earlier' | 'later';
}

export type ContainerNode = SessionNode | CallNode | StreamNode;
export type ModelNode = WaitingNode | ContainerNode | ExchangeNode | MoreNode;

export type ViewMode = 'tree' | 'timeline';

/** What to show. An empty filter shows everything. */
export interface ModelFilter {
  /** Only exchanges still waiting for an answer. */
  readonly heldOnly?: boolean;
  /** Only these hook types (empty or absent: all). */
  readonly types?: readonly AnyHookType[];
  /** Case-insensitive substring of the method, app, key fields, answer or raw body. */
  readonly text?: string;
}

export interface ModelStats {
  /** Exchanges the view shows now. */
  readonly exchanges: number;
  readonly pending: number;
  readonly sessions: number;
  readonly calls: number;
  readonly streams: number;
  /** Exchanges without a session id (shown at the root). */
  readonly unsessioned: number;
  /** ingest() calls, new and updates. */
  readonly ingested: number;
  /** Exchanges dropped because the view showed `limit` already, or the journal dropped them. */
  readonly evicted: number;
  /** `changed` events emitted. */
  readonly batches: number;
}
