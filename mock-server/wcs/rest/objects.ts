/**
 * The objects the REST API reports (REST-API.md §2) built from the engine's live state, the filters of the
 * `find`/`terminate` methods, and the readers that turn a request body into typed fields or a 400.
 */
import type { CallState, Session, StreamState } from '../session';
import type { EngineSurface } from '../surface';

/** A request the caller must fix: answered 400 with this message. */
export class BadRequest extends Error {
  override name = 'BadRequest';
}

export interface LiveStream {
  readonly session: Session;
  readonly stream: StreamState;
}

export interface LiveCall {
  readonly session: Session;
  readonly call: CallState;
  /** Started by `/call/startup`: no client session behind it. */
  readonly rest: boolean;
}

export function established(surface: EngineSurface): Session[] {
  return [...surface.sessions()].filter((s) => s.state === 'established');
}

export function liveStreams(surface: EngineSurface): LiveStream[] {
  return established(surface).flatMap((session) => [...session.streams.values()].map((stream) => ({ session, stream })));
}

/** The stream as `stream/find` lists it: the object the hooks carry, with the envelope (§2.1). */
export function streamObject(surface: EngineSurface, { session, stream }: LiveStream, metrics: boolean): Record<string, unknown> {
  const o: Record<string, unknown> = {
    nodeId: surface.nodeId, appKey: session.appKey, sessionId: session.id, ...stream.obj,
    mediaSessionId: stream.mediaSessionId, published: stream.published,
  };
  // The mock carries no media, so there is nothing to measure: an empty set rather than invented numbers.
  if (metrics) o.metrics = {};
  return o;
}

/** The connection as `connection/find` lists it: what getUserData carried (§2.2, the rest pass-through). */
export function connectionObject(surface: EngineSurface, s: Session): Record<string, unknown> {
  return { ...s.connection, nodeId: surface.nodeId, appKey: s.appKey, sessionId: s.id, status: 'ESTABLISHED' };
}

/**
 * The call as `call/find` lists it (§2.3). For calls started over REST the documented sample has `nodeId`,
 * `appKey` and `sessionId` null, so they are reported null here too (their hooks still carry an envelope).
 */
export function callObject(surface: EngineSurface, c: LiveCall): Record<string, unknown> {
  const envelope = c.rest ? { nodeId: null, appKey: null, sessionId: null } : { nodeId: surface.nodeId, appKey: c.session.appKey, sessionId: c.session.id };
  return { custom: {}, ...c.call.obj, ...envelope, callId: c.call.callId, incoming: c.call.incoming };
}

// --- reading request bodies --------------------------------------------------------------------------

export function optionalString(body: Record<string, unknown>, key: string): string | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new BadRequest(`${key} must be a string, got ${JSON.stringify(v)}`);
  return v;
}

export function requiredString(body: Record<string, unknown>, key: string): string {
  const v = optionalString(body, key);
  if (v === undefined || v === '') throw new BadRequest(`${key} is required`);
  return v;
}

/** WCS's own examples send booleans as strings ("hasAudio": "true"), so both are accepted (REST-API.md §6). */
export function optionalBoolean(body: Record<string, unknown>, key: string): boolean | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'boolean') return v;
  if (v === 'true' || v === 'false') return v === 'true';
  throw new BadRequest(`${key} must be true or false, got ${JSON.stringify(v)}`);
}

export function optionalStringList(body: Record<string, unknown>, key: string): string[] | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw new BadRequest(`${key} must be an array of strings`);
  return v as string[];
}

// --- filters ----------------------------------------------------------------------------------------

export type Filter<T> = (item: T) => boolean;

/**
 * The fields `find` and `terminate` filter streams by; every one present must match. The documented ones
 * are mediaSessionId, name, published, status (§3); sessionId and appKey are added (inferred). Fields
 * outside the list are ignored, never rejected (pass-through).
 */
export function streamFilter(body: Record<string, unknown>): Filter<LiveStream> {
  const id = optionalString(body, 'mediaSessionId');
  const ids = optionalStringList(body, 'mediaSessionIds');
  const name = optionalString(body, 'name');
  const published = optionalBoolean(body, 'published');
  const status = optionalString(body, 'status');
  const sessionId = optionalString(body, 'sessionId');
  const appKey = optionalString(body, 'appKey');
  return ({ session, stream }) =>
    (id === undefined || stream.mediaSessionId === id) &&
    (ids === undefined || ids.includes(stream.mediaSessionId)) &&
    (name === undefined || stream.obj.name === name) &&
    (published === undefined || stream.published === published) &&
    (status === undefined || stream.obj.status === status) &&
    (sessionId === undefined || session.id === sessionId) &&
    (appKey === undefined || session.appKey === appKey);
}

/** Connections: clientVersion (WebSDK), appKey and sessionId (third-party client), sipLogin (inferred). */
export function connectionFilter(body: Record<string, unknown>): Filter<Session> {
  const want: [string, string][] = [];
  for (const key of ['sessionId', 'appKey', 'clientVersion', 'sipLogin']) {
    const v = optionalString(body, key);
    if (v !== undefined) want.push([key, v]);
  }
  return (s) => want.every(([k, v]) => (k === 'sessionId' ? s.id : k === 'appKey' ? s.appKey : s.connection[k]) === v);
}

/** Calls: callId, callee, rtmpUrl, status as documented (§6); caller added (inferred). */
export function callFilter(body: Record<string, unknown>): Filter<LiveCall> {
  const want: [string, string][] = [];
  for (const key of ['callId', 'callee', 'caller', 'rtmpUrl', 'status']) {
    const v = optionalString(body, key);
    if (v !== undefined) want.push([key, v]);
  }
  return (c) => want.every(([k, v]) => (k === 'callId' ? c.call.callId : c.call.obj[k]) === v);
}
