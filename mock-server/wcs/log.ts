/**
 * The engine's event log: every decision it takes, in order, so a test or a developer can see why the
 * client got what it got. Entries are plain data (JSON-serialisable) for the CLI's --json output.
 */
import type { DeliveryFailure } from './backend';
import { terminalSafe } from '../util';

interface Base {
  /** Position in the engine's log, from 1. */
  readonly seq: number;
  /** Epoch ms. */
  readonly at: number;
  readonly sessionId?: string;
}

export type WcsLogEntry = Base &
  (
    | { readonly kind: 'session'; readonly event: 'opened' | 'established' | 'refused' | 'closed'; readonly info?: string }
    /** A frame the client sent. */
    | { readonly kind: 'client-message'; readonly message: string; readonly data: readonly unknown[] }
    /** A frame sent to the client; `error` when the client's handler threw while receiving it. */
    | { readonly kind: 'client-frame'; readonly message: string; readonly data: readonly unknown[]; readonly error?: string }
    /** A hook as sent (after restExclude). */
    | { readonly kind: 'hook'; readonly method: string; readonly body: Readonly<Record<string, unknown>>; readonly url?: string }
    /** A hook not sent (restPolicy DISABLE). */
    | { readonly kind: 'hook-skipped'; readonly method: string; readonly why: string }
    | {
        readonly kind: 'hook-answer';
        readonly method: string;
        /** 0 when no answer arrived. */
        readonly status: number;
        readonly ok: boolean;
        readonly durationMs: number;
        readonly contentType?: string;
        readonly body?: string;
        readonly failure?: DeliveryFailure;
        readonly error?: string;
      }
    /** What the engine decided and why (restOnError outcome, OVERWRITE, far end, 403 to a SIP caller ...). */
    | { readonly kind: 'decision'; readonly method?: string; readonly text: string }
    /** Something wrong that did not stop the engine (bad frame, invalid restClientConfig ...). */
    | { readonly kind: 'warning'; readonly text: string }
    /** A call to the REST API (`api: 'rest'`, path `group/verb`) or the mock's control API (`api: 'control'`). */
    | { readonly kind: 'rest'; readonly api: 'rest' | 'control'; readonly path: string; readonly status: number; readonly body?: unknown; readonly info?: string }
  );

export type WcsLogKind = WcsLogEntry['kind'];

/** Distributes Omit over the union so each variant keeps its own fields. */
export type WcsLogInput = WcsLogEntry extends infer E ? (E extends WcsLogEntry ? Omit<E, 'seq' | 'at'> : never) : never;

/** A one-line rendering for terminals and test failure messages. */
export function formatLogEntry(e: WcsLogEntry): string {
  switch (e.kind) {
    case 'session':
      return `session ${e.event}${e.info ? ` (${e.info})` : ''}`;
    case 'client-message':
      return `client → ${e.message} ${brief(e.data[0])}`;
    case 'client-frame':
      return `client ← ${e.message} ${brief(e.message === 'setRemoteSDP' ? e.data[0] : e.data[0])}${e.error ? `  !! client threw: ${e.error}` : ''}`;
    case 'hook':
      return `hook → ${e.method}${typeof e.body.status === 'string' ? ` ${e.body.status}` : ''}`;
    case 'hook-skipped':
      return `hook ✗ ${e.method} not sent: ${e.why}`;
    case 'hook-answer':
      return e.failure
        ? `hook ← ${e.method} ${e.failure}: ${e.error ?? ''}`
        : `hook ← ${e.method} ${e.status}${e.contentType ? ` ${e.contentType}` : ''} (${Math.round(e.durationMs)} ms)`;
    case 'decision':
      return `decision${e.method ? ` [${e.method}]` : ''}: ${e.text}`;
    case 'warning':
      return `warning: ${e.text}`;
    case 'rest':
      // Path, body and info come from the network: no control or bidi character reaches a terminal.
      return terminalSafe(`${e.api} ${e.path} ${brief(e.body)} → ${e.status}${e.info ? ` ${e.info}` : ''}`.replace(/ {2,}/g, ' '));
  }
}


function brief(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v.length > 60 ? `${JSON.stringify(v.slice(0, 57))}…` : JSON.stringify(v);
  if (typeof v !== 'object') return String(v);
  const o = v as Record<string, unknown>;
  const parts: string[] = [];
  for (const k of ['status', 'info', 'apiMethod', 'name', 'callId', 'mediaSessionId', 'operationId', 'type']) {
    if (o[k] !== undefined && o[k] !== null) parts.push(`${k}=${typeof o[k] === 'string' ? o[k] : JSON.stringify(o[k])}`);
  }
  // Room frames (roomApp): which room and which notification or command, not just an operationId.
  const p = o.payload;
  if (p && typeof p === 'object' && !Array.isArray(p)) {
    const q = p as Record<string, unknown>;
    if (typeof q.roomName === 'string') parts.push(`room=${JSON.stringify(q.roomName)}`, `event=${JSON.stringify(q.name)}`);
    else if (typeof q.command === 'string') parts.push(`command=${JSON.stringify(q.command)}`);
  }
  return parts.length ? `{${parts.join(' ')}}` : '{…}';
}
