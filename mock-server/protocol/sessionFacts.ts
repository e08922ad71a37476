/**
 * What WCS's hooks say about the session, call or stream they belong to: which fields group them, and
 * which hooks move a session's, call's or stream's status. UIs group and label hooks from these facts and
 * keep none of their own.
 */
import { recordOr, str } from '../util';
import type { CorrelationKeys } from './validate';

/** `/8.8.8.8:56046/46.101.108.90:8443…` → `8.8.8.8:56046`: WCS puts the client's address first. */
export function clientOfSessionId(sessionId: string): string | undefined {
  const m = /^\/([^/]+)\//.exec(sessionId);
  return m?.[1];
}

/** Where a hook belongs: its session, and within it a call (by callId) or a stream (by mediaSessionId or name). */
export type HookPlace =
  | { readonly sessionId: string; readonly callId: string }
  | { readonly sessionId: string; readonly mediaSessionId?: string; readonly name?: string; readonly stream: true }
  | { readonly sessionId: string };

/** undefined for a hook that names no session (it stands alone). */
export function placeOf(keys: CorrelationKeys, body: unknown): HookPlace | undefined {
  const sessionId = keys.sessionId ?? str(recordOr(body).sessionId);
  if (!sessionId) return undefined;
  const { callId, mediaSessionId, name } = keys;
  if (callId) return { sessionId, callId };
  if (mediaSessionId || name) return { sessionId, mediaSessionId, name, stream: true };
  return { sessionId };
}

/** The status a session shows after a `connect` hook: held, aborted, refused (any non-200) or accepted. */
export function statusAfterConnect(state: 'pending' | 'answered' | 'aborted', answerStatus: number | undefined): string {
  if (state === 'pending') return 'PENDING';
  if (state === 'aborted') return 'ABORTED';
  return answerStatus !== undefined && answerStatus !== 200 ? 'REFUSED' : 'ACCEPTED';
}

/** The event whose `status` is the session's own (it outranks what the connect answer implies). */
export const SESSION_STATUS_EVENT = 'ConnectionStatusEvent';
/** The event whose `status` is authoritative for a call; other call hooks only set a first status. */
export const CALL_STATUS_EVENT = 'CallStatusEvent';
/** The event whose `status` is authoritative for a stream; other stream hooks only set a first status. */
export const STREAM_STATUS_EVENT = 'StreamStatusEvent';
