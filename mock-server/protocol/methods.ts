/**
 * The catalog of WCS REST hook methods: the one place that says what each hook is.
 *
 * Everything else (the hook server's defaults, the extension's tooltips, snippets, handler stubs,
 * the WCS mock) reads from here. Facts come from PROTOCOL.md §2.2; where that table marks a fact as
 * inferred or less certain, `certainty` says so and the UI repeats it.
 */
import type { z } from 'zod';
import * as s from './schemas';
import { sampleBody } from './samples';

/** The four documented kinds of hook (PROTOCOL.md §2.1), plus `unknown` for names not in the catalog. */
export const HOOK_TYPES = ['connect', 'direct', 'event', 'incoming'] as const;
export const ANY_HOOK_TYPES = [...HOOK_TYPES, 'unknown'] as const;
export type HookType = (typeof HOOK_TYPES)[number];
export type AnyHookType = (typeof ANY_HOOK_TYPES)[number];

/**
 * Whether a 403 stops what the hook is about.
 * - `yes`: it does (for direct/incoming only under restOnError FAIL).
 * - `pointless`: allowed, but the client has already let go (hangup, unPublishStream, stopStream).
 * - `keepalive`: an event, except that a 403 under FAIL ends the stream (StreamKeepAliveEvent).
 * - `no`: events; WCS only logs.
 * - `unknown`: the docs do not say.
 */
export type Blocking = 'yes' | 'pointless' | 'keepalive' | 'no' | 'unknown';

export type Certainty = 'documented' | 'inferred' | 'less-certain';

export interface MethodSpec {
  readonly name: string;
  readonly type: HookType;
  readonly blocking: Blocking;
  /** The client action (or outside event) that makes WCS send this hook. */
  readonly trigger: string;
  /** WebSDK WebSocket message that triggers it, when one does. */
  readonly wsMessage?: string;
  /** Hooks that typically follow it. */
  readonly followUps: readonly string[];
  readonly description: string;
  readonly schema: z.ZodType<Record<string, unknown>>;
  /** Documented statuses of the `status` field, for events. */
  readonly statuses?: readonly string[];
  readonly certainty: Certainty;
  /** Other spellings seen in the docs; the wire name is `name`. */
  readonly aliases?: readonly string[];
  /** A realistic body; the examples in shared/ where they exist, else built from the documented fields. */
  readonly sample: Readonly<Record<string, unknown>>;
}

export const CALL_STATUSES = ['TRYING', 'RING', 'SESSION_PROGRESS', 'BUSY', 'ESTABLISHED', 'HOLD', 'FINISH', 'FAILED'] as const;
export const STREAM_STATUSES = ['PUBLISHING', 'UNPUBLISHED', 'PLAYING', 'STOPPED', 'FAILED'] as const;
export const CONNECTION_STATUSES = ['ESTABLISHED', 'FAILED', 'DISCONNECTED'] as const;
export const REGISTRATION_STATUSES = ['REGISTERED', 'UNREGISTERED', 'AUTHENTICATION_FAIL'] as const;
export const TRANSFER_STATUSES = ['ACCEPTED', 'TRYING', 'COMPLETED', 'FAILED'] as const;
export const KEEPALIVE_STATUSES = ['PUBLISHING', 'PLAYING'] as const;
export const DATA_STATUSES = ['ACCEPTED', 'FAILED'] as const;
export const SESSION_DEBUG_STATUSES = ['STARTED', 'STOPPED'] as const;

type Spec = Omit<MethodSpec, 'sample' | 'certainty' | 'followUps'> &
  Partial<Pick<MethodSpec, 'certainty' | 'followUps'>>;

function spec(m: Spec): MethodSpec {
  return { certainty: 'documented', followUps: [], ...m, sample: sampleBody(m.name) };
}

