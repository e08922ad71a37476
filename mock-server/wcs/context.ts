/**
 * The state every part of the engine shares (live sessions, the log, counters, settings) and the small
 * operations on it: send a frame, close a socket, build a hook body, record a log entry. The flow modules
 * (connection, streams, calls, data) see it through `EngineCore`; the engine facade owns one instance.
 * Browser-safe: no Node built-ins.
 */
import { WCS_REST_REQUEST_TIMEOUT_MS, resolveMethodConfig, withoutFields } from '../protocol';
import { adHocApp, checkBackend, resolveApps, UNKNOWN_APP_MODES, type UnknownAppMode, type WcsApp, type WcsAppConfig } from './apps';
import type { Backend, HookTransport } from './backend';
import type { FarEndScript } from './farEnd';
import { invokeHook } from './hookCall';
import type { WcsLogEntry, WcsLogInput } from './log';
import type { WcsFaults } from './faults';
import { uuid } from './ids';
import { resolveMediaPlane, type MediaPlane } from './media';
import { ENVELOPE_KEYS, type EngineCore, type HookResult, type MediaLeg, type SdpKind, type Session, type StreamState, type WcsSessionInfo } from './session';
import { roomStreamChanged, type Room } from './rooms';
import { keepAliveOnce } from './streams';
import { boundValue, DEFAULT_LOG_MAX_BYTES } from './logBound';

export interface WcsEngineOptions {
  backend: Backend;
  /** Default: 32 random alphanumerics `@127.0.0.1`, fixed for the engine's life. */
  nodeId?: string;
  /** The server side of session ids, default `127.0.0.1:8080` (the WebSDK's plain WebSocket port). */
  serverAddress?: string;
  /** The SDP the server answers a client offer with. Default: `synthesizeAnswer` (sdp.ts). */
  sdpAnswer?: (offerSdp: string, kind: SdpKind) => string | Promise<string>;
  /** The offer of a call placed to the client. Default: `synthesizeOffer` (sdp.ts). */
  sdpOffer?: (media: { audio: boolean; video: boolean }) => string | Promise<string>;
  /** What answers offers and carries media; default synthetic (SDP only). `sdpAnswer`/`sdpOffer` win over it. */
  media?: MediaPlane;
  /** Play of a name nobody publishes: 'play' (default; a test pattern with loopback media) or 'fail' ("Stream not found"). */
  playUnpublished?: 'play' | 'fail';
  /** Files `vod://name` may play; any other VOD name fails "File not found" as in WCS. Default none. */
  vodFiles?: readonly string[];
  /** How the SIP side behaves for outgoing calls. Default: answers at once. */
  farEnd?: FarEndScript;
  /** Server `ping` period (keep_alive.server_interval), default 5000; 0 = off. */
  pingIntervalMs?: number;
  /** Unanswered pings before the server drops the client; default 10 (less certain, PROTOCOL.md §6.5). */
  maxMissedPings?: number;
  /** Period of StreamKeepAliveEvent hooks per live stream; default 0 = off (as in WCS). */
  streamKeepAliveMs?: number;
  /** Hook read timeout (rest_request_timeout), default 15000; 0 = no limit. */
  hookTimeoutMs?: number;
  /** HTTP client for URL backends (browser or Node fetch, or a stub). */
  fetch?: typeof fetch;
  /**
   * How hooks are posted, winning over `fetch`. Default in Node: a keep-alive pool per backend
   * (`pooledHookTransport`); in the browser: fetch.
   */
  hookTransport?: HookTransport;
  /**
   * Log entries kept in memory (oldest dropped first); default 10000. 0 keeps none, for load runs: entries
   * are then built only while someone listens to the `log` event.
   */
  logLimit?: number;
  /** Bytes of log entries kept in memory (oldest dropped first); default 64 MiB. Long values are cut. */
  logMaxBytes?: number;
  /**
   * Applications by appKey (apps.ts). `defaultApp` and `roomApp` (the Room API) always exist, using
   * `backend`, unless configured here.
   */
  apps?: Record<string, WcsAppConfig>;
  /** Participants a room takes before a join is refused as full; default 0 = no limit (WCS documents none). */
  maxRoomParticipants?: number;
  /** A `connection` with an appKey no app has: `refuse` (default, as WCS) or `accept` it as a plain app. */
  unknownApps?: UnknownAppMode;
}

