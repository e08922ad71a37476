/**
 * The WCS engine: a fake Web Call Server without a transport. A transport (mock-socket in a page, `ws`
 * in Node, or a scripted client) hands it one `ClientPort` per WebSocket; the engine speaks the WebSDK
 * protocol on it and fires the REST hooks a real WCS would, governed by the session's restClientConfig
 * (PROTOCOL.md §2–§6, WEBSDK-NOTES.md). Browser-safe: no Node built-ins.
 *
 * Where PROTOCOL.md marks a behaviour as inferred, the code says so next to it.
 */
import {
  CONNECT_OVERRIDE_FIELDS,
  DEFAULT_METHOD_CONFIG,
  MethodConfigSchema,
  errorOutcome,
  resolveMethodConfig,
  withoutFields,
  type RestClientConfig,
} from '../protocol';
import { TypedEmitter } from '../util/emitter';
import { deliverHook, describeBackend, failureInfo, hookUrl, serializeHookBody, type Backend, type HookReply, type HookResponse } from './backend';
import { callMessages, farEndHangup, incoming, type IncomingCallRequest, type IncomingCallResult } from './calls';
import type { FarEndScript } from './farEnd';
import { nodeId as makeNodeId, sessionId as makeSessionId, uuid } from './ids';
import { formatLogEntry, type WcsLogEntry, type WcsLogInput } from './log';
import { synthesizeAnswer, synthesizeOffer } from './sdp';
import {
  ENVELOPE_KEYS,
  Session,
  isRecord,
  str,
  type ClientPort,
  type EngineCore,
  type WcsClientLink,
  type HookResult,
  type SdpKind,
  type StreamState,
  type WcsSessionInfo,
} from './session';
import { STREAM_MESSAGES, endStream, keepAliveOnce } from './streams';
import type { EngineSurface } from './surface';

export type { Backend, HookReply, HookResponse } from './backend';
export type { ClientLink, ClientPort, WcsClientLink, HookResult, WcsSessionInfo, WcsStreamInfo, WcsCallInfo, SessionState } from './session';
export type { FarEndAction, FarEndScript, FarEndCall } from './farEnd';
export type { IncomingCallRequest, IncomingCallResult } from './calls';
export type { WcsLogEntry } from './log';
export { formatLogEntry };

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
  /** Log entries kept in memory (oldest dropped first); default 10000. */
  logLimit?: number;
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

const DEFAULT_SERVER = '127.0.0.1:8080';

