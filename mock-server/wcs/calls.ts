/**
 * Call flows: call, answer, hangup, hold, unhold, transfer, sendDtmf from the client, calls placed to
 * the client (OnCallEvent), and the scripted SIP far end (PROTOCOL.md §3.4, §4.3, §5.2, §6.4).
 *
 * The SDK reads only `status` from call frames, never the message name (WEBSDK-NOTES.md); the names
 * used here follow the inferred mapping of §6.3 (TRYING → notifyTryingResponse, RING → ring,
 * ESTABLISHED → talk, HOLD → hold, FINISH/BUSY/FAILED → finish).
 */
import { chooseFarEnd, finalAnswer, sipResponseText, validateFarEnd, type FarEndAction, type FarEndScript } from './farEnd';
import { sipCallId } from './ids';
import { isRecord, str, type CallState, type EngineCore, type Session, dropEnvelope, withoutSdp } from './session';

const FRAME_FOR_STATUS: Readonly<Record<string, string>> = {
  TRYING: 'notifyTryingResponse',
  RING: 'ring',
  SESSION_PROGRESS: 'ring',
  RING_MEDIA: 'ring',
  ESTABLISHED: 'talk',
  HOLD: 'hold',
  FINISH: 'finish',
  BUSY: 'finish',
  FAILED: 'finish',
};

const FINAL = new Set(['FINISH', 'BUSY', 'FAILED']);

function clearCall(core: EngineCore, s: Session, call: CallState): void {
  core.media.release(call.callId);
  for (const t of call.farEndTimers) {
    clearTimeout(t);
    s.timers.delete(t);
  }
  call.farEndTimers.clear();
  s.calls.delete(call.callId);
}

/**
 * CallStatusEvent hook, then the call frame. `extra` (sipStatus, info, sipMessageRaw) belongs to this one
 * event only. `frame` overrides the message name (notifyIncomingCall).
 */
export async function reportCall(
  core: EngineCore, s: Session, call: CallState, status: string, extra: Record<string, unknown>, trigger: string, frame?: string,
): Promise<void> {
  call.obj = { ...call.obj, status };
  if (FINAL.has(status)) clearCall(core, s, call);
  const r = await core.invoke(s, 'CallStatusEvent', core.hookBody(s, { ...call.obj, ...extra }));
  const view = core.clientView(s, [trigger, 'CallStatusEvent'], dropEnvelope(r.body));
  core.send(s, frame ?? FRAME_FOR_STATUS[status] ?? 'finish', [view]);
}

function callPayload(core: EngineCore, s: Session, data: readonly unknown[], message: string): { p: Record<string, unknown>; callId: string } | undefined {
  const p = data[0];
  const callId = isRecord(p) ? str(p.callId) : undefined;
  if (!isRecord(p) || !callId) {
    core.fail(s, `${message}: expected an object with callId in data[0]`, 'ErrorEvent');
    return undefined;
  }
  return { p, callId };
}

/** A call invocation refused under FAIL: WARN on the session and the call ends FAILED with the reason. */
async function refuseCall(core: EngineCore, s: Session, call: CallState, info: string, trigger: string): Promise<void> {
  core.fail(s, info, 'CallStatusEvent', call.callId);
  await reportCall(core, s, call, 'FAILED', { info }, trigger);
}

