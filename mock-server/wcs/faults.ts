/**
 * Faults on demand: things a real WCS does to an app when media or the network goes wrong, triggered from a
 * test (engine.faults, the in-page mock object, or the `wcs` control API via `apply`). Each fault goes through
 * the same paths a real failure would: hooks to the backend first, then the frame the SDK reacts to.
 */
import * as z from 'zod';
import { endStream } from './streams';
import { isRecord, type EngineCore, type Session, type StreamState } from './session';

/** `info` texts WCS sends with a failed or stopped stream (PROTOCOL.md §3.5, the SDK's list). */
export const STREAM_FAILURE_INFO = {
  iceError: 'Failed by ICE error',
  iceTimeout: 'Failed by ICE timeout',
  dtlsError: 'Failed by DTLS error',
  rtpActivity: 'Failed by RTP activity',
  error: 'Failed by error',
  restTerminate: 'Stopped by rest /terminate',
  keepAlive: 'Terminated by keep-alive',
  noCommonCodecs: 'No common codecs',
  noTranscoders: 'No available transcoders',
  sessionGone: 'Session does not exist',
} as const;

/** Stream event types the WebSDK knows (STREAM_EVENT_TYPE, PROTOCOL.md §3.7). */
export const STREAM_EVENT_TYPES = [
  'audioMuted', 'audioUnmuted', 'videoMuted', 'videoUnmuted', 'data', 'snapshotCompleted', 'snapshotFailed', 'resize', 'notEnoughBandwidth',
] as const;

export type BreakableAnswer = 'publish' | 'play' | 'call' | 'any';

const STREAM_END = ['FAILED', 'STOPPED', 'UNPUBLISHED'] as const;

/** A fault as data, for the control API: `{"fault": "failStream", "stream": "cam1", "info": "Failed by RTP activity"}`. */
export const FaultSpecSchema = z.discriminatedUnion('fault', [
  z.object({
    fault: z.literal('failStream'),
    /** Stream name or mediaSessionId. */
    stream: z.string().min(1),
    info: z.string().optional(),
    status: z.enum(STREAM_END).optional(),
  }),
  z.object({
    fault: z.literal('streamEvent'),
    stream: z.string().min(1),
    type: z.string().min(1),
    payload: z.unknown().optional(),
  }),
  z.object({ fault: z.literal('breakNextAnswer'), kind: z.enum(['publish', 'play', 'call', 'any']).optional() }),
  z.object({ fault: z.literal('dropSession'), session: z.string().min(1), reason: z.string().optional() }),
  z.object({ fault: z.literal('silence'), session: z.string().min(1), silent: z.boolean().optional() }),
]);

export type FaultSpec = z.infer<typeof FaultSpecSchema>;

export interface FaultResult {
  readonly fault: FaultSpec['fault'];
  /** Streams or sessions the fault reached. */
  readonly affected: readonly string[];
}

/** What the faults need from the engine that EngineCore does not give. */
export interface FaultHost {
  readonly core: EngineCore;
  /** An established session by sessionId, sipLogin or appKey; throws a clear error when none matches. */
  select(selector: string): Session;
  dropSession(selector: string, reason?: string): Promise<void>;
}

/** Default payloads, as the SDK reads them (flashphoner-core.js: resize and notEnoughBandwidth handlers). */
function defaultPayload(type: string): unknown {
  if (type === 'resize') return { streamerVideoWidth: 640, streamerVideoHeight: 360 };
  // "<remote bitrate>/<network bandwidth>" in bit/s, split on "/" by the SDK.
  if (type === 'notEnoughBandwidth') return { info: '300000/250000' };
  return undefined;
}

/** An answer Chromium refuses: an answer may not offer both DTLS roles. */
export function breakAnswer(sdp: string): string {
  const broken = sdp.replace(/^a=setup:(active|passive)$/gm, 'a=setup:actpass');
  return broken !== sdp ? broken : sdp.replace(/^a=fingerprint:.*\r?\n/gm, '');
}

export class WcsFaults {
  private readonly breaks: BreakableAnswer[] = [];

  constructor(private readonly host: FaultHost) {}

  /**
   * A live stream ends as WCS ends it on a media failure: StreamStatusEvent to the backend, then the client
   * sees `status` (default FAILED) with `info` (default "Failed by RTP activity"). `stream` is a
   * mediaSessionId, or a name: then the publisher of that name fails (its players stop, as after any
   * publisher end), or every player of it when nobody publishes it.
   */
  async failStream(stream: string, info: string = STREAM_FAILURE_INFO.rtpActivity, status: (typeof STREAM_END)[number] = 'FAILED'): Promise<string[]> {
    if (!STREAM_END.includes(status)) throw new TypeError(`status must be one of ${STREAM_END.join(', ')}, got ${JSON.stringify(status)}`);
    const targets = this.streams(stream, true);
    await Promise.all(
      targets.map(([s, st]) =>
        s.run(async () => {
          this.host.core.decide(s, 'fault', `stream ${String(st.obj.name)} (${st.mediaSessionId}) ends ${status}: ${info}`);
          await endStream(this.host.core, s, st, status, info, 'StreamStatusEvent');
        }),
      ),
    );
    return targets.map(([, st]) => st.mediaSessionId);
  }