export type WcsSessionEvent = 'opened' | 'established' | 'refused' | 'closed';

export interface WcsEngineEvents {
  log: [entry: WcsLogEntry];
  session: [event: WcsSessionEvent, session: WcsSessionInfo];
  /** Every hook that got (or failed to get) an answer. */
  hook: [sessionId: string, method: string, result: HookResult];
}

export interface WcsEngineStats {
  sessionsOpened: number;
  hooksSent: number;
  /** Hooks that got no 200: declines, timeouts, unreachable backend. */
  hookErrors: number;
  /** Hooks that got no answer at all (timeout, unreachable, handler threw). */
  deliveryFailures: number;
  clientFrames: number;
  clientSendErrors: number;
}

/** The engine's options with defaults applied and numbers checked. */
export interface ResolvedOptions {
  readonly backend: Backend;
  readonly serverAddress: string;
  readonly pingIntervalMs: number;
  readonly maxMissedPings: number;
  readonly streamKeepAliveMs: number;
  readonly hookTimeoutMs: number;
  readonly logLimit: number;
  readonly logMaxBytes: number;
  readonly playUnpublished: 'play' | 'fail';
  readonly vodFiles: readonly string[];
  readonly unknownApps: UnknownAppMode;
  readonly maxRoomParticipants: number;
}

/** How the context reaches the engine's (protected) emitter. */
export type Emit = <K extends keyof WcsEngineEvents>(event: K, ...args: WcsEngineEvents[K]) => void;

const DEFAULT_SERVER = '127.0.0.1:8080';

function nonNegative(name: string, v: number | undefined, def: number): number {
  if (v === undefined) return def;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new RangeError(`${name} must be a number >= 0, got ${String(v)}`);
  return v;
}

function oneOf<T extends string>(name: string, v: T | undefined, allowed: readonly T[], def: T): T {
  if (v === undefined) return def;
  if (!allowed.includes(v)) throw new TypeError(`${name} must be ${allowed.map((a) => `"${a}"`).join(' or ')}, got ${JSON.stringify(v)}`);
  return v;
}

function stringList(name: string, v: readonly string[] | undefined): readonly string[] {
  if (v === undefined) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw new TypeError(`${name} must be an array of strings`);
  return [...v];
}

