/**
 * The server side of the control API (control/types.ts): each action runs on the target session's queue
 * and answers once it is done, so a test that awaits the answer knows the client has been sent its frames
 * and the backend its hooks.
 */
import { farEndHangup, incoming, incomingCallId, reportCall } from '../calls';
import type { FailStreamRequest, FarEndAnswer, InjectCallAnswer, SessionSummary } from '../control';
import { finalAnswer, sipResponseText } from '../farEnd';
import type { Session } from '../session';
import { endStream } from '../streams';
import { allCalls, type RestContext } from './methods';
import { BadRequest, established, liveStreams, optionalBoolean, optionalString, requiredString } from './objects';

export interface ControlAnswer {
  readonly status: number;
  readonly json: unknown;
  /** For the log line. */
  readonly info?: string;
}

type Action = (ctx: RestContext, body: Record<string, unknown>) => Promise<ControlAnswer>;

const notFound = (error: string): ControlAnswer => ({ status: 404, json: { error }, info: error });

function describeSessions(sessions: readonly Session[]): string {
  if (sessions.length === 0) return 'no session is established';
  return `established: ${sessions.map((s) => (s.sipLogin ? `${s.sipLogin} (${s.id})` : s.id)).join(', ')}`;
}

/** By sessionId, else by sipLogin; with neither, the only established session. */
function target(ctx: RestContext, sessionId: string | undefined, sipLogin: string | undefined): Session | string {
  const sessions = established(ctx.surface);
  if (sessionId !== undefined) return sessions.find((s) => s.id === sessionId) ?? `no established session ${sessionId}; ${describeSessions(sessions)}`;
  if (sipLogin !== undefined) return sessions.find((s) => s.sipLogin === sipLogin) ?? `no established session with sipLogin ${sipLogin}; ${describeSessions(sessions)}`;
  if (sessions.length === 1) return sessions[0]!;
  return `say which session (callee or sessionId): ${describeSessions(sessions)}`;
}

const incomingCall: Action = async (ctx, body) => {
  const s = target(ctx, optionalString(body, 'sessionId'), optionalString(body, 'callee'));
  if (typeof s === 'string') return notFound(s);
  const fields = body.fields;
  if (fields !== undefined && (fields === null || typeof fields !== 'object' || Array.isArray(fields))) throw new BadRequest('fields must be an object');
  const req = {
    caller: optionalString(body, 'caller') || 'sip-caller',
    callee: optionalString(body, 'callee'),
    callId: optionalString(body, 'callId'),
    hasVideo: optionalBoolean(body, 'hasVideo'),
    hasAudio: optionalBoolean(body, 'hasAudio'),
    fields: fields as Record<string, unknown> | undefined,
  };
  let callId: string;
  try {
    callId = incomingCallId(req);
  } catch (err) {
    throw new BadRequest(err instanceof Error ? err.message : String(err));
  }
  if (s.calls.has(callId)) return { status: 409, json: { error: `call ${callId} already exists on ${s.id}` }, info: 'callId in use' };
  const r = await s.run(() => incoming(ctx.surface.core, s, req, callId));
  if (!r) return { status: 500, json: { error: 'the incoming call failed; see the wcs log' }, info: 'failed' };
  const answer: InjectCallAnswer = r;
  return { status: 200, json: answer, info: r.offered ? `call ${r.callId} offered to ${s.id}` : `refused: SIP ${r.sipStatus}` };
};

const FAR_END_ACTIONS = new Set(['hangup', 'busy', 'reject']);

const farEnd: Action = async (ctx, body) => {
  const callId = requiredString(body, 'callId');
  const action = requiredString(body, 'action');
  if (!FAR_END_ACTIONS.has(action)) throw new BadRequest(`action must be hangup, busy or reject, got ${JSON.stringify(action)}`);
  let sipStatus = 486;
  if (action === 'reject') {
    const v = body.sipStatus;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 400 || v > 699) throw new BadRequest('reject needs sipStatus, a SIP status from 400 to 699');
    sipStatus = v;
  }
  const reason = optionalString(body, 'reason');
  const c = allCalls(ctx).find((x) => x.call.callId === callId);
  if (!c) return notFound(`no live call ${callId}`);
  const { session, call } = c;
  const status = String(call.obj.status ?? 'PENDING');
  if (action !== 'hangup' && (status === 'ESTABLISHED' || status === 'HOLD')) {
    return { status: 409, json: { error: `call ${callId} is ${status}: a far end that answered can only hang up` }, info: `call is ${status}` };
  }
  await session.run(async () => {
    if (session.calls.get(callId) !== call) return;
    if (action === 'hangup') return farEndHangup(ctx.surface.core, session, call);
    const final = finalAnswer(sipStatus, reason);
    const raw = sipResponseText(sipStatus, { callId, caller: optionalString(call.obj, 'caller'), callee: optionalString(call.obj, 'callee') }, reason);
    await reportCall(ctx.surface.core, session, call, final.status, { sipStatus, info: final.info, sipMessageRaw: raw }, 'call');
  });
  const answer: FarEndAnswer = { callId, sessionId: session.id, status: String(call.obj.status) };
  return { status: 200, json: answer, info: `call ${callId} ${answer.status}` };
};

