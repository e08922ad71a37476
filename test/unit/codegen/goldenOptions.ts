/**
 * The fixed option set the golden files and the run tests use. Each decision exercises one rule of the
 * stub semantics against the example bodies in test/fixtures/examples (see the comments).
 */
import type { StubDecision, StubOptions } from '../../../mock-server/codegen/stubs';

/** A reason with everything that could break out of a string or comment in one of the four languages. */
export const TRICKY_REASON = 'Stream name taken.\nTry "room42-bob" or \'room43\': $HOME ?> */ \\ é';

export const GOLDEN_DECISIONS: readonly StubDecision[] = [
  // OnCallEvent.json has callee PPP005: declined with a reason.
  { method: 'OnCallEvent', when: { callee: 'PPP005' }, answer: { status: 403, reason: 'PPP005 takes no calls from the web' }, note: 'declined in the tree' },
  // publishStream.json: both conditions hold.
  { method: 'publishStream', when: { name: 'room42-alice', published: true }, answer: { status: 403, reason: TRICKY_REASON } },
  // Only a synthetic body has this name: 403 with an empty body.
  { method: 'publishStream', when: { name: 'reserved' }, answer: 'forbid' },
  // call.json has hasVideo false: one condition fails, so the call is echoed.
  { method: 'call', when: { callee: '1002', hasVideo: true }, answer: { status: 403, reason: 'Video calls only' } },
  // CallStatusEvent-RING.json: a number condition, answered 200 with fields merged in.
  { method: 'CallStatusEvent', when: { sipStatus: 180 }, answer: { status: 200, merge: { seen: true, tags: ['ring'], meta: {} } } },
  // StreamKeepAliveEvent.json: number 0 and a string; the keep-alive is refused.
  { method: 'StreamKeepAliveEvent', when: { bitrate: 0, status: 'PUBLISHING' }, answer: { status: 403, reason: 'Stream idle' } },
  // Unconditional: every hangup gets this fixed answer.
  { method: 'hangup', answer: { status: 500, body: { error: 'unexpected' } } },
  // null matches only a field that is present and null (OnDataEvent.json has a string).
  { method: 'OnDataEvent', when: { operationId: null }, answer: 'forbid' },
  // An explicit echo decision.
  { method: 'sendMessage', when: { to: '1002' }, answer: 'echo', note: 'looked fine' },
];

export const GOLDEN_CONNECT_CONFIG = {
  publishStream: { restOnError: 'FAIL', restPolicy: 'NOTIFY' },
  OnCallEvent: { restOnError: 'FAIL' },
  StreamKeepAliveEvent: { restOnError: 'FAIL', restExclude: '' },
} as const;

export const GOLDEN_OPTIONS: Omit<StubOptions, 'target'> = {
  methods: ['connect', 'publishStream', 'OnCallEvent', 'StreamStatusEvent', 'sendDTMF'],
  decisions: GOLDEN_DECISIONS,
  connectConfig: GOLDEN_CONNECT_CONFIG,
  appPath: '/EchoApp',
};
