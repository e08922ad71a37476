/**
 * One WebSDK session inside the engine, and the narrow interface the flow modules (streams, calls, data)
 * use to reach the engine. Everything a session does runs through its own queue, one task at a time,
 * because WCS handles one flow's hooks in strict request/reply alternation (PROTOCOL.md §5.4).
 */
import type { ErrorOutcome, RestClientConfig, RestOnError } from '../protocol';
import type { WcsApp } from './apps';
import { recordOr } from '../util';
import type { HookResponse } from './backend';
import type { MediaPlane } from './media';

/** What the transport gives the engine to talk to one client. `send` may throw (mock-socket is synchronous). */
export interface ClientPort {
  send(text: string): void;
  close(code?: number, reason?: string): void;
}

/** What the engine gives the transport: call `receive` per text frame and `closed` once the socket is gone. */
export interface ClientLink {
  receive(text: string): void;
  closed(): void;
}

/** What `WcsEngine.accept` returns: a ClientLink that also names its session. */
export interface WcsClientLink extends ClientLink {
  readonly sessionId: string;
}

export type SessionState = 'new' | 'connecting' | 'established' | 'refused' | 'closed';

export interface StreamState {
  readonly mediaSessionId: string;
  readonly published: boolean;
  /** The stream object as WCS reports it (client payload without `sdp`, plus server fields and status). */
  obj: Record<string, unknown>;
  keepAlive?: ReturnType<typeof setInterval>;
  /** A periodic StreamKeepAliveEvent is waiting for its answer: the next tick is skipped, not queued. */
  keepAliveBusy?: boolean;
}

export interface CallState {
  readonly callId: string;
  readonly incoming: boolean;
  /** The call object as WCS reports it (without `sdp`). */
  obj: Record<string, unknown>;
  farEndTimers: Set<ReturnType<typeof setTimeout>>;
}

/** The outcome of one hook under the session's restClientConfig. */
export interface HookResult {
  readonly method: string;
  /** False when restPolicy DISABLE skipped the hook. */
  readonly sent: boolean;
  /** 200 arrived (or the hook was skipped). */
  readonly ok: boolean;
  /** Whether what the hook is about goes ahead (restOnError × type, PROTOCOL.md §4.2). */
  readonly proceeds: boolean;
  /** The body with restOverwrite fields taken from the answer (full body: restExclude only affects the wire). */
  readonly body: Record<string, unknown>;
  readonly response?: HookResponse;
  /** For failures: what WCS tells the client (custom reason, reason phrase, or the transport failure). */
  readonly info?: string;
  readonly outcome?: ErrorOutcome;
  /** For failures: the restOnError the outcome was decided under (connect is always FAIL). */
  readonly restOnError?: RestOnError;
}

export interface WcsStreamInfo {
  readonly mediaSessionId: string;
  readonly name?: string;
  readonly published: boolean;
  readonly status?: string;
}

export interface WcsCallInfo {
  readonly callId: string;
  readonly incoming: boolean;
  readonly status?: string;
  readonly caller?: string;
  readonly callee?: string;
}

export interface WcsSessionInfo {
  readonly sessionId: string;
  readonly appKey: string;
  readonly state: SessionState;
  readonly origin?: string;
  readonly remoteAddress?: string;
  readonly sipLogin?: string;
  readonly openedAt: number;
  /** The server's view of the connection (what getUserData carried). */
  readonly connection: Readonly<Record<string, unknown>>;
  readonly restClientConfig?: RestClientConfig;
  readonly streams: readonly WcsStreamInfo[];
  readonly calls: readonly WcsCallInfo[];
  /** For sessions of a room app (roomApp): the participant's login (`custom.login`) and the rooms it is in. */
  readonly room?: { readonly login?: string; readonly rooms: readonly string[] };
}