async function outgoing(core: EngineCore, s: Session, data: readonly unknown[], farEnd: FarEndScript | undefined): Promise<void> {
  const got = callPayload(core, s, data, 'call');
  if (!got) return;
  const { p, callId } = got;
  if (s.calls.has(callId)) {
    core.fail(s, 'CallId is already in use', 'CallStatusEvent', callId);
    return;
  }
  const r = await core.invoke(s, 'call', core.hookBody(s, p));
  const call: CallState = { callId, incoming: false, obj: withoutSdp(dropEnvelope(r.body)), farEndTimers: new Set() };
  s.calls.set(callId, call);
  if (!r.proceeds) {
    await refuseCall(core, s, call, r.info ?? 'Forbidden', 'call');
    return;
  }
  const offer = typeof p.sdp === 'string' ? p.sdp : undefined;
  await reportCall(core, s, call, 'TRYING', { sipStatus: 100 }, 'call');
  if (!s.calls.has(callId)) return;
  await reportCall(core, s, call, 'RING', { sipStatus: 180 }, 'call');
  let action: FarEndAction;
  try {
    action = validateFarEnd(chooseFarEnd(farEnd, { callId, caller: str(call.obj.caller), callee: str(call.obj.callee), hasVideo: call.obj.hasVideo === true }));
  } catch (err) {
    core.warn(s, `far end script failed: ${err instanceof Error ? err.message : String(err)}; the call rings on`);
    return;
  }
  core.decide(s, 'call', `far end: ${describeAction(action)}`);
  if (action.kind === 'ring') return;
  const after = Math.max(0, action.afterMs ?? 0);
  core.later(s, after, () => farEndActs(core, s, call, action, offer), call.farEndTimers);
}

function describeAction(a: FarEndAction): string {
  const after = 'afterMs' in a && a.afterMs ? ` after ${a.afterMs} ms` : '';
  switch (a.kind) {
    case 'answer':
      return `answers${after}${a.hangupAfterMs !== undefined ? `, hangs up ${a.hangupAfterMs} ms later` : ''}`;
    case 'busy':
      return `busy${after}`;
    case 'reject':
      return `rejects with SIP ${a.sipStatus}${after}`;
    case 'ring':
      return 'rings until the client hangs up';
  }
}

async function farEndActs(core: EngineCore, s: Session, call: CallState, action: FarEndAction, offer: string | undefined): Promise<void> {
  if (s.calls.get(call.callId) !== call) return;
  if (action.kind === 'answer') {
    if (offer) {
      try {
        const leg = { id: call.callId, sessionId: s.id, name: str(call.obj.callee) };
        core.send(s, 'setRemoteSDP', [call.callId, await core.sdpAnswer(offer, 'call', leg)]);
      } catch (err) {
        core.warn(s, `call: no SDP answer for the client's offer: ${err instanceof Error ? err.message : String(err)}`);
        await reportCall(core, s, call, 'FAILED', { info: 'Failed by session creation' }, 'call');
        return;
      }
    }
    await reportCall(core, s, call, 'ESTABLISHED', { sipStatus: 200 }, 'call');
    if (action.hangupAfterMs !== undefined) {
      core.later(s, Math.max(0, action.hangupAfterMs), () => farEndHangup(core, s, call), call.farEndTimers);
    }
    return;
  }
  if (action.kind === 'ring') return;
  const sipStatus = action.kind === 'busy' ? 486 : action.sipStatus;
  const reason = action.kind === 'reject' ? action.reason : undefined;
  const { status, info } = finalAnswer(sipStatus, reason);
  const raw = sipResponseText(sipStatus, { callId: call.callId, caller: str(call.obj.caller), callee: str(call.obj.callee) }, reason);
  await reportCall(core, s, call, status, { sipStatus, info, sipMessageRaw: raw }, 'call');
}

/** The remote party hangs up (script or `WcsEngine.hangupFromFarEnd`). */
export async function farEndHangup(core: EngineCore, s: Session, call: CallState): Promise<void> {
  if (s.calls.get(call.callId) !== call) return;
  await reportCall(core, s, call, 'FINISH', { info: 'Normal call clearing' }, 'CallStatusEvent');
}

function existingCall(core: EngineCore, s: Session, callId: string, message: string): CallState | undefined {
  const call = s.calls.get(callId);
  if (!call) core.fail(s, `${message}: call not found`, 'CallStatusEvent', callId);
  return call;
}