export function describeError(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Checks the options a user passes; throws a TypeError/RangeError naming the bad field. */
export function resolveOptions(options: WcsEngineOptions): ResolvedOptions {
  if (!options || !options.backend) throw new TypeError('WcsEngine needs a backend: {url} or {handler}');
  const b = options.backend;
  checkBackend(b, 'backend');
  if (options.unknownApps !== undefined && !UNKNOWN_APP_MODES.includes(options.unknownApps)) {
    throw new TypeError(`unknownApps must be "refuse" or "accept", got ${JSON.stringify(options.unknownApps)}`);
  }
  return {
    backend: b,
    serverAddress: options.serverAddress ?? DEFAULT_SERVER,
    pingIntervalMs: nonNegative('pingIntervalMs', options.pingIntervalMs, 5000),
    maxMissedPings: nonNegative('maxMissedPings', options.maxMissedPings, 10),
    streamKeepAliveMs: nonNegative('streamKeepAliveMs', options.streamKeepAliveMs, 0),
    hookTimeoutMs: nonNegative('hookTimeoutMs', options.hookTimeoutMs, WCS_REST_REQUEST_TIMEOUT_MS),
    logLimit: nonNegative('logLimit', options.logLimit, 10_000),
    logMaxBytes: Math.max(1, nonNegative('logMaxBytes', options.logMaxBytes, DEFAULT_LOG_MAX_BYTES)),
    playUnpublished: oneOf('playUnpublished', options.playUnpublished, ['play', 'fail'] as const, 'play'),
    vodFiles: stringList('vodFiles', options.vodFiles),
    unknownApps: options.unknownApps ?? 'refuse',
    maxRoomParticipants: nonNegative('maxRoomParticipants', options.maxRoomParticipants, 0),
  };
}

export class EngineContext implements EngineCore {
  readonly stats: WcsEngineStats = { sessionsOpened: 0, hooksSent: 0, hookErrors: 0, deliveryFailures: 0, clientFrames: 0, clientSendErrors: 0 };
  readonly entries: WcsLogEntry[] = [];
  readonly live = new Map<string, Session>();
  readonly inflight = new Set<Promise<unknown>>();
  readonly aborters = new Set<() => void>();
  readonly apps: Map<string, WcsApp>;
  /** roomApp's rooms by name; a room is dropped when its last participant leaves. */
  readonly rooms = new Map<string, Room>();
  closing = false;
  hooksAborted = false;
  readonly media: MediaPlane;
  /** Set by the engine right after construction; applies pending broken answers. */
  faults?: WcsFaults;
  private seq = 0;
  private readonly entryBytes: number[] = [];
  private logBytes = 0;

  constructor(
    readonly nodeId: string,
    readonly opts: ResolvedOptions,
    readonly userOptions: WcsEngineOptions,
    readonly emit: Emit,
    private readonly listens: (event: keyof WcsEngineEvents) => boolean = () => true,
  ) {
    this.media = resolveMediaPlane(userOptions);
    this.apps = resolveApps(opts.backend, userOptions.apps);
  }

  /** The app a connection's appKey names; undefined when it must be refused. */
  appFor(appKey: string): WcsApp | undefined {
    return this.apps.get(appKey) ?? (this.opts.unknownApps === 'accept' ? adHocApp(appKey, this.opts.backend) : undefined);
  }

  get options(): EngineCore['options'] {
    return { streamKeepAliveMs: this.opts.streamKeepAliveMs, playUnpublished: this.opts.playUnpublished, vodFiles: this.opts.vodFiles };
  }

  readonly register = (abort: () => void): (() => void) => {
    this.aborters.add(abort);
    return () => this.aborters.delete(abort);
  };

  track(p: Promise<unknown>): void {
    this.inflight.add(p);
    void p.finally(() => this.inflight.delete(p));
  }

  /** Whether a log entry would be kept or seen: callers on the hook path skip building one when not. */
  get logging(): boolean {
    return this.opts.logLimit > 0 || this.listens('log');
  }

  record(input: WcsLogInput): void {
    if (this.opts.logLimit === 0) {
      // Nothing kept: a load run's sessions pay for no copy of their frames unless someone watches.
      if (this.listens('log')) this.emit('log', { seq: ++this.seq, at: Date.now(), ...boundValue(input).value } as WcsLogEntry);
      else this.seq++;
      return;
    }
    const bounded = boundValue(input);
    const entry = { seq: ++this.seq, at: Date.now(), ...bounded.value } as WcsLogEntry;
    this.entries.push(entry);
    this.entryBytes.push(bounded.bytes);
    this.logBytes += bounded.bytes;
    // Trim in chunks so a long load run does not pay for a shift per entry.
    if (this.entries.length > this.opts.logLimit * 1.1) this.dropOldest(this.entries.length - this.opts.logLimit);
    if (this.logBytes > this.opts.logMaxBytes) {
      let n = 0;
      let bytes = this.logBytes;
      while (bytes > this.opts.logMaxBytes * 0.9 && n < this.entries.length - 1) bytes -= this.entryBytes[n++]!;
      this.dropOldest(n);
    }
    this.emit('log', entry);
  }

  /** A session event, with the session's info built only when someone listens (load runs have thousands). */
  sessionEvent(event: WcsSessionEvent, s: Session): void {
    if (this.listens('session')) this.emit('session', event, s.info());
  }

  /** The counted bytes of the kept log entries (see logBound.ts). */
  get logSize(): number {
    return this.logBytes;
  }

  private dropOldest(n: number): void {
    this.entries.splice(0, n);
    for (const b of this.entryBytes.splice(0, n)) this.logBytes -= b;
  }

  invoke(s: Session, method: string, body: Record<string, unknown>): Promise<HookResult> {
    return invokeHook(this, s, method, body);
  }

  send(s: Session, message: string, data: unknown[]): void {
    if (s.portClosed) return;
    const text = JSON.stringify({ message, data });
    this.stats.clientFrames++;
    let error: string | undefined;
    try {
      s.port.send(text);
    } catch (err) {
      // mock-socket delivers synchronously, so an exception in the SDK's onmessage lands here.
      error = describeError(err);
      this.stats.clientSendErrors++;
    }
    this.record({ kind: 'client-frame', sessionId: s.id, message, data, ...(error ? { error } : {}) });
  }

  closePort(s: Session, code: number, reason: string): void {
    if (s.portClosed) return;
    s.portClosed = true;
    try {
      s.port.close(code, reason);
    } catch (err) {
      this.record({ kind: 'warning', sessionId: s.id, text: `closing the client socket threw: ${describeError(err)}` });
    }
  }

  clientView(s: Session, methods: readonly string[], obj: Record<string, unknown>): Record<string, unknown> {
    const fields = new Set<string>();
    for (const m of methods) for (const f of resolveMethodConfig(s.config, m).clientExclude) fields.add(f);
    return withoutFields(obj, [...fields]);
  }

  fail(s: Session, info: string, apiMethod: string, id?: string): void {
    this.send(s, 'fail', [{ status: 'FAILED', info, apiMethod, ...(id !== undefined ? { id } : {}) }]);
  }

  decide(s: Session, method: string | undefined, text: string): void {
    this.record({ kind: 'decision', sessionId: s.id, ...(method !== undefined ? { method } : {}), text });
  }

  warn(s: Session | undefined, text: string): void {
    this.record({ kind: 'warning', sessionId: s?.id, text });
  }

  envelope(s: Session): Record<string, unknown> {
    const e: Record<string, unknown> = { nodeId: this.nodeId, appKey: s.appKey, sessionId: s.id };
    if (s.origin) e.origin = s.origin;
    return e;
  }

  hookBody(s: Session, payload: Record<string, unknown>): Record<string, unknown> {
    const body = this.envelope(s);
    for (const [k, v] of Object.entries(payload)) if (!ENVELOPE_KEYS.includes(k)) body[k] = v;
    return body;
  }

  allSessions(): Iterable<Session> {
    return this.live.values();
  }

  later(s: Session, ms: number, task: () => Promise<void> | void, bucket?: Set<ReturnType<typeof setTimeout>>): void {
    const t = setTimeout(() => {
      s.timers.delete(t);
      bucket?.delete(t);
      void s.run(task);
    }, ms);
    s.timers.add(t);
    bucket?.add(t);
  }

  async sdpAnswer(offer: string, kind: SdpKind, leg?: MediaLeg): Promise<string> {
    const legKind = kind === 'publish' || kind === 'play' ? kind : 'call';
    const sdp = await this.media.answer({ kind: legKind, id: leg?.id ?? uuid(), sessionId: leg?.sessionId ?? '', name: leg?.name, offer });
    const s = leg && this.live.get(leg.sessionId);
    return s && this.faults ? this.faults.filterAnswer(s, legKind, sdp) : sdp;
  }

  async sdpOffer(media: { audio: boolean; video: boolean }, leg?: MediaLeg): Promise<string> {
    return this.media.offer({ id: leg?.id ?? uuid(), sessionId: leg?.sessionId ?? '', name: leg?.name, ...media });
  }

  startKeepAlive(s: Session, st: StreamState): void {
    if (this.opts.streamKeepAliveMs <= 0) return;
    // One keep-alive per stream in flight at most: when the backend answers slower than the period, ticks
    // queued behind the session's other work would pile up without bound (bench/sessions.ts with thousands
    // of streams on a loaded machine queued minutes of them). Skipping is inferred; WCS's own behaviour
    // under a slow backend is undocumented.
    const tick = () => {
      if (st.keepAliveBusy) return;
      st.keepAliveBusy = true;
      void s.run(() => keepAliveOnce(this, s, st)).finally(() => (st.keepAliveBusy = false));
    };
    const t = setInterval(tick, this.opts.streamKeepAliveMs);
    (t as { unref?: () => void }).unref?.();
    st.keepAlive = t;
    s.timers.add(t);
  }

  streamChanged(s: Session, st: StreamState): void {
    if (s.app?.builtIn === 'room') roomStreamChanged(this, s, st);
  }

  /**
   * The session an API call names: its id (any state with `includeAll`), else the first established
   * session with that sipLogin, else with that appKey.
   */
  select(selector: string, includeAll = false): Session {
    const byId = this.live.get(selector);
    if (byId && (includeAll || byId.state === 'established')) return byId;
    for (const s of this.live.values()) {
      if (s.state !== 'established') continue;
      if (s.sipLogin === selector) return s;
    }
    for (const s of this.live.values()) if (s.state === 'established' && s.appKey === selector) return s;
    throw new Error(`no established session matches "${selector}" (by sessionId, sipLogin or appKey)`);
  }
}
