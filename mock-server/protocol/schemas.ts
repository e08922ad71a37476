/**
 * zod schemas of WCS hook bodies.
 *
 * Every schema is a *loose* object: fields we know are typed, every other field is kept as it came.
 * WCS builds differ in what they add (PROTOCOL.md §8.2), so an unknown field is never an error and is
 * never stripped: a backend must be able to echo it. Fields the docs never show are not listed at all
 * (pass-through), rather than guessed.
 */
import * as z from 'zod';

/** Fields every hook carries (PROTOCOL.md §3.1). `origin` and `custom` only on some builds/methods. */
export const envelopeShape = {
  nodeId: z.string(),
  appKey: z.string(),
  sessionId: z.string(),
  origin: z.string().optional(),
  custom: z.record(z.string(), z.unknown()).nullable().optional(),
};

export const EnvelopeSchema = z.looseObject(envelopeShape);

const optionalString = z.string().nullable().optional();
const optionalBool = z.boolean().optional();
const optionalNumber = z.number().optional();

export const ConnectSchema = z.looseObject({
  ...envelopeShape,
  useWsTunnel: optionalBool,
  useWsTunnelPacketization2: optionalBool,
  useBase64BinaryEncoding: optionalBool,
  mediaProviders: z.array(z.string()).optional(),
  clientVersion: z.string().optional(),
  clientOSVersion: z.string().optional(),
  clientBrowserVersion: z.string().optional(),
  keepAlive: optionalBool,
  authToken: optionalString,
  msePacketizationVersion: optionalNumber,
  sipLogin: optionalString,
  sipAuthenticationName: optionalString,
  sipPassword: optionalString,
  sipDomain: optionalString,
  sipOutboundProxy: optionalString,
  sipProxy: optionalString,
  sipPort: z.union([z.string(), z.number()]).nullable().optional(),
  sipRegisterRequired: optionalBool,
  sipVisibleName: optionalString,
  sipContactParams: optionalString,
  status: z.string().optional(),
  // restClientConfig belongs in the *answer*; a request carrying it is still accepted (pass-through).
});

export const ConnectionStatusSchema = z.looseObject({
  ...envelopeShape,
  status: z.string(),
  info: z.string().optional(),
});

/** Call object subset (PROTOCOL.md §3.4); which fields a hook carries varies, so all are optional. */
export const callShape = {
  ...envelopeShape,
  callId: z.string(),
  parentCallId: optionalString,
  target: optionalString,
  incoming: optionalBool,
  isMsrp: optionalBool,
  holdForTransfer: optionalBool,
  hasAudio: optionalBool,
  hasVideo: optionalBool,
  status: z.string().optional(),
  sipStatus: z.number().optional(),
  info: z.string().optional(),
  caller: optionalString,
  callee: optionalString,
  visibleName: optionalString,
  sdp: optionalString,
  sipSDP: z.unknown().optional(),
  mediaProvider: z.string().optional(),
  sipMessageRaw: optionalString,
  inviteParameters: z.record(z.string(), z.unknown()).nullable().optional(),
};

export const CallSchema = z.looseObject(callShape);

export const SendDtmfSchema = z.looseObject({
  ...envelopeShape,
  callId: z.string(),
  dtmf: z.string().optional(),
  type: z.string().optional(),
});

export const TransferSchema = z.looseObject({ ...envelopeShape, callId: z.string(), target: optionalString });

/** Stream object (PROTOCOL.md §3.5). */
export const streamShape = {
  ...envelopeShape,
  mediaSessionId: z.string(),
  name: z.string().optional(),
  published: optionalBool,
  hasVideo: optionalBool,
  hasAudio: optionalBool,
  status: z.string().optional(),
  info: z.string().optional(),
  record: optionalBool,
  recordName: optionalString,
  mediaProvider: z.string().optional(),
  sdp: optionalString,
  width: optionalNumber,
  height: optionalNumber,
  bitrate: optionalNumber,
  minBitrate: optionalNumber,
  maxBitrate: optionalNumber,
  quality: optionalNumber,
  audioCodec: z.string().optional(),
  videoCodec: z.string().optional(),
  createDate: optionalNumber,
  mediaType: z.string().optional(),
  transport: z.string().optional(),
  cvoExtension: optionalBool,
  rtmpUrl: optionalString,
  constraints: z.unknown().optional(),
};

export const StreamSchema = z.looseObject(streamShape);

export const SnapshotSchema = z.looseObject({ ...envelopeShape, mediaSessionId: z.string().optional(), name: z.string().optional() });

export const StreamEventSchema = z.looseObject({
  ...envelopeShape,
  mediaSessionId: z.string(),
  type: z.string(),
  payload: z.unknown().optional(),
});

export const DataSchema = z.looseObject({
  ...envelopeShape,
  operationId: z.string(),
  payload: z.unknown(),
});

export const DataStatusSchema = z.looseObject({
  ...envelopeShape,
  operationId: z.string().optional(),
  status: z.string(),
  info: z.string().optional(),
});

/** Message fields are *inferred* (PROTOCOL.md §3.9): typed loosely, every field optional. */
export const MessageSchema = z.looseObject({
  ...envelopeShape,
  id: z.string().optional(),
  from: z.string().optional(),
  to: z.string().optional(),
  body: z.string().optional(),
  contentType: z.string().optional(),
  status: z.string().optional(),
});

/** Methods whose fields are undocumented: envelope only, the rest passes through. */
export const StatusEventSchema = z.looseObject({ ...envelopeShape, status: z.string().optional(), info: z.string().optional() });

export const ErrorEventSchema = z.looseObject({ ...envelopeShape, info: z.string().optional() });

export const SessionDebugSchema = z.looseObject({ ...envelopeShape, command: z.string().optional() });

export const PushLogsSchema = z.looseObject({ ...envelopeShape, logs: z.string().optional() });

/** Used for unknown method names: any JSON object. */
export const AnyObjectSchema = z.looseObject({});