export class Session {
  state: SessionState = 'new';
  appKey = 'defaultApp';
  /** Set by `connection`; stays undefined for an appKey that was refused. */
  app: WcsApp | undefined;
  connection: Record<string, unknown> = {};
  config: RestClientConfig | undefined;
  readonly streams = new Map<string, StreamState>();
  readonly calls = new Map<string, CallState>();
  /** Rooms this session joined (roomApp), by name. */
  readonly rooms = new Set<string>();
  readonly timers = new Set<ReturnType<typeof setTimeout> | ReturnType<typeof setInterval>>();
  portClosed = false;
  unansweredPings = 0;
  /** Fault: no server pings, no pongs (faults.ts `silence`). */
  pingsMuted = false;
  readonly openedAt = Date.now();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly id: string,
    readonly port: ClientPort,
    readonly origin: string | undefined,
    readonly remoteAddress: string | undefined,
    private readonly track: (p: Promise<unknown>) => void,
    private readonly onTaskError: (err: unknown) => void,
  ) {}

  /** Tasks queued and not yet finished (the one running included). */
  queued = 0;
  /** Client messages skipped because the client had gone before their turn came. */
  droppedMessages = 0;

  /** Runs `task` after everything queued before it; a failing task is logged, never rethrown to the queue. */
  run<T>(task: () => T | Promise<T>): Promise<T | undefined> {
    this.queued++;
    const p = this.queue
      .then(task)
      .catch((err: unknown) => {
        this.onTaskError(err);
        return undefined;
      })
      .finally(() => this.queued--);
    this.queue = p;
    this.track(p);
    return p;
  }

  get sipLogin(): string | undefined {
    const v = this.connection.sipLogin;
    return typeof v === 'string' && v.length > 0 ? v : undefined;
  }

  info(): WcsSessionInfo {
    const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
    return {
      sessionId: this.id,
      appKey: this.appKey,
      state: this.state,
      origin: this.origin,
      remoteAddress: this.remoteAddress,
      sipLogin: this.sipLogin,
      openedAt: this.openedAt,
      connection: { ...this.connection },
      restClientConfig: this.config,
      streams: [...this.streams.values()].map((s) => ({
        mediaSessionId: s.mediaSessionId,
        name: str(s.obj.name),
        published: s.published,
        status: str(s.obj.status),
      })),
      calls: [...this.calls.values()].map((c) => ({
        callId: c.callId,
        incoming: c.incoming,
        status: str(c.obj.status),
        caller: str(c.obj.caller),
        callee: str(c.obj.callee),
      })),
      ...(this.app?.builtIn === 'room' ? { room: { login: str(recordOr(this.connection.custom).login), rooms: [...this.rooms] } } : {}),
    };
  }
}

/** What the flow modules need from the engine. */
export interface EngineCore {
  invoke(s: Session, method: string, body: Record<string, unknown>): Promise<HookResult>;
  /** Sends a frame; swallows and logs a client-side exception. */
  send(s: Session, message: string, data: unknown[]): void;
  /** `obj` without the clientExclude fields of every named method. */
  clientView(s: Session, methods: readonly string[], obj: Record<string, unknown>): Record<string, unknown>;
  /** `fail {status:"FAILED", info, apiMethod, id?}`: the SDK fires WARN (and fails stream `id` for StreamStatusEvent). */
  fail(s: Session, info: string, apiMethod: string, id?: string): void;
  decide(s: Session, method: string | undefined, text: string): void;
  warn(s: Session | undefined, text: string): void;
  /** nodeId, appKey, sessionId (+ origin when known), the fields every hook starts with. */
  envelope(s: Session): Record<string, unknown>;
  /** The client payload with the envelope added in front; the client cannot set envelope fields. */
  hookBody(s: Session, payload: Record<string, unknown>): Record<string, unknown>;
  allSessions(): Iterable<Session>;
  /** Runs `task` on `s`'s queue after `ms`; cancelled when the session ends. */
  later(s: Session, ms: number, task: () => Promise<void> | void, bucket?: Set<ReturnType<typeof setTimeout>>): void;
  /** The server's answer to a client offer; `leg` names the stream or call it belongs to (media planes need it). */
  sdpAnswer(offer: string, kind: SdpKind, leg?: MediaLeg): Promise<string>;
  sdpOffer(media: { audio: boolean; video: boolean }, leg?: MediaLeg): Promise<string>;
  /** Where media legs live; streams and calls release theirs through it when they end. */
  readonly media: MediaPlane;
  readonly options: { readonly streamKeepAliveMs: number; readonly playUnpublished: 'play' | 'fail'; readonly vodFiles: readonly string[] };
  startKeepAlive(s: Session, st: StreamState): void;
  /** A stream reached PUBLISHING/PLAYING or ended; built-in apps (roomApp) follow their participants' streams. */
  streamChanged(s: Session, st: StreamState): void;
}

export type SdpKind = 'publish' | 'play' | 'call' | 'answer' | 'incoming';

/** The stream (mediaSessionId) or call (callId) an SDP belongs to. */
export interface MediaLeg {
  readonly id: string;
  readonly sessionId: string;
  readonly name?: string;
}

export const ENVELOPE_KEYS: readonly string[] = ['nodeId', 'appKey', 'sessionId'];

export { isRecord, str } from '../util';

/** A hook body without its SDP, for the state kept per call or stream (the SDP is per negotiation). */
export function withoutSdp(o: Record<string, unknown>): Record<string, unknown> {
  const { sdp: _sdp, ...rest } = o;
  return rest;
}

/** A hook body without the envelope WCS adds for the backend, which the client never sees. */
export function dropEnvelope(o: Record<string, unknown>): Record<string, unknown> {
  const { nodeId: _n, appKey: _a, sessionId: _s, origin: _o, ...rest } = o;
  return rest;
}