export const METHODS: readonly MethodSpec[] = [
  // --- connect -------------------------------------------------------------------------------
  spec({
    name: 'connect', type: 'connect', blocking: 'yes', wsMessage: 'connection',
    trigger: 'Flashphoner.createSession()', followUps: ['ConnectionStatusEvent', 'RegistrationStatusEvent'],
    description: 'A client opens a session. The 200 answer may add restClientConfig and SIP credentials; any other answer refuses the session.',
    schema: s.ConnectSchema,
  }),
  // --- direct invocations --------------------------------------------------------------------
  spec({
    name: 'call', type: 'direct', blocking: 'yes', wsMessage: 'call', trigger: 'call.call()', followUps: ['CallStatusEvent'],
    description: 'The client places an outgoing SIP call.', schema: s.CallSchema,
  }),
  spec({
    name: 'answer', type: 'direct', blocking: 'yes', wsMessage: 'answer', trigger: 'call.answer()', followUps: ['CallStatusEvent'],
    description: 'The client answers an incoming call.', schema: s.CallSchema,
  }),
  spec({
    name: 'hold', type: 'direct', blocking: 'yes', wsMessage: 'hold', trigger: 'call.hold(), call.holdForTransfer()',
    followUps: ['CallStatusEvent'], description: 'The client puts a call on hold.', schema: s.CallSchema,
  }),
  spec({
    name: 'unhold', type: 'direct', blocking: 'yes', wsMessage: 'unhold', trigger: 'call.unhold()', followUps: ['CallStatusEvent'],
    description: 'The client takes a call off hold.', schema: s.CallSchema,
  }),
  spec({
    name: 'transfer', type: 'direct', blocking: 'yes', wsMessage: 'transfer', trigger: 'call.transfer(target)',
    followUps: ['TransferStatusEvent'], description: 'The client transfers a call to another number.', schema: s.TransferSchema,
  }),
  spec({
    name: 'sendDtmf', type: 'direct', blocking: 'yes', wsMessage: 'sendDtmf', trigger: 'call.sendDTMF(digits, type)',
    aliases: ['sendDTMF'], description: 'The client sends DTMF digits in a call.', schema: s.SendDtmfSchema,
  }),
  spec({
    name: 'sendMessage', type: 'direct', blocking: 'yes', trigger: 'outgoing SIP MESSAGE (not in WebSDK 2.x)',
    followUps: ['MessageStatusEvent'], description: 'The client sends a SIP text message. Fields are inferred.',
    schema: s.MessageSchema,
  }),
  spec({
    name: 'sendIMDN', type: 'direct', blocking: 'yes', trigger: 'message delivery notification (not in WebSDK 2.x)',
    followUps: ['MessageStatusEvent'], certainty: 'inferred', description: 'The client sends a message delivery notification.',
    schema: s.MessageSchema,
  }),
  spec({
    name: 'subscribe', type: 'direct', blocking: 'yes', trigger: 'SIP SUBSCRIBE (not in WebSDK 2.x)',
    followUps: ['SubscriptionStatusEvent'], certainty: 'inferred', description: 'The client subscribes to SIP events.',
    schema: s.EnvelopeSchema,
  }),
  spec({
    name: 'sendXcapRequest', type: 'direct', blocking: 'yes', trigger: 'XCAP request (not in WebSDK 2.x)',
    followUps: ['XcapStatusEvent'], certainty: 'inferred', description: 'The client sends an XCAP request.',
    schema: s.EnvelopeSchema,
  }),
  spec({
    name: 'publishStream', type: 'direct', blocking: 'yes', wsMessage: 'publishStream', trigger: 'stream.publish()',
    followUps: ['StreamStatusEvent'], description: 'The client starts publishing a stream.', schema: s.StreamSchema,
  }),
  spec({
    name: 'playStream', type: 'direct', blocking: 'yes', wsMessage: 'playStream', trigger: 'stream.play()',
    followUps: ['StreamStatusEvent'], description: 'The client starts playing a stream.', schema: s.StreamSchema,
  }),
  spec({
    name: 'playHLS', type: 'direct', blocking: 'yes', trigger: 'an HLS player requests a stream (not over the WebSocket)',
    description: 'An HLS player asks for a stream. Fields undocumented.', schema: s.EnvelopeSchema,
  }),
  spec({
    name: 'playRTSP', type: 'direct', blocking: 'yes', trigger: 'an RTSP client requests a stream (not over the WebSocket)',
    description: 'An RTSP client asks for a stream. Fields undocumented.', schema: s.EnvelopeSchema,
  }),
  spec({
    name: 'OnDataEvent', type: 'direct', blocking: 'yes', wsMessage: 'sendData', trigger: 'session.sendData(obj)',
    followUps: ['DataStatusEvent'],
    description: 'The client sends application data to the backend. Under FAIL a 403 rejects the client\'s sendData promise.',
    schema: s.DataSchema,
  }),
  spec({
    name: 'submitBugReport', type: 'direct', blocking: 'yes', wsMessage: 'submitBugReport', trigger: 'session.submitBugReport(obj)',
    followUps: ['BugReportStatusEvent'], aliases: ['sendBugReport'], description: 'The client submits a bug report.',
    schema: s.EnvelopeSchema,
  }),
  spec({
    name: 'hangup', type: 'direct', blocking: 'pointless', wsMessage: 'hangup', trigger: 'call.hangup()',
    followUps: ['CallStatusEvent'], description: 'The client hangs up a call.', schema: s.CallSchema,
  }),
  spec({
    name: 'unPublishStream', type: 'direct', blocking: 'pointless', wsMessage: 'unPublishStream', trigger: 'stream.stop() on a publisher',
    followUps: ['StreamStatusEvent'], description: 'The client stops publishing a stream.', schema: s.StreamSchema,
  }),
  spec({
    name: 'stopStream', type: 'direct', blocking: 'pointless', wsMessage: 'stopStream', trigger: 'stream.stop() on a player',
    followUps: ['StreamStatusEvent'], description: 'The client stops playing a stream.', schema: s.StreamSchema,
  }),
  spec({
    name: 'pauseStream', type: 'direct', blocking: 'unknown', trigger: 'stream.pause() (mapping table; absent from the current WebSDK)',
    followUps: ['StreamStatusEvent'], certainty: 'less-certain', description: 'The client pauses a stream.', schema: s.StreamSchema,
  }),
  spec({
    name: 'snapshot', type: 'direct', blocking: 'unknown', wsMessage: 'snapshot', trigger: 'stream.snapshot()',
    followUps: ['StreamStatusEvent'], certainty: 'inferred', description: 'The client asks for a snapshot of a stream.',
    schema: s.SnapshotSchema,
  }),
  spec({
    name: 'pushLogs', type: 'direct', blocking: 'unknown', wsMessage: 'pushLogs', trigger: 'client log upload (debug mode)',
    certainty: 'inferred', description: 'The client uploads its logs.', schema: s.PushLogsSchema,
  }),
  spec({
    name: 'sessionDebug', type: 'direct', blocking: 'unknown', wsMessage: 'sessionDebug',
    trigger: 'session.startDebug() / stopDebug()', followUps: ['SessionDebugStatusEvent'], certainty: 'inferred',
    description: 'The client switches server-side debug logging.', schema: s.SessionDebugSchema,
  }),
  spec({
    name: 'availableStream', type: 'direct', blocking: 'unknown', wsMessage: 'availableStream', trigger: 'stream.available()',
    certainty: 'less-certain', description: 'The client asks whether a stream is available. Whether WCS sends this hook is unclear.',
    schema: s.SnapshotSchema,
  }),
  // --- events ---------------------------------------------------------------------------------
  spec({
    name: 'ConnectionStatusEvent', type: 'event', blocking: 'no', trigger: 'session established, failed or closed',
    statuses: CONNECTION_STATUSES, description: 'The session\'s state changed.', schema: s.ConnectionStatusSchema,
  }),
  spec({
    name: 'RegistrationStatusEvent', type: 'event', blocking: 'no', trigger: 'SIP REGISTER outcome',
    statuses: REGISTRATION_STATUSES, description: 'SIP registration result (only when registration was asked for).',
    schema: s.StatusEventSchema,
  }),
  spec({
    name: 'CallStatusEvent', type: 'event', blocking: 'no', trigger: 'call state change', statuses: CALL_STATUSES,
    description: 'A call changed state.', schema: s.CallSchema,
  }),
  spec({
    name: 'TransferStatusEvent', type: 'event', blocking: 'no', trigger: 'transfer progress', statuses: TRANSFER_STATUSES,
    description: 'A call transfer progressed.', schema: s.StatusEventSchema,
  }),
  spec({
    name: 'MessageStatusEvent', type: 'event', blocking: 'no', trigger: 'message state change',
    description: 'A SIP message changed state. Fields and statuses undocumented.', schema: s.MessageSchema,
  }),
  spec({
    name: 'SubscriptionStatusEvent', type: 'event', blocking: 'no', trigger: 'subscription state change',
    description: 'A SIP subscription changed state. Fields undocumented.', schema: s.StatusEventSchema,
  }),
  spec({
    name: 'XcapStatusEvent', type: 'event', blocking: 'no', trigger: 'XCAP state change',
    description: 'An XCAP request changed state. Fields undocumented.', schema: s.StatusEventSchema,
  }),
  spec({
    name: 'StreamStatusEvent', type: 'event', blocking: 'no', trigger: 'stream state change', statuses: STREAM_STATUSES,
    description: 'A stream changed state.', schema: s.StreamSchema,
  }),
  spec({
    name: 'DataStatusEvent', type: 'event', blocking: 'no', trigger: 'data delivery result', statuses: DATA_STATUSES,
    description: 'Result of a sendData operation.', schema: s.DataStatusSchema,
  }),
  spec({
    name: 'BugReportStatusEvent', type: 'event', blocking: 'no', trigger: 'bug report saved',
    description: 'A bug report was saved. Fields undocumented.', schema: s.StatusEventSchema,
  }),
  spec({
    name: 'SessionDebugStatusEvent', type: 'event', blocking: 'no', trigger: 'debug logging switched',
    statuses: SESSION_DEBUG_STATUSES, description: 'Server-side debug logging was switched on or off.', schema: s.StatusEventSchema,
  }),
  spec({
    name: 'StreamKeepAliveEvent', type: 'event', blocking: 'keepalive', trigger: 'periodic, per live stream',
    statuses: KEEPALIVE_STATUSES, certainty: 'inferred',
    description: 'A live stream is still up. A 403 under restOnError FAIL ends the stream ("Terminated by keep-alive").',
    schema: s.StreamSchema,
  }),
  spec({
    name: 'sendStreamEvent', type: 'event', blocking: 'no', wsMessage: 'sendStreamEvent',
    trigger: 'publisher mute/unmute or stream.sendData()', followUps: ['StreamEvent'],
    description: 'A publisher sent a stream event (mute, unmute, data).', schema: s.StreamEventSchema,
  }),
  spec({
    name: 'StreamEvent', type: 'event', blocking: 'no', trigger: 'per-subscriber copy of a stream event; mixer add/remove',
    description: 'A stream event, once per subscriber.', schema: s.StreamEventSchema,
  }),
  spec({
    name: 'ErrorEvent', type: 'event', blocking: 'no', trigger: 'an error tied to no other event; an event hook failing under FAIL',
    description: 'An error that fits no other event; `info` says what.', schema: s.ErrorEventSchema,
  }),
  spec({
    name: 'RecordingStatusEvent', type: 'event', blocking: 'no', trigger: 'recording state change', certainty: 'less-certain',
    description: 'Recording progress (seen only in a third-party route list).', schema: s.StatusEventSchema,
  }),
  spec({
    name: 'StreamsStatEvent', type: 'event', blocking: 'no', trigger: 'stream statistics', certainty: 'less-certain',
    description: 'Stream statistics (seen only in a third-party route list).', schema: s.EnvelopeSchema,
  }),
  spec({
    name: 'StreamTranscodingGroupEvent', type: 'event', blocking: 'no', trigger: 'transcoding group change', certainty: 'less-certain',
    description: 'Transcoding group change (seen only in a third-party route list).', schema: s.EnvelopeSchema,
  }),
  spec({
    name: 'ErrorStatusEvent', type: 'event', blocking: 'no', trigger: 'errors (probably the WCS 4 name of ErrorEvent)',
    certainty: 'less-certain', description: 'An error (probably the WCS 4 spelling of ErrorEvent).', schema: s.ErrorEventSchema,
  }),
  // --- incoming -------------------------------------------------------------------------------
  spec({
    name: 'OnCallEvent', type: 'incoming', blocking: 'yes', trigger: 'inbound SIP INVITE', followUps: ['CallStatusEvent'],
    description: 'A SIP call arrives for the client. Declined under FAIL, the SIP caller gets 403.', schema: s.CallSchema,
  }),
  spec({
    name: 'OnMessageEvent', type: 'incoming', blocking: 'yes', trigger: 'inbound SIP MESSAGE', followUps: ['MessageStatusEvent'],
    description: 'A SIP text message arrives for the client. Fields are inferred.', schema: s.MessageSchema,
  }),
  spec({
    name: 'OnTransferEvent', type: 'incoming', blocking: 'yes', trigger: 'inbound transfer (probably SIP REFER)',
    followUps: ['TransferStatusEvent'], certainty: 'inferred', description: 'A transfer request arrives for the client.',
    schema: s.EnvelopeSchema,
  }),
];

const byName = new Map<string, MethodSpec>();
for (const m of METHODS) {
  byName.set(m.name, m);
  for (const a of m.aliases ?? []) byName.set(a, m);
}

/** The catalog entry for a method name or one of its documented aliases; undefined when unknown. */
export function lookupMethod(name: string): MethodSpec | undefined {
  return byName.get(name);
}

/** The hook type of a method name, `unknown` for names not in the catalog (never an error). */
export function methodType(name: string): AnyHookType {
  return byName.get(name)?.type ?? 'unknown';
}

/**
 * Whether the backend's answer can stop what the hook is about: connect, direct invocations and incoming
 * invocations (PROTOCOL.md §2.1). These are what the default policy holds for the developer; events and
 * unknown names are echoed.
 */
export function isBlockable(name: string): boolean {
  const t = methodType(name);
  return t === 'connect' || t === 'direct' || t === 'incoming';
}

export const METHOD_NAMES: readonly string[] = METHODS.map((m) => m.name);