async function answer(core: EngineCore, s: Session, data: readonly unknown[]): Promise<void> {
  const got = callPayload(core, s, data, 'answer');
  if (!got) return;
  const call = existingCall(core, s, got.callId, 'answer');
  if (!call) return;
  const r = await core.invoke(s, 'answer', core.hookBody(s, got.p));
  if (!r.proceeds) {
    await refuseCall(core, s, call, r.info ?? 'Forbidden', 'answer');
    return;
  }
  // The client answered the far end's offer; its SDP goes to the far end (the media plane), so nothing is
  // sent back but the status.
  if (typeof got.p.sdp === 'string' && got.p.sdp.length > 0) {
    try {
      await core.media.accept(call.callId, got.p.sdp);
    } catch (err) {
      core.warn(s, `answer: the far end could not take the client's SDP: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  call.obj = { ...call.obj, ...withoutSdp(dropEnvelope(r.body)), incoming: call.incoming };
  await reportCall(core, s, call, 'ESTABLISHED', { sipStatus: 200 }, 'answer');
}

async function hangup(core: EngineCore, s: Session, data: readonly unknown[]): Promise<void> {
  const got = callPayload(core, s, data, 'hangup');
  if (!got) return;
  const call = existingCall(core, s, got.callId, 'hangup');
  if (!call) return;
  const r = await core.invoke(s, 'hangup', core.hookBody(s, got.p));
  if (!r.proceeds) {
    // Allowed but pointless (§2.1): the call goes on; the client only hears about it as a WARN.
    core.fail(s, r.info ?? 'Forbidden', 'CallStatusEvent', call.callId);
    return;
  }
  await reportCall(core, s, call, 'FINISH', { info: 'Normal call clearing' }, 'hangup');
}

function holdLike(method: 'hold' | 'unhold') {
  return async (core: EngineCore, s: Session, data: readonly unknown[]): Promise<void> => {
    const got = callPayload(core, s, data, method);
    if (!got) return;
    const call = existingCall(core, s, got.callId, method);
    if (!call) return;
    const r = await core.invoke(s, method, core.hookBody(s, got.p));
    if (!r.proceeds) {
      core.fail(s, r.info ?? 'Forbidden', 'CallStatusEvent', call.callId);
      return;
    }
    if (got.p.holdForTransfer === true) call.obj.holdForTransfer = true;
    await reportCall(core, s, call, method === 'hold' ? 'HOLD' : 'ESTABLISHED', {}, method);
  };
}

async function transfer(core: EngineCore, s: Session, data: readonly unknown[]): Promise<void> {
  const got = callPayload(core, s, data, 'transfer');
  if (!got) return;
  const call = existingCall(core, s, got.callId, 'transfer');
  if (!call) return;
  const r = await core.invoke(s, 'transfer', core.hookBody(s, got.p));
  if (!r.proceeds) {
    core.fail(s, r.info ?? 'Forbidden', 'TransferStatusEvent', call.callId);
    return;
  }
  // A blind transfer the far end accepts at once, then the original call clears (statuses per §3.4; the
  // exact sequence is inferred).
  for (const status of ['ACCEPTED', 'TRYING', 'COMPLETED']) {
    const t = await core.invoke(s, 'TransferStatusEvent', core.hookBody(s, { callId: call.callId, target: got.p.target, status }));
    core.send(s, 'notifyTransferEvent', [core.clientView(s, ['transfer', 'TransferStatusEvent'], dropEnvelope(t.body))]);
  }
  await reportCall(core, s, call, 'FINISH', { info: 'Normal call clearing' }, 'transfer');
}

async function dtmf(core: EngineCore, s: Session, data: readonly unknown[]): Promise<void> {
  const got = callPayload(core, s, data, 'sendDtmf');
  if (!got) return;
  const call = existingCall(core, s, got.callId, 'sendDtmf');
  if (!call) return;
  const r = await core.invoke(s, 'sendDtmf', core.hookBody(s, got.p));
  if (!r.proceeds) core.fail(s, r.info ?? 'Forbidden', 'CallStatusEvent', call.callId);
}

export interface IncomingCallRequest {
  caller: string;
  /**
   * The SIP Call-ID, used as the call's id everywhere (OnCallEvent, setRemoteSDP, notifyIncomingCall, the
   * call table the client's answer() is matched against). Default: a generated `<hex>@127.0.0.1`.
   * `fields.callId` is taken too when this is absent.
   */
  callId?: string;
  /** Default: the session's sipLogin. */
  callee?: string;
  hasVideo?: boolean;
  hasAudio?: boolean;
  /** Extra fields for the OnCallEvent body (pass-through). */
  fields?: Record<string, unknown>;
}

export interface IncomingCallResult {
  readonly callId: string;
  readonly sessionId: string;
  /** The client was offered the call. */
  readonly offered: boolean;
  /** What the SIP caller got: 180 Ringing, or 403 Forbidden when OnCallEvent was refused under FAIL. */
  readonly sipStatus: 180 | 403;
  readonly info?: string;
}

/** The id an injected call gets: `req.callId`, else `req.fields.callId`, else a fresh SIP Call-ID. */
export function incomingCallId(req: IncomingCallRequest): string {
  const given = req.callId ?? req.fields?.callId;
  if (given === undefined) return sipCallId();
  if (typeof given !== 'string' || given.length === 0) throw new TypeError(`callId must be a non-empty string, got ${JSON.stringify(given)}`);
  if (req.callId !== undefined && req.fields?.callId !== undefined && req.fields.callId !== req.callId) {
    throw new TypeError(`callId "${req.callId}" and fields.callId ${JSON.stringify(req.fields.callId)} differ; give one`);
  }
  return given;
}

/** An inbound SIP INVITE for this session (§2.1 type 4, §6.4 "Incoming call"), under the id `incomingCallId` chose. */
export async function incoming(core: EngineCore, s: Session, req: IncomingCallRequest, callId: string): Promise<IncomingCallResult> {
  if (s.calls.has(callId)) throw new Error(`call ${callId} already exists on session ${s.id}`);
  const hasVideo = req.hasVideo ?? false;
  const hasAudio = req.hasAudio ?? true;
  const { callId: _given, ...fields } = req.fields ?? {};
  const body = core.hookBody(s, {
    callId, incoming: true, status: 'PENDING', caller: req.caller, callee: req.callee ?? s.sipLogin, visibleName: req.caller,
    hasAudio, hasVideo, mediaProvider: 'WebRTC', isMsrp: false, holdForTransfer: false, ...fields,
  });
  const r = await core.invoke(s, 'OnCallEvent', body);
  if (!r.proceeds) {
    core.decide(s, 'OnCallEvent', `SIP caller ${req.caller} answered 403 FORBIDDEN`);
    core.fail(s, r.info ?? 'Forbidden', 'CallStatusEvent', callId);
    return { callId, sessionId: s.id, offered: false, sipStatus: 403, info: r.info };
  }
  // The id stays what the SIP side sent even if a restOverwrite answer tried to change it: the offer and the
  // client's answer() are matched by it.
  const call: CallState = { callId, incoming: true, obj: { ...withoutSdp(dropEnvelope(r.body)), callId }, farEndTimers: new Set() };
  s.calls.set(callId, call);
  // The SDP must reach the SDK before notifyIncomingCall, or answer() throws "No remote sdp available".
  let offer: string;
  try {
    offer = await core.sdpOffer({ audio: hasAudio, video: hasVideo }, { id: callId, sessionId: s.id, name: req.caller });
  } catch (err) {
    s.calls.delete(callId);
    core.media.release(callId);
    throw err;
  }
  core.send(s, 'setRemoteSDP', [callId, offer]);
  await reportCall(core, s, call, 'RING', { sipStatus: 180 }, 'OnCallEvent', 'notifyIncomingCall');
  return { callId, sessionId: s.id, offered: true, sipStatus: 180 };
}

export function callMessages(farEnd: () => FarEndScript | undefined): Readonly<Record<string, (core: EngineCore, s: Session, data: readonly unknown[]) => Promise<void>>> {
  return {
    call: (core, s, d) => outgoing(core, s, d, farEnd()),
    answer,
    hangup,
    hold: holdLike('hold'),
    unhold: holdLike('unhold'),
    transfer,
    sendDtmf: dtmf,
  };
}