function nonNegative(name: string, v: number | undefined, def: number): number {
  if (v === undefined) return def;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new RangeError(`${name} must be a number >= 0, got ${String(v)}`);
  return v;
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export class WcsEngine extends TypedEmitter<WcsEngineEvents> {
  readonly nodeId: string;
  readonly stats: WcsEngineStats = { sessionsOpened: 0, hooksSent: 0, hookErrors: 0, deliveryFailures: 0, clientFrames: 0, clientSendErrors: 0 };
  private readonly entries: WcsLogEntry[] = [];
  private seq = 0;
  private readonly live = new Map<string, Session>();
  private readonly inflight = new Set<Promise<unknown>>();
  private readonly aborters = new Set<() => void>();
  private readonly opts: {
    backend: Backend;
    serverAddress: string;
    pingIntervalMs: number;
    maxMissedPings: number;
    streamKeepAliveMs: number;
    hookTimeoutMs: number;
    logLimit: number;
  };
  private readonly options: WcsEngineOptions;
  private readonly core: EngineCore;
  private readonly handlers: Readonly<Record<string, (core: EngineCore, s: Session, data: readonly unknown[]) => Promise<void>>>;
  private closing = false;
  private hooksAborted = false;

  constructor(options: WcsEngineOptions) {
    super();
    if (!options || !options.backend) throw new TypeError('WcsEngine needs a backend: {url} or {handler}');
    const b = options.backend;
    if ('handler' in b) {
      if (typeof b.handler !== 'function') throw new TypeError('backend.handler must be a function');
    } else if (typeof b.url !== 'string' || !/^https?:\/\//i.test(b.url)) {
      throw new TypeError(`backend.url must be an http(s) app URL, got ${JSON.stringify(b.url)}`);
    }
    this.options = options;
    this.opts = {
      backend: b,
      serverAddress: options.serverAddress ?? DEFAULT_SERVER,
      pingIntervalMs: nonNegative('pingIntervalMs', options.pingIntervalMs, 5000),
      maxMissedPings: nonNegative('maxMissedPings', options.maxMissedPings, 10),
      streamKeepAliveMs: nonNegative('streamKeepAliveMs', options.streamKeepAliveMs, 0),
      hookTimeoutMs: nonNegative('hookTimeoutMs', options.hookTimeoutMs, 15_000),
      logLimit: Math.max(1, nonNegative('logLimit', options.logLimit, 10_000)),
    };
    this.nodeId = options.nodeId ?? makeNodeId('127.0.0.1');
    this.core = this.makeCore();
    this.handlers = { ...STREAM_MESSAGES, ...callMessages(() => this.options.farEnd), sendData: (c, s, d) => this.sendData(s, d), ...this.miscHandlers() };
  }

  /** Everything the engine did, oldest first (bounded by `logLimit`). */
  get log(): readonly WcsLogEntry[] {
    return this.entries;
  }

  /** The log as text lines, for terminals and assertion messages. */
  logText(sessionId?: string): string {
    return this.entries.filter((e) => sessionId === undefined || e.sessionId === sessionId).map(formatLogEntry).join('\n');
  }

  /** A new client connection. The transport must call `closed()` on the returned link when the socket goes. */
  accept(port: ClientPort, info: { origin?: string; remoteAddress?: string } = {}): WcsClientLink {
    const id = makeSessionId(info.remoteAddress, this.opts.serverAddress);
    const s = new Session(id, port, info.origin, info.remoteAddress, (p) => this.track(p), (err) => this.record({ kind: 'warning', sessionId: id, text: `internal error: ${describe(err)}` }));
    this.live.set(id, s);
    this.stats.sessionsOpened++;
    this.record({ kind: 'session', sessionId: id, event: 'opened', info: info.remoteAddress });
    this.emit('session', 'opened', s.info());
    if (this.closing) {
      this.closePort(s, 1001, 'Server shutting down');
      void s.run(() => this.teardown(s));
    }
    return {
      sessionId: id,
      receive: (text: string) => this.receive(s, text),
      closed: () => {
        s.portClosed = true;
        void s.run(() => this.teardown(s));
      },
    };
  }

  /** Sessions not yet closed. */
  sessions(): WcsSessionInfo[] {
    return [...this.live.values()].map((s) => s.info());
  }

  /** Places a call to a client (inbound SIP INVITE): OnCallEvent, then the client is offered the call. */
  async injectIncomingCall(sessionSelector: string, call: IncomingCallRequest): Promise<IncomingCallResult> {
    if (!call || typeof call.caller !== 'string' || call.caller.length === 0) throw new TypeError('injectIncomingCall needs {caller}');
    const s = this.select(sessionSelector);
    const r = await s.run(() => incoming(this.core, s, call));
    if (!r) throw new Error(`incoming call to ${s.id} failed; see the engine log`);
    return r;
  }

  /** Server → client data (the REST API's /data/send): the client gets OnDataEvent (SESSION_STATUS.APP_DATA). */
  pushData(sessionSelector: string, payload: unknown): void {
    const s = this.select(sessionSelector);
    void s.run(() => {
      const obj = { nodeId: this.nodeId, sessionId: s.id, operationId: uuid(), payload };
      this.core.send(s, 'OnDataEvent', [this.core.clientView(s, ['OnDataEvent'], obj)]);
    });
  }

  /** The far end hangs up a live call (FINISH to backend and client). */
  async hangupFromFarEnd(callId: string): Promise<void> {
    for (const s of this.live.values()) {
      const call = s.calls.get(callId);
      if (call) {
        await s.run(() => farEndHangup(this.core, s, call));
        return;
      }
    }
    throw new Error(`no live call ${callId}`);
  }

  /** One StreamKeepAliveEvent round for every live stream now (tests and `trigger` use it; no timing needed). */
  async keepAliveRound(sessionSelector?: string): Promise<void> {
    const targets = sessionSelector === undefined ? [...this.live.values()] : [this.select(sessionSelector)];
    await Promise.all(targets.flatMap((s) => [...s.streams.values()].map((st) => s.run(() => keepAliveOnce(this.core, s, st)))));
  }

  /**
   * Fires any hook for a session under its restClientConfig (e.g. the messaging hooks, which no WebSDK
   * message triggers). `payload` is added to the session's envelope.
   */
  async hook(sessionSelector: string, method: string, payload: Record<string, unknown> = {}): Promise<HookResult> {
    const s = this.select(sessionSelector);
    const r = await s.run(() => this.invoke(s, method, this.core.hookBody(s, payload)));
    if (!r) throw new Error(`hook ${method} failed; see the engine log`);
    return r;
  }

  /** Closes one session from the server side (as a WCS admin would); disconnect hooks follow. */
  async dropSession(sessionSelector: string, reason = 'Closed by server'): Promise<void> {
    const s = this.select(sessionSelector, true);
    this.closePort(s, 1000, reason);
    await s.run(() => this.teardown(s));
  }

  /** Resolves once no session has work queued (hooks in flight, far-end timers excluded). */
  async idle(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
  }

  /**
   * Closes every session (disconnect hooks are still sent) and stops all timers. With `abortHooks`,
   * hooks in flight are abandoned instead of awaited.
   */
  async close(opts: { abortHooks?: boolean } = {}): Promise<void> {
    this.closing = true;
    if (opts.abortHooks) {
      this.hooksAborted = true;
      for (const abort of [...this.aborters]) abort();
    }
    for (const s of this.live.values()) {
      this.closePort(s, 1001, 'Server shutting down');
      void s.run(() => this.teardown(s));
    }
    await this.idle();
  }

  /** What the REST and control APIs may read and do (surface.ts). */
  surface(): EngineSurface {
    return {
      nodeId: this.nodeId,
      core: this.core,
      sessions: () => this.live.values(),
      detachedSession: (id, appKey) => {
        const s = new Session(id, { send: () => undefined, close: () => undefined }, undefined, undefined, (p) => this.track(p), (err) => this.record({ kind: 'warning', sessionId: id, text: `internal error: ${describe(err)}` }));
        s.state = 'established';
        s.portClosed = true;
        s.appKey = appKey;
        return s;
      },
      dropSession: (id, reason) => this.dropSession(id, reason),
      farEnd: () => this.options.farEnd,
      record: (e) => void this.record(e),
    };
  }

  // --- internals ------------------------------------------------------------------------------

  private readonly register = (abort: () => void): (() => void) => {
    this.aborters.add(abort);
    return () => this.aborters.delete(abort);
  };

  private track(p: Promise<unknown>): void {
    this.inflight.add(p);
    void p.finally(() => this.inflight.delete(p));
  }

  private record(input: WcsLogInput): WcsLogEntry {
    const entry = { seq: ++this.seq, at: Date.now(), ...input } as WcsLogEntry;
    this.entries.push(entry);
    // Trim in chunks so a long load run does not pay for a shift per entry.
    if (this.entries.length > this.opts.logLimit * 1.1) this.entries.splice(0, this.entries.length - this.opts.logLimit);
    this.emit('log', entry);
    return entry;
  }

  private select(selector: string, includeAll = false): Session {
    const byId = this.live.get(selector);
    if (byId && (includeAll || byId.state === 'established')) return byId;
    for (const s of this.live.values()) {
      if (s.state !== 'established') continue;
      if (s.sipLogin === selector) return s;
    }
    for (const s of this.live.values()) if (s.state === 'established' && s.appKey === selector) return s;
    throw new Error(`no established session matches "${selector}" (by sessionId, sipLogin or appKey)`);
  }

  private makeCore(): EngineCore {
    const engine = this;
    return {
      invoke: (s, method, body) => this.invoke(s, method, body),
      send: (s, message, data) => this.send(s, message, data),
      clientView: (s, methods, obj) => {
        const fields = new Set<string>();
        for (const m of methods) for (const f of resolveMethodConfig(s.config, m).clientExclude) fields.add(f);
        return withoutFields(obj, [...fields]);
      },
      fail: (s, info, apiMethod, id) => this.send(s, 'fail', [{ status: 'FAILED', info, apiMethod, ...(id !== undefined ? { id } : {}) }]),
      decide: (s, method, text) => void this.record({ kind: 'decision', sessionId: s.id, method, text }),
      warn: (s, text) => void this.record({ kind: 'warning', sessionId: s?.id, text }),
      envelope: (s) => this.envelope(s),
      hookBody: (s, payload) => {
        const body = this.envelope(s);
        for (const [k, v] of Object.entries(payload)) if (!ENVELOPE_KEYS.includes(k)) body[k] = v;
        return body;
      },
      allSessions: () => this.live.values(),
      later: (s, ms, task, bucket) => {
        const t = setTimeout(() => {
          s.timers.delete(t);
          bucket?.delete(t);
          void s.run(task);
        }, ms);
        s.timers.add(t);
        bucket?.add(t);
      },
      sdpAnswer: async (offer, kind) => (this.options.sdpAnswer ? this.options.sdpAnswer(offer, kind) : synthesizeAnswer(offer)),
      sdpOffer: async (media) => (this.options.sdpOffer ? this.options.sdpOffer(media) : synthesizeOffer(media)),
      get options() {
        return { streamKeepAliveMs: engine.opts.streamKeepAliveMs };
      },
      startKeepAlive: (s, st) => this.startKeepAlive(s, st),
    };
  }

  private envelope(s: Session): Record<string, unknown> {
    const e: Record<string, unknown> = { nodeId: this.nodeId, appKey: s.appKey, sessionId: s.id };
    if (s.origin) e.origin = s.origin;
    return e;
  }

  private send(s: Session, message: string, data: unknown[]): void {
    if (s.portClosed) return;
    const text = JSON.stringify({ message, data });
    this.stats.clientFrames++;
    let error: string | undefined;
    try {
      s.port.send(text);
    } catch (err) {
      // mock-socket delivers synchronously, so an exception in the SDK's onmessage lands here.
      error = describe(err);
      this.stats.clientSendErrors++;
    }
    if (message !== 'ping') this.record({ kind: 'client-frame', sessionId: s.id, message, data, ...(error ? { error } : {}) });
  }

  private closePort(s: Session, code: number, reason: string): void {
    if (s.portClosed) return;
    s.portClosed = true;
    try {
      s.port.close(code, reason);
    } catch (err) {
      this.record({ kind: 'warning', sessionId: s.id, text: `closing the client socket threw: ${describe(err)}` });
    }
  }

  /** One hook under the session's restClientConfig; never throws. */
  private async invoke(s: Session, method: string, body: Record<string, unknown>): Promise<HookResult> {
    const cfg = method === 'connect' ? DEFAULT_METHOD_CONFIG : resolveMethodConfig(s.config, method);
    if (cfg.restPolicy === 'DISABLE' || this.hooksAborted) {
      const why = this.hooksAborted ? 'engine closed with abortHooks' : 'restPolicy DISABLE: WCS uses the client\'s data';
      this.record({ kind: 'hook-skipped', sessionId: s.id, method, why });
      const r: HookResult = { method, sent: false, ok: true, proceeds: true, body };
      this.emit('hook', s.id, method, r);
      return r;
    }
    const wire = withoutFields(body, cfg.restExclude);
    const raw = serializeHookBody(wire);
    const backend = this.opts.backend;
    this.record({ kind: 'hook', sessionId: s.id, method, body: wire, ...('url' in backend ? { url: hookUrl(backend.url, method) } : {}) });
    this.stats.hooksSent++;
    const res = await deliverHook(backend, method, wire, raw, { timeoutMs: this.opts.hookTimeoutMs, fetch: this.options.fetch, register: this.register });
    const ok = res.status === 200 && !res.failure;
    this.record({
      kind: 'hook-answer', sessionId: s.id, method, status: res.status, ok, durationMs: res.durationMs,
      ...(res.contentType ? { contentType: res.contentType } : {}),
      ...(res.rawBody ? { body: res.rawBody.length > 4096 ? `${res.rawBody.slice(0, 4096)}…` : res.rawBody } : {}),
      ...(res.failure ? { failure: res.failure, error: res.error } : {}),
    });
    let result: HookResult;
    if (ok) {
      result = { method, sent: true, ok: true, proceeds: true, body: this.overwrite(s, method, body, res, cfg.restPolicy, cfg.restOverwrite), response: res };
    } else {
      this.stats.hookErrors++;
      if (res.failure) this.stats.deliveryFailures++;
      const info = failureInfo(res);
      const mode = method === 'connect' ? 'FAIL' : cfg.restOnError;
      const outcome = errorOutcome(method, mode);
      const what = res.failure ? res.error ?? res.failure : `HTTP ${res.status}`;
      this.record({ kind: 'decision', sessionId: s.id, method, text: `${what} under restOnError ${mode}: ${outcome.summary} (info "${info}")` });
      result = { method, sent: true, ok: false, proceeds: outcome.proceeds, body, response: res, info, outcome };
      if (outcome.client === 'ErrorEvent') await this.errorEvent(s, method, info);
    }
    this.emit('hook', s.id, method, result);
    return result;
  }

  /** restPolicy OVERWRITE: the named fields come from the backend's answer (PROTOCOL.md §4.1). */
  private overwrite(s: Session, method: string, body: Record<string, unknown>, res: HookResponse, policy: string, fields: readonly string[]): Record<string, unknown> {
    if (policy !== 'OVERWRITE' || fields.length === 0) return body;
    if (!isRecord(res.json)) {
      this.record({ kind: 'warning', sessionId: s.id, text: `${method}: restPolicy OVERWRITE but the answer has no JSON object; nothing overwritten` });
      return body;
    }
    const out = { ...body };
    for (const f of fields) {
      if (!(f in res.json)) continue;
      if (JSON.stringify(res.json[f]) !== JSON.stringify(body[f])) {
        this.record({ kind: 'decision', sessionId: s.id, method, text: `OVERWRITE ${f}: ${JSON.stringify(body[f])} → ${JSON.stringify(res.json[f])}` });
      }
      out[f] = res.json[f];
    }
    return out;
  }

  /**
   * An event hook failed under FAIL: WCS reports it in a separate ErrorEvent (PROTOCOL.md §4.2). The hook
   * goes to the backend like any event; its WebSocket form is undocumented, so the client gets `fail` with
   * apiMethod "ErrorEvent" (inferred; the SDK shows it as WARN and fails no stream).
   */
  private async errorEvent(s: Session, method: string, info: string): Promise<void> {
    const text = `${method}: ${info}`;
    this.send(s, 'fail', [{ status: 'FAILED', info: text, apiMethod: 'ErrorEvent' }]);
    if (method === 'ErrorEvent') return; // never a loop of ErrorEvents about ErrorEvents
    await this.invoke(s, 'ErrorEvent', this.core.hookBody(s, { info: text, apiMethod: method }));
  }

  private receive(s: Session, text: unknown): void {
    if (s.state === 'closed') {
      this.record({ kind: 'warning', sessionId: s.id, text: 'frame after the session closed; ignored' });
      return;
    }
    let message: string | undefined;
    let data: unknown[] = [];
    if (typeof text !== 'string') {
      this.record({ kind: 'warning', sessionId: s.id, text: 'binary frame ignored (the mock carries no media)' });
      return;
    }
    try {
      const frame: unknown = JSON.parse(text);
      if (isRecord(frame) && typeof frame.message === 'string') {
        message = frame.message;
        data = Array.isArray(frame.data) ? frame.data : frame.data === undefined ? [] : [frame.data];
      }
    } catch {
      // reported below
    }
    if (message === undefined) {
      this.record({ kind: 'warning', sessionId: s.id, text: `malformed frame: ${text.length > 200 ? `${text.slice(0, 200)}…` : text}` });
      this.core.fail(s, 'Malformed message: expected {"message": name, "data": [...]}', 'ErrorEvent');
      return;
    }
    if (message === 'pong') {
      s.unansweredPings = 0;
      return;
    }
    if (message === 'ping') {
      this.send(s, 'pong', [null]);
      return;
    }
    const msg = message;
    this.record({ kind: 'client-message', sessionId: s.id, message: msg, data });
    void s.run(() => this.dispatch(s, msg, data));
  }

  private async dispatch(s: Session, message: string, data: unknown[]): Promise<void> {
    if (s.state === 'closed') return;
    if (message === 'connection') return this.connect(s, data[0]);
    if (s.state !== 'established') {
      this.core.fail(s, `${message} before the session was established`, 'ErrorEvent');
      this.record({ kind: 'decision', sessionId: s.id, method: message, text: 'refused: no established session' });
      return;
    }
    const handler = Object.prototype.hasOwnProperty.call(this.handlers, message) ? this.handlers[message] : undefined;
    if (!handler) {
      this.core.fail(s, `Unknown message ${message}`, 'ErrorEvent');
      return;
    }
    await handler(this.core, s, data);
  }

  // --- connection (PROTOCOL.md §3.2, §3.3, §6.4) ---------------------------------------------------

  private async connect(s: Session, payload: unknown): Promise<void> {
    if (s.state !== 'new') {
      this.core.fail(s, 'connection: the session is already connected', 'ConnectionStatusEvent');
      return;
    }
    s.state = 'connecting';
    const p = isRecord(payload) ? payload : {};
    s.appKey = str(p.appKey) ?? 'defaultApp';
    // The SDK no longer sends the tunnel flags, but the server still reports them as false (§3.2).
    const body = this.core.hookBody(s, { useWsTunnel: false, useWsTunnelPacketization2: false, useBase64BinaryEncoding: false, ...p });
    if (s.origin) body.origin = s.origin;
    s.connection = body;
    const r = await this.invoke(s, 'connect', body);
    if (!r.ok) return this.refuse(s, r.info ?? 'Forbidden');
    const reply = r.response?.json;
    const connection = { ...body };
    if (isRecord(reply)) {
      s.config = this.readConfig(s, reply.restClientConfig);
      const ignored: string[] = [];
      for (const [k, v] of Object.entries(reply)) {
        if (k === 'restClientConfig' || JSON.stringify(v) === JSON.stringify(body[k])) continue;
        if (CONNECT_OVERRIDE_FIELDS.includes(k)) {
          this.record({ kind: 'decision', sessionId: s.id, method: 'connect', text: `backend overrides ${k}: ${JSON.stringify(body[k])} → ${JSON.stringify(v)}` });
          connection[k] = v;
        } else {
          ignored.push(k);
        }
      }
      if (ignored.length > 0) {
        this.record({ kind: 'decision', sessionId: s.id, method: 'connect', text: `answer changed ${ignored.join(', ')}; WCS takes only restClientConfig and SIP credentials from it, so these are ignored` });
      }
    } else {
      this.record({ kind: 'decision', sessionId: s.id, method: 'connect', text: 'answer has no JSON object: nothing overridden, default restClientConfig' });
    }
    connection.authToken = str(connection.authToken) ?? uuid();
    s.connection = connection;
    s.state = 'established';
    this.record({ kind: 'session', sessionId: s.id, event: 'established' });
    this.emit('session', 'established', s.info());
    this.send(s, 'getUserData', [this.core.clientView(s, ['connect', 'ConnectionStatusEvent'], { ...connection, status: 'ESTABLISHED' })]);
    this.startPing(s);
    await this.invoke(s, 'ConnectionStatusEvent', { ...connection, status: 'ESTABLISHED' });
    if (connection.sipRegisterRequired === true) {
      // No SIP registrar behind the mock: registration always succeeds.
      const sip: Record<string, unknown> = {};
      for (const k of ['sipLogin', 'sipAuthenticationName', 'sipDomain', 'sipOutboundProxy', 'sipProxy', 'sipPort']) if (connection[k] !== undefined) sip[k] = connection[k];
      const reg = await this.invoke(s, 'RegistrationStatusEvent', this.core.hookBody(s, { ...sip, status: 'REGISTERED' }));
      this.send(s, 'registered', [this.core.clientView(s, ['RegistrationStatusEvent'], reg.body)]);
    }
  }

  /** Entries that fail the schema are dropped one by one, so one typo does not discard the whole config. */
  private readConfig(s: Session, raw: unknown): RestClientConfig | undefined {
    if (raw === undefined || raw === null) return undefined;
    if (!isRecord(raw)) {
      this.record({ kind: 'warning', sessionId: s.id, text: `restClientConfig is not an object (${typeof raw}); defaults apply` });
      return undefined;
    }
    const cfg: RestClientConfig = {};
    for (const [method, entry] of Object.entries(raw)) {
      const parsed = MethodConfigSchema.safeParse(entry);
      if (parsed.success) cfg[method] = parsed.data;
      else {
        const why = parsed.error.issues.map((i) => `${i.path.join('.') || '(entry)'}: ${i.message}`).join('; ');
        this.record({ kind: 'warning', sessionId: s.id, text: `restClientConfig.${method} is invalid (${why}); defaults apply to ${method}` });
      }
    }
    return cfg;
  }

  /**
   * A refused connect: `fail` then close, so the SDK fires WARN then DISCONNECTED (WEBSDK-NOTES.md). The
   * backend gets ConnectionStatusEvent FAILED with only status and info (§3.3; WCS 4 sent FAILED then
   * DISCONNECTED), and DISCONNECTED follows from the teardown.
   */
  private async refuse(s: Session, info: string): Promise<void> {
    s.state = 'refused';
    this.record({ kind: 'session', sessionId: s.id, event: 'refused', info });
    this.emit('session', 'refused', s.info());
    this.core.fail(s, info, 'ConnectionStatusEvent');
    this.closePort(s, 1000, info);
    await this.invoke(s, 'ConnectionStatusEvent', { ...this.envelope(s), status: 'FAILED', info });
    void s.run(() => this.teardown(s));
  }

  private startPing(s: Session): void {
    if (this.opts.pingIntervalMs <= 0) return;
    const t = setInterval(() => {
      if (s.portClosed || s.state !== 'established') return;
      if (s.unansweredPings >= this.opts.maxMissedPings) {
        this.record({ kind: 'decision', sessionId: s.id, text: `${s.unansweredPings} pings unanswered: dropping the client` });
        this.closePort(s, 1000, 'Keep-alive timeout');
        void s.run(() => this.teardown(s));
        return;
      }
      s.unansweredPings++;
      this.send(s, 'ping', [null]);
    }, this.opts.pingIntervalMs);
    (t as { unref?: () => void }).unref?.();
    s.timers.add(t);
  }

  private startKeepAlive(s: Session, st: StreamState): void {
    if (this.opts.streamKeepAliveMs <= 0) return;
    const t = setInterval(() => void s.run(() => keepAliveOnce(this.core, s, st)), this.opts.streamKeepAliveMs);
    (t as { unref?: () => void }).unref?.();
    st.keepAlive = t;
    s.timers.add(t);
  }

  /**
   * The client is gone (or we closed it): live streams and calls end, then ConnectionStatusEvent
   * DISCONNECTED. The order and the info texts are inferred (the SDK knows "Stopped by session disconnect").
   */
  private async teardown(s: Session): Promise<void> {
    if (s.state === 'closed') return;
    const was = s.state;
    s.state = 'closed';
    s.portClosed = true;
    for (const t of s.timers) {
      clearTimeout(t);
      clearInterval(t);
    }
    s.timers.clear();
    for (const st of [...s.streams.values()]) {
      await endStream(this.core, s, st, st.published ? 'UNPUBLISHED' : 'STOPPED', 'Stopped by session disconnect', 'StreamStatusEvent', false);
    }
    for (const call of [...s.calls.values()]) {
      s.calls.delete(call.callId);
      call.obj = { ...call.obj, status: 'FINISH' };
      await this.invoke(s, 'CallStatusEvent', this.core.hookBody(s, { ...call.obj, info: 'Normal call clearing' }));
    }
    if (was !== 'new') {
      const body = was === 'refused' ? { ...this.envelope(s), status: 'DISCONNECTED' } : { ...s.connection, status: 'DISCONNECTED' };
      await this.invoke(s, 'ConnectionStatusEvent', body);
    }
    this.live.delete(s.id);
    this.record({ kind: 'session', sessionId: s.id, event: 'closed' });
    this.emit('session', 'closed', s.info());
  }

  // --- data and the rest (PROTOCOL.md §3.8, §3.9) --------------------------------------------------

  private async sendData(s: Session, data: readonly unknown[]): Promise<void> {
    const p = isRecord(data[0]) ? data[0] : { payload: data[0] };
    const operationId = p.operationId;
    const r = await this.invoke(s, 'OnDataEvent', this.core.hookBody(s, p));
    // DataStatusEvent status must be exactly ACCEPTED or FAILED, or the SDK throws (WEBSDK-NOTES.md).
    const status = r.proceeds ? 'ACCEPTED' : 'FAILED';
    const event: Record<string, unknown> = { operationId, status };
    if (!r.proceeds && r.info) event.info = r.info;
    const ev = await this.invoke(s, 'DataStatusEvent', this.core.hookBody(s, event));
    const { nodeId: _n, appKey: _a, sessionId: _s, origin: _o, ...view } = ev.body;
    this.send(s, 'DataStatusEvent', [this.core.clientView(s, ['OnDataEvent', 'DataStatusEvent'], { ...view, operationId, status })]);
  }

  private miscHandlers(): Record<string, (core: EngineCore, s: Session, data: readonly unknown[]) => Promise<void>> {
    const payload = (d: readonly unknown[]) => (isRecord(d[0]) ? d[0] : {});
    return {
      submitBugReport: async (core, s, d) => {
        const r = await this.invoke(s, 'submitBugReport', core.hookBody(s, payload(d)));
        if (!r.proceeds) core.fail(s, r.info ?? 'Forbidden', 'BugReportStatusEvent');
      },
      pushLogs: async (core, s, d) => {
        await this.invoke(s, 'pushLogs', core.hookBody(s, payload(d)));
      },
      sessionDebug: async (core, s, d) => {
        const p = payload(d);
        const r = await this.invoke(s, 'sessionDebug', core.hookBody(s, p));
        if (!r.proceeds) {
          core.fail(s, r.info ?? 'Forbidden', 'SessionDebugStatusEvent');
          return;
        }
        const status = p.command === 'stop' ? 'STOPPED' : 'STARTED';
        await this.invoke(s, 'SessionDebugStatusEvent', core.hookBody(s, { status }));
        core.send(s, 'notifySessionDebugEvent', [{ status }]);
      },
    };
  }
}

export function describeEngineBackend(options: Pick<WcsEngineOptions, 'backend'>): string {
  return describeBackend(options.backend);
}
