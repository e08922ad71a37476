/**
 * Realistic sample bodies per method, for snippets, stubs, `trigger` and the UI.
 *
 * All samples share one session (node, session, stream and call ids) so that tools correlating hooks see
 * one story, as the example files in shared/wcs/examples do. Fields marked inferred in PROTOCOL.md are
 * illustrative only; a real WCS build may send more or fewer.
 */

export const SAMPLE_IDS = {
  nodeId: 'Q8c2mVx7LrT0aZp4Kd9WfH1sYb3NeJ6u@192.168.10.5',
  appKey: 'defaultApp',
  sessionId: '/192.168.10.23:51744/192.168.10.5:8443-3f1c9a52-7e4b-4d0a-9b61-5c2e8d7f0a14',
  mediaSessionId: '4f0e8c10-a1c2-11ee-8d3b-6b1f2c9e7a55',
  streamName: 'room42-alice',
  callId: '9b2c7d40-a1c2-11ee-8d3b-6b1f2c9e7a55',
  operationId: 'b7e4a2c0-a1c3-11ee-8d3b-6b1f2c9e7a55',
} as const;

const SDP = 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n';
const USER_AGENT =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';

const envelope = () => ({ nodeId: SAMPLE_IDS.nodeId, appKey: SAMPLE_IDS.appKey, sessionId: SAMPLE_IDS.sessionId });
const custom = { login: 'alice', token: 'c2Vzc2lvbi10b2tlbi0xMjM0NQ' };

const connection = () => ({
  ...envelope(),
  useWsTunnel: false,
  useWsTunnelPacketization2: false,
  useBase64BinaryEncoding: false,
  mediaProviders: ['WebRTC', 'MSE', 'WSPlayer'],
  clientVersion: '2.0',
  clientOSVersion: USER_AGENT.slice('Mozilla/'.length),
  clientBrowserVersion: USER_AGENT,
  keepAlive: false,
  authToken: SAMPLE_IDS.sessionId,
  custom,
  origin: 'https://app.example.com',
});

const call = (status: string) => ({
  ...envelope(),
  callId: SAMPLE_IDS.callId,
  incoming: false,
  status,
  caller: '1001',
  callee: '1002',
  visibleName: '1001',
  hasAudio: true,
  hasVideo: false,
  mediaProvider: 'WebRTC',
  isMsrp: false,
  holdForTransfer: false,
  custom,
});

const stream = (status: string, published = true) => ({
  ...envelope(),
  mediaSessionId: SAMPLE_IDS.mediaSessionId,
  name: SAMPLE_IDS.streamName,
  published,
  hasVideo: true,
  hasAudio: true,
  status,
  record: false,
  mediaProvider: 'WebRTC',
});

const streamState = (status: string) => ({
  ...stream(status),
  audioCodec: 'opus',
  videoCodec: 'H264',
  width: 0,
  height: 0,
  bitrate: 0,
  minBitrate: 0,
  maxBitrate: 0,
  createDate: 1703500812345,
  mediaType: 'publish',
  transport: 'UDP',
  cvoExtension: false,
  audioState: { muted: false },
  videoState: { muted: false },
});

const message = (status: string, from: string, to: string, body: string) => ({
  ...envelope(),
  id: '5d3b9e1a-a1c3-11ee-9f41-0242ac120002',
  from,
  to,
  body,
  contentType: 'text/plain',
  status,
});

