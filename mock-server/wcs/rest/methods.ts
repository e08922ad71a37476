/**
 * The WCS REST methods the mock simulates (REST-API.md §3–§6), each a function from the request body to
 * an answer. Answers are given once the request is matched against the live state; the side effects
 * (hooks, frames to clients) run afterwards on the sessions' queues, as WCS's "request accepted" 200 says
 * they do. Answering first also means a backend that calls the REST API from inside a hook handler cannot
 * deadlock the session whose hook it is handling.
 */
import { farEndHangup } from '../calls';
import { uuid } from '../ids';
import { endStream, BLANK_PNG } from '../streams';
import type { EngineSurface } from '../surface';
import {
  BadRequest,
  callFilter,
  callObject,
  connectionFilter,
  connectionObject,
  established,
  liveStreams,
  optionalBoolean,
  optionalString,
  optionalStringList,
  requiredString,
  streamFilter,
  streamObject,
  type LiveCall,
} from './objects';
import { MAX_REST_CALLS, RestCalls } from './restCalls';

export interface RestAnswer {
  readonly status: number;
  /** A JSON answer (find methods); absent = empty body. */
  readonly json?: unknown;
  /** Why, for errors: the plain-text body and the log line. */
  readonly info?: string;
}

export interface RestBehaviour {
  /** What a find with no match answers: 404 as WCS documents (default), or 200 with `[]`. */
  readonly emptyList: 404 | 200;
  /**
   * The status a client gets with "Stopped by rest /terminate": `natural` = UNPUBLISHED for a publisher,
   * STOPPED for a player (default, inferred), or FAILED (REST-API.md §9 Q1).
   */
  readonly terminateStatus: 'natural' | 'FAILED';
}

export interface RestContext {
  readonly surface: EngineSurface;
  readonly calls: RestCalls;
  readonly behaviour: RestBehaviour;
}

type Method = (ctx: RestContext, body: Record<string, unknown>) => RestAnswer;

const OK: RestAnswer = { status: 200 };

function list(ctx: RestContext, items: unknown[], what: string): RestAnswer {
  if (items.length === 0 && ctx.behaviour.emptyList === 404) return { status: 404, info: `${what} not found` };
  return { status: 200, json: items };
}

/** Calls of client sessions and calls started over REST. */
export function allCalls(ctx: RestContext): LiveCall[] {
  const fromSessions = established(ctx.surface).flatMap((session) => [...session.calls.values()].map((call) => ({ session, call, rest: false })));
  return [...fromSessions, ...ctx.calls.list()];
}

// --- stream -----------------------------------------------------------------------------------------

function findStreams(ctx: RestContext, body: Record<string, unknown>): RestAnswer {
  const display = optionalStringList(body, 'display') ?? [];
  const match = streamFilter(body);
  return list(ctx, liveStreams(ctx.surface).filter(match).map((l) => streamObject(ctx.surface, l, display.includes('metrics'))), 'Stream');
}

const terminateStream: Method = (ctx, body) => {
  const matched = liveStreams(ctx.surface).filter(streamFilter(body));
  if (matched.length === 0) return { status: 404, info: 'Stream not found' };
  const { core } = ctx.surface;
  for (const { session, stream } of matched) {
    const status = ctx.behaviour.terminateStatus === 'FAILED' ? 'FAILED' : stream.published ? 'UNPUBLISHED' : 'STOPPED';
    // The SDK's STREAM_STATUS_INFO.STOPPED_BY_REST_TERMINATE; a publisher's players are stopped by endStream.
    void session.run(() => endStream(core, session, stream, status, 'Stopped by rest /terminate', 'StreamStatusEvent'));
  }
  return { status: 200, info: `${matched.length} stream(s) terminated` };
};