  /**
   * A stream event to the client (`notifyStreamEvent`), e.g. `resize` or `notEnoughBandwidth`; the SDK fires
   * STREAM_EVENT. By mediaSessionId, or by name to every live stream of that name. No hook: WCS documents
   * StreamEvent hooks only for events a publisher sends (inferred).
   */
  async streamEvent(stream: string, type: string, payload: unknown = defaultPayload(type)): Promise<string[]> {
    if (typeof type !== 'string' || type.length === 0) throw new TypeError('streamEvent needs a type, e.g. "resize" or "notEnoughBandwidth"');
    if (type === 'notEnoughBandwidth' && !(isRecord(payload) && typeof payload.info === 'string')) {
      // The SDK calls payload.info.split("/") and would throw inside its message handler.
      throw new TypeError('notEnoughBandwidth needs payload {info: "<remote bitrate>/<network bandwidth>"}');
    }
    const targets = this.streams(stream, false);
    await Promise.all(
      targets.map(([s, st]) =>
        s.run(() => {
          const event: Record<string, unknown> = { mediaSessionId: st.mediaSessionId, type };
          if (payload !== undefined) event.payload = payload;
          this.host.core.decide(s, 'fault', `stream event ${type} to ${String(st.obj.name)} (${st.mediaSessionId})`);
          this.host.core.send(s, 'notifyStreamEvent', [event]);
        }),
      ),
    );
    return targets.map(([, st]) => st.mediaSessionId);
  }

  /**
   * The next SDP answer of this kind is one Chromium rejects. The SDK does not catch the rejection: the stream
   * still reports PUBLISHING/PLAYING, no media flows, and the page gets an unhandled rejection.
   */
  breakNextAnswer(kind: BreakableAnswer = 'any'): void {
    if (!['publish', 'play', 'call', 'any'].includes(kind)) throw new TypeError(`kind must be publish, play, call or any, got ${JSON.stringify(kind)}`);
    this.breaks.push(kind);
  }

  /** Drops the session from the server side; the client sees its socket close. */
  async dropSession(session: string, reason = 'Closed by server'): Promise<string[]> {
    const s = this.host.select(session);
    this.host.core.decide(s, 'fault', `session dropped: ${reason}`);
    await this.host.dropSession(s.id, reason);
    return [s.id];
  }

  /**
   * The server stops pinging the client and answering its pings (or starts again with `silent` false). A
   * client with `receiveProbes` gives up with SESSION_STATUS.FAILED; the server does not drop it for pings
   * it did not send.
   */
  silence(session: string, silent = true): string[] {
    const s = this.host.select(session);
    s.pingsMuted = silent;
    this.host.core.decide(s, 'fault', silent ? 'keep-alive silenced: no pings, no pongs' : 'keep-alive resumed');
    return [s.id];
  }

  /** One fault described as data (the control API's entry point); validates before doing anything. */
  async apply(spec: unknown): Promise<FaultResult> {
    const parsed = FaultSpecSchema.safeParse(spec);
    if (!parsed.success) {
      throw new TypeError(`invalid fault: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(fault)'}: ${i.message}`).join('; ')}`);
    }
    const f = parsed.data;
    switch (f.fault) {
      case 'failStream':
        return { fault: f.fault, affected: await this.failStream(f.stream, f.info, f.status) };
      case 'streamEvent':
        return { fault: f.fault, affected: await this.streamEvent(f.stream, f.type, f.payload === undefined ? defaultPayload(f.type) : f.payload) };
      case 'breakNextAnswer':
        this.breakNextAnswer(f.kind);
        return { fault: f.fault, affected: [] };
      case 'dropSession':
        return { fault: f.fault, affected: await this.dropSession(f.session, f.reason) };
      case 'silence':
        return { fault: f.fault, affected: this.silence(f.session, f.silent) };
    }
  }

  /** Called by the engine with every SDP answer it is about to send: applies a pending breakNextAnswer. */
  filterAnswer(s: Session, kind: 'publish' | 'play' | 'call', sdp: string): string {
    const i = this.breaks.findIndex((k) => k === 'any' || k === kind);
    if (i < 0) return sdp;
    this.breaks.splice(i, 1);
    this.host.core.decide(s, 'fault', `${kind} answer broken on purpose (a=setup:actpass): the browser will reject it`);
    return breakAnswer(sdp);
  }

  /** Live streams matching a mediaSessionId, else a name (publisher first when `publisherWins`). */
  private streams(selector: string, publisherWins: boolean): [Session, StreamState][] {
    if (typeof selector !== 'string' || selector.length === 0) throw new TypeError('a stream name or mediaSessionId is required');
    const all: [Session, StreamState][] = [];
    for (const s of this.host.core.allSessions()) for (const st of s.streams.values()) all.push([s, st]);
    const byId = all.filter(([, st]) => st.mediaSessionId === selector);
    if (byId.length > 0) return byId;
    const byName = all.filter(([, st]) => st.obj.name === selector);
    const pubs = byName.filter(([, st]) => st.published);
    const hit = publisherWins && pubs.length > 0 ? pubs : byName;
    if (hit.length === 0) throw new Error(`no live stream matches "${selector}" (by mediaSessionId or name)`);
    return hit;
  }
}