/**
 * An inbound SIP MESSAGE: the backend gets OnMessageEvent. WebSDK 2.x has no message API, so the client is
 * sent nothing; the body's fields are not documented (PROTOCOL.md §3.10, inferred).
 */
const sipMessage: Action = async (ctx, body) => {
  const to = requiredString(body, 'to');
  const sessions = established(ctx.surface);
  const s = sessions.find((x) => x.id === to) ?? sessions.find((x) => x.sipLogin === to);
  if (!s) return notFound(`no established session ${to}; ${describeSessions(sessions)}`);
  const fields = body.fields;
  if (fields !== undefined && (fields === null || typeof fields !== 'object' || Array.isArray(fields))) throw new BadRequest('fields must be an object');
  const { core } = ctx.surface;
  const payload = {
    from: optionalString(body, 'from') || 'sip-sender', to: s.sipLogin ?? to, body: optionalString(body, 'body') ?? '',
    contentType: optionalString(body, 'contentType') || 'text/plain', ...(fields as Record<string, unknown> | undefined),
  };
  const r = await s.run(() => core.invoke(s, 'OnMessageEvent', core.hookBody(s, payload)));
  return { status: 200, json: { sessionId: s.id, accepted: r?.proceeds ?? false }, info: `OnMessageEvent for ${s.id}` };
};

const failStream: Action = async (ctx, body) => {
  const req: FailStreamRequest = { mediaSessionId: optionalString(body, 'mediaSessionId'), name: optionalString(body, 'name'), info: optionalString(body, 'info') };
  if (!req.mediaSessionId && !req.name) throw new BadRequest('mediaSessionId or name is required');
  const matched = liveStreams(ctx.surface).filter(({ stream }) => (req.mediaSessionId ? stream.mediaSessionId === req.mediaSessionId : stream.obj.name === req.name));
  if (matched.length === 0) return notFound(`no live stream ${req.mediaSessionId ?? req.name}`);
  const info = req.info || 'Failed by error';
  await Promise.all(matched.map(({ session, stream }) => session.run(() => endStream(ctx.surface.core, session, stream, 'FAILED', info, 'StreamStatusEvent'))));
  const affected = matched.map(({ stream }) => stream.mediaSessionId);
  return { status: 200, json: { affected }, info: `${affected.length} stream(s) FAILED` };
};

const dropSession: Action = async (ctx, body) => {
  const id = requiredString(body, 'sessionId');
  const reason = optionalString(body, 'reason') || 'Closed by server';
  const s = [...ctx.surface.sessions()].find((x) => x.id === id && x.state !== 'closed');
  if (!s) return notFound(`no session ${id}; ${describeSessions(established(ctx.surface))}`);
  await ctx.surface.dropSession(id, reason);
  return { status: 200, json: { affected: [id] }, info: `session ${id} dropped` };
};

/** Any fault of faults.ts as data (FaultSpecSchema): the same levers a test has in-process, from another process. */
const fault: Action = async (ctx, body) => {
  const faults = ctx.surface.faults();
  if (!faults) return { status: 501, json: { error: 'this engine has no fault injector' }, info: 'no faults' };
  try {
    const r = await faults.apply(body);
    return { status: 200, json: r, info: `${r.fault}: ${r.affected.length === 0 ? 'armed' : r.affected.join(', ')}` };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    // A spec that does not parse is the caller's mistake; a selector that matches nothing is a 404.
    if (err instanceof TypeError) throw new BadRequest(message);
    return notFound(message);
  }
};

const sessions: Action = async (ctx) => {
  const out: SessionSummary[] = [...ctx.surface.sessions()].map((s) => {
    const i = s.info();
    return { sessionId: i.sessionId, appKey: i.appKey, state: i.state, ...(i.sipLogin ? { sipLogin: i.sipLogin } : {}), streams: i.streams, calls: i.calls };
  });
  return { status: 200, json: out };
};

export const CONTROL_ROUTES: Readonly<Record<string, { run: Action; get?: boolean }>> = {
  'incoming-call': { run: incomingCall },
  'far-end': { run: farEnd },
  message: { run: sipMessage },
  'fail-stream': { run: failStream },
  'drop-session': { run: dropSession },
  fault: { run: fault },
  sessions: { run: sessions, get: true },
};