const SAMPLES: Record<string, () => Record<string, unknown>> = {
  connect: connection,
  call: () => ({ ...call('PENDING'), sdp: SDP }),
  answer: () => ({ ...call('PENDING'), incoming: true, caller: '1002', callee: '1001', sdp: SDP }),
  hold: () => ({ ...envelope(), callId: SAMPLE_IDS.callId }),
  unhold: () => ({ ...envelope(), callId: SAMPLE_IDS.callId }),
  transfer: () => ({ ...envelope(), callId: SAMPLE_IDS.callId, target: '1003' }),
  sendDtmf: () => ({ ...envelope(), callId: SAMPLE_IDS.callId, type: 'RFC2833', dtmf: '1' }),
  sendMessage: () => message('PENDING', '1001', '1002', 'Can we talk?'),
  sendIMDN: () => message('DELIVERED', '1001', '1002', ''),
  subscribe: () => ({ ...envelope(), event: 'presence', to: '1002' }),
  sendXcapRequest: () => ({ ...envelope(), url: 'http://xcap.example.com/xcap-root' }),
  publishStream: () => ({ ...stream('PENDING'), sdp: SDP, custom, bitrate: 0, minBitrate: 0, maxBitrate: 0 }),
  playStream: () => ({ ...stream('PENDING', false), sdp: SDP, width: 0, height: 0, quality: 0 }),
  playHLS: () => ({ ...envelope(), name: SAMPLE_IDS.streamName }),
  playRTSP: () => ({ ...envelope(), name: SAMPLE_IDS.streamName }),
  OnDataEvent: () => ({ ...envelope(), operationId: SAMPLE_IDS.operationId, payload: { type: 'chat', text: 'hello from alice' } }),
  submitBugReport: () => ({ ...envelope(), text: 'Video freezes after 10 s' }),
  hangup: () => ({ ...envelope(), callId: SAMPLE_IDS.callId }),
  unPublishStream: () => stream('PUBLISHING'),
  stopStream: () => stream('PLAYING', false),
  pauseStream: () => stream('PLAYING', false),
  snapshot: () => ({ ...envelope(), name: SAMPLE_IDS.streamName, mediaSessionId: SAMPLE_IDS.mediaSessionId }),
  pushLogs: () => ({ ...envelope(), logs: '12:00:00 INFO session established' }),
  sessionDebug: () => ({ ...envelope(), command: 'start' }),
  availableStream: () => ({ ...envelope(), name: SAMPLE_IDS.streamName, mediaSessionId: SAMPLE_IDS.mediaSessionId }),
  ConnectionStatusEvent: () => ({ ...connection(), status: 'ESTABLISHED' }),
  RegistrationStatusEvent: () => ({ ...envelope(), sipLogin: '1001', status: 'REGISTERED' }),
  CallStatusEvent: () => ({ ...call('RING'), sipStatus: 180 }),
  TransferStatusEvent: () => ({ ...envelope(), callId: SAMPLE_IDS.callId, status: 'ACCEPTED' }),
  MessageStatusEvent: () => message('ACCEPTED', '1001', '1002', 'Can we talk?'),
  SubscriptionStatusEvent: () => ({ ...envelope(), status: 'ACTIVE' }),
  XcapStatusEvent: () => ({ ...envelope(), status: 'RECEIVED' }),
  StreamStatusEvent: () => streamState('PUBLISHING'),
  DataStatusEvent: () => ({ ...envelope(), operationId: SAMPLE_IDS.operationId, status: 'ACCEPTED' }),
  BugReportStatusEvent: () => ({ ...envelope(), status: 'SAVED' }),
  SessionDebugStatusEvent: () => ({ ...envelope(), status: 'STARTED' }),
  StreamKeepAliveEvent: () => streamState('PUBLISHING'),
  sendStreamEvent: () => ({ ...envelope(), mediaSessionId: SAMPLE_IDS.mediaSessionId, type: 'audioMuted', origin: 'https://app.example.com' }),
  StreamEvent: () => ({ ...envelope(), mediaSessionId: '7c1d2e30-a1c2-11ee-8d3b-6b1f2c9e7a55', type: 'audioMuted' }),
  ErrorEvent: () => ({ ...envelope(), info: 'Failed by request timeout' }),
  RecordingStatusEvent: () => ({ ...envelope(), mediaSessionId: SAMPLE_IDS.mediaSessionId, status: 'RECORDING' }),
  StreamsStatEvent: () => ({ ...envelope() }),
  StreamTranscodingGroupEvent: () => ({ ...envelope() }),
  ErrorStatusEvent: () => ({ ...envelope(), info: 'Failed by request timeout' }),
  OnCallEvent: () => ({ ...call('PENDING'), incoming: true, caller: '1002', callee: '1001', custom: undefined }),
  OnMessageEvent: () => message('RECEIVED', '1002', '1001', 'Yes, call me in 5 minutes.'),
  OnTransferEvent: () => ({ ...envelope(), callId: SAMPLE_IDS.callId, target: '1001' }),
};

/** A fresh sample body for a method; for unknown names, the envelope alone. */
export function sampleBody(method: string): Record<string, unknown> {
  const make = SAMPLES[method];
  // JSON round trip drops undefined fields, as the SDK's JSON.stringify does.
  return JSON.parse(JSON.stringify(make ? make() : envelope()));
}