const snapshot: Method = (ctx, body) => {
  const name = requiredString(body, 'streamName');
  const live = liveStreams(ctx.surface).some(({ stream }) => stream.published && stream.obj.name === name);
  if (!live) return { status: 404, info: 'Stream not found' };
  // No media behind the mock: a valid 1×1 PNG, the same one the WebSocket snapshot returns.
  return { status: 200, json: { data: BLANK_PNG } };
};

// --- data -------------------------------------------------------------------------------------------

const dataSend: Method = (ctx, body) => {
  const one = optionalString(body, 'sessionId');
  // `sessionIds` (several recipients) appears in one garbled revision of the docs only (less certain).
  const ids = one !== undefined ? [one] : optionalStringList(body, 'sessionIds');
  if (!ids || ids.length === 0) throw new BadRequest('sessionId is required');
  const sessions = established(ctx.surface);
  const targets = ids.map((id) => sessions.find((s) => s.id === id));
  const missing = ids.filter((_, i) => !targets[i]);
  if (missing.length > 0) return { status: 404, info: `Session not found: ${missing.join(', ')}` };
  const operationId = optionalString(body, 'operationId') ?? uuid();
  const { core } = ctx.surface;
  for (const s of targets) {
    if (!s) continue;
    // The object the SDK hands to APP_DATA is undocumented; the OnDataEvent hook's shape is used (inferred).
    // No hook goes to the backend: it sent the data itself (REST-API.md §9 Q4, inferred).
    void s.run(() => core.send(s, 'OnDataEvent', [core.clientView(s, ['OnDataEvent'], { nodeId: ctx.surface.nodeId, appKey: s.appKey, sessionId: s.id, operationId, payload: body.payload })]));
  }
  return OK;
};

// --- connection -------------------------------------------------------------------------------------

function findConnections(ctx: RestContext, body: Record<string, unknown>): RestAnswer {
  const match = connectionFilter(body);
  return list(ctx, established(ctx.surface).filter(match).map((s) => connectionObject(ctx.surface, s)), 'Connection');
}

const terminateConnection: Method = (ctx, body) => {
  const id = requiredString(body, 'sessionId');
  const s = [...ctx.surface.sessions()].find((x) => x.id === id && x.state !== 'closed');
  if (!s) return { status: 404, info: 'Connection not found' };
  // The close reason is not documented (inferred); the SDK fires DISCONNECTED whatever it says.
  void ctx.surface.dropSession(id, 'Terminated by REST').catch(() => undefined);
  return OK;
};

// --- call -------------------------------------------------------------------------------------------

function findCalls(ctx: RestContext, body: Record<string, unknown>): RestAnswer {
  const match = callFilter(body);
  return list(ctx, allCalls(ctx).filter(match).map((c) => callObject(ctx.surface, c)), 'Call');
}

function callById(ctx: RestContext, body: Record<string, unknown>): LiveCall | undefined {
  const id = requiredString(body, 'callId');
  return allCalls(ctx).find((c) => c.call.callId === id);
}

const terminateCall: Method = (ctx, body) => {
  const c = callById(ctx, body);
  if (!c) return { status: 404, info: 'Call not found' };
  if (c.rest) ctx.calls.terminate(c.call.callId);
  else {
    const { session, call } = c;
    // WCS hangs up on the SIP side; the client gets `finish` and the backend CallStatusEvent FINISH (inferred).
    void session.run(() => farEndHangup(ctx.surface.core, session, call));
  }
  return OK;
};

const DTMF = /^[0-9*#A-Da-d]+$/;

const sendDtmf: Method = (ctx, body) => {
  const dtmf = requiredString(body, 'dtmf');
  if (!DTMF.test(dtmf)) throw new BadRequest(`dtmf must be digits, *, # or A-D, got ${JSON.stringify(dtmf)}`);
  const type = optionalString(body, 'type') ?? 'RFC2833';
  const c = callById(ctx, body);
  if (!c) return { status: 404, info: 'Call not found' };
  // Tones go to the SIP side only; WCS documents no hook for them (inferred), so the log is the witness.
  ctx.surface.record({ kind: 'decision', sessionId: c.rest ? undefined : c.session.id, method: 'call/send_dtmf', text: `DTMF ${dtmf} (${type}) sent to the far end of call ${c.call.callId}` });
  return OK;
};

/** The documented body of `/call/startup` (REST-API.md §6); the rest passes through to the `call` hook. */
const startupCall: Method = (ctx, body) => {
  const callee = requiredString(body, 'callee');
  const callId = optionalString(body, 'callId') ?? uuid();
  const rtmpUrl = optionalString(body, 'rtmpUrl');
  const hasAudio = optionalBoolean(body, 'hasAudio') ?? true;
  const hasVideo = optionalBoolean(body, 'hasVideo') ?? false;
  const sipRegisterRequired = optionalBoolean(body, 'sipRegisterRequired');
  const appKey = optionalString(body, 'appKey') || 'defaultApp';
  // WCS's answer for an unknown appKey is not documented; 404 like its other "not found" cases (inferred).
  if (!ctx.surface.hasApp(appKey)) return { status: 404, info: `no application ${appKey}` };
  const calls = allCalls(ctx);
  if (calls.some((c) => c.call.callId === callId)) return { status: 409, info: `callId ${callId} is already in use` };
  if (rtmpUrl && calls.some((c) => c.rest && c.call.obj.rtmpUrl === rtmpUrl)) return { status: 409, info: `rtmpUrl ${rtmpUrl} is already in use` };
  if (ctx.calls.size >= MAX_REST_CALLS) return { status: 500, info: `${MAX_REST_CALLS} REST calls are live; end some first` };
  const { appKey: _a, sessionId: _s, nodeId: _n, ...fields } = body;
  const sipLogin = optionalString(body, 'sipLogin');
  ctx.calls.start(callId, appKey, {
    ...fields, callId, callee, caller: sipLogin, incoming: false, status: 'PENDING', hasAudio, hasVideo,
    mediaProvider: 'WebRTC', isMsrp: false, holdForTransfer: false,
    ...(sipRegisterRequired !== undefined ? { sipRegisterRequired } : {}),
  });
  return { status: 200, info: `call ${callId} to ${callee} placed` };
};

/** `group/verb` → method. GET is accepted for the parameterless ones, as the WebSDK's wrapper sends it. */
export const REST_METHODS: Readonly<Record<string, { run: Method; get?: boolean }>> = {
  'stream/find': { run: findStreams },
  'stream/find_all': { run: (ctx) => findStreams(ctx, {}), get: true },
  'stream/terminate': { run: terminateStream },
  'stream/snapshot': { run: snapshot },
  'data/send': { run: dataSend },
  'connection/find': { run: findConnections },
  'connection/find_all': { run: (ctx) => findConnections(ctx, {}), get: true },
  'connection/terminate': { run: terminateConnection },
  'call/find': { run: findCalls },
  'call/find_all': { run: (ctx) => findCalls(ctx, {}), get: true },
  'call/terminate': { run: terminateCall },
  'call/send_dtmf': { run: sendDtmf },
  'call/startup': { run: startupCall },
};

/**
 * Groups and methods WCS has but the mock does not simulate (REST-API.md §3, §5-§7): they need a media
 * server, or nothing in the sources says what they do. They answer 501 naming themselves, never a silent 200.
 */
export const UNSIMULATED_GROUPS: readonly string[] = [
  'push', 'recorder', 'multipleRecorder', 'mixer', 'transcoder', 'cdn', 'rtsp', 'pull', 'api', 'vod', 'stat', 'cluster', 'node', 'license', 'sip',
];

export const UNSIMULATED_METHODS: readonly string[] = [
  'stream/startRecording', 'stream/stopRecording', 'stream/event/send', 'connection/set_log_level',
  'call/inject_sound', 'call/inject_stream/startup', 'call/inject_stream/terminate',
];
