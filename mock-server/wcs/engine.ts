/**
 * The WCS engine: a fake Web Call Server without a transport. A transport (mock-socket in a page, `ws`
 * in Node, or a scripted client) hands it one `ClientPort` per WebSocket; the engine speaks the WebSDK
 * protocol on it and fires the REST hooks a real WCS would, governed by the session's restClientConfig
 * (PROTOCOL.md §2–§6, WEBSDK-NOTES.md). Browser-safe: no Node built-ins.
 *
 * This file is the public face only. The work is done by one module per concern behind `MessageRouter`
 * (router.ts): connection.ts (a session's life), streams.ts, calls.ts, data.ts, rooms.ts (roomApp), with
 * apps.ts deciding where each app's hooks go, hookCall.ts delivering them under restClientConfig and
 * context.ts holding the shared state. Where PROTOCOL.md marks a behaviour as inferred, the code says so
 * next to it.
 */
import { TypedEmitter } from '../util';
import { appInfo, resolveApp, type WcsAppConfig, type WcsAppInfo } from './apps';
import { describeBackend } from './backend';
import { farEndHangup, incoming, incomingCallId, type IncomingCallRequest, type IncomingCallResult } from './calls';
import { teardown } from './connection';
import { EngineContext, describeError, resolveOptions, type WcsEngineEvents, type WcsEngineOptions, type WcsEngineStats } from './context';
import { pushData } from './data';
import { WcsFaults } from './faults';
import { nodeId as makeNodeId, sessionId as makeSessionId } from './ids';
import { formatLogEntry, type WcsLogEntry } from './log';
import type { MediaPlane } from './media';
import { roomsInfo, type WcsRoomInfo } from './rooms';
import { MessageRouter } from './router';
import { Session, type ClientPort, type HookResult, type WcsClientLink, type WcsSessionInfo } from './session';
import { keepAliveOnce } from './streams';
import { engineSurface, type EngineSurface } from './surface';

export type { Backend, HookReply, HookResponse } from './backend';
export type { ClientLink, ClientPort, WcsClientLink, HookResult, WcsSessionInfo, WcsStreamInfo, WcsCallInfo, SessionState } from './session';
export type { FarEndAction, FarEndScript, FarEndCall } from './farEnd';
export type { IncomingCallRequest, IncomingCallResult } from './calls';
export type { WcsLogEntry } from './log';
export type { WcsAppConfig, WcsAppInfo, BuiltIn, UnknownAppMode } from './apps';
export type { WcsRoomInfo } from './rooms';
export type { WcsEngineOptions, WcsEngineEvents, WcsEngineStats, WcsSessionEvent } from './context';
export { formatLogEntry };

export class WcsEngine extends TypedEmitter<WcsEngineEvents> {
  readonly nodeId: string;
  readonly stats: WcsEngineStats;
  /** Where media legs live (synthetic SDP, or loopback media in a page). */
  readonly media: MediaPlane;
  /** Faults on demand (faults.ts); also what the `wcs` control API calls. */
  readonly faults: WcsFaults;
  private readonly ctx: EngineContext;
  private readonly router: MessageRouter;

  constructor(options: WcsEngineOptions) {
    super();
    const opts = resolveOptions(options);
    this.nodeId = options.nodeId ?? makeNodeId('127.0.0.1');
    this.ctx = new EngineContext(this.nodeId, opts, options, (event, ...args) => this.emit(event, ...args), (event) => this.listens(event));
    this.stats = this.ctx.stats;
    this.router = new MessageRouter(this.ctx);
    this.media = this.ctx.media;
    this.faults = this.ctx.faults = new WcsFaults({ core: this.ctx, select: (sel) => this.ctx.select(sel), dropSession: (sel, why) => this.dropSession(sel, why) });
  }

  /** Everything the engine did, oldest first (bounded by `logLimit`). */
  get log(): readonly WcsLogEntry[] {
    return this.ctx.entries;
  }

  /** The log as text lines, for terminals and assertion messages. */
  logText(sessionId?: string): string {
    return this.ctx.entries.filter((e) => sessionId === undefined || e.sessionId === sessionId).map(formatLogEntry).join('\n');
  }

  /** A new client connection. The transport must call `closed()` on the returned link when the socket goes. */
  accept(port: ClientPort, info: { origin?: string; remoteAddress?: string } = {}): WcsClientLink {
    const id = makeSessionId(info.remoteAddress, this.ctx.opts.serverAddress);
    const s = new Session(id, port, info.origin, info.remoteAddress, (p) => this.ctx.track(p), (err) => this.ctx.record({ kind: 'warning', sessionId: id, text: `internal error: ${describeError(err)}` }));
    this.ctx.live.set(id, s);
    this.ctx.stats.sessionsOpened++;
    this.ctx.record({ kind: 'session', sessionId: id, event: 'opened', info: info.remoteAddress });
    this.ctx.sessionEvent('opened', s);
    if (this.ctx.closing) {
      this.ctx.closePort(s, 1001, 'Server shutting down');
      void s.run(() => teardown(this.ctx, s));
    }
    return {
      sessionId: id,
      receive: (text: string) => this.router.receive(s, text),
      closed: () => {
        s.portClosed = true;
        void s.run(() => teardown(this.ctx, s));
      },
    };
  }

  /** Sessions not yet closed. */
  sessions(): WcsSessionInfo[] {
    return [...this.ctx.live.values()].map((s) => s.info());
  }

  /** One session not yet closed, by id, without building the others' info (load runs ask this per session). */
  session(sessionId: string): WcsSessionInfo | undefined {
    return this.ctx.live.get(sessionId)?.info();
  }

  /** The applications sessions can connect to (PROTOCOL.md §7.1). */
  apps(): WcsAppInfo[] {
    return [...this.ctx.apps.values()].map(appInfo);
  }

  /**
   * Adds or replaces an app (WCS's `add app` / `update app`). Sessions already connected keep the app they
   * connected with; the next `connection` with this appKey gets the new one.
   */
  setApp(appKey: string, config: WcsAppConfig): WcsAppInfo {
    if (typeof appKey !== 'string' || appKey.length === 0) throw new TypeError('setApp needs a non-empty appKey');
    const app = resolveApp(appKey, config, this.ctx.opts.backend);
    this.ctx.apps.set(appKey, app);
    return appInfo(app);
  }

  /** Removes an app (WCS's `remove app`); returns whether it existed. Live sessions are not dropped. */
  removeApp(appKey: string): boolean {
    return this.ctx.apps.delete(appKey);
  }

  /** roomApp's rooms and their participants (those whose join was accepted), with announced streams. */
  rooms(): WcsRoomInfo[] {
    return roomsInfo(this.ctx.rooms);
  }

  /** Places a call to a client (inbound SIP INVITE): OnCallEvent, then the client is offered the call. */
  async injectIncomingCall(sessionSelector: string, call: IncomingCallRequest): Promise<IncomingCallResult> {
    if (!call || typeof call.caller !== 'string' || call.caller.length === 0) throw new TypeError('injectIncomingCall needs {caller}');
    const callId = incomingCallId(call);
    const s = this.ctx.select(sessionSelector);
    let clash: unknown;
    const r = await s.run(() => incoming(this.ctx, s, call, callId).catch((err: unknown) => void (clash = err)));
    if (clash) throw clash;
    if (!r) throw new Error(`incoming call to ${s.id} failed; see the engine log`);
    return r;
  }

  /** Server → client data (the REST API's /data/send): the client gets OnDataEvent (SESSION_STATUS.APP_DATA). */
  pushData(sessionSelector: string, payload: unknown): void {
    const s = this.ctx.select(sessionSelector);
    void s.run(() => pushData(this.ctx, s, payload));
  }

  /** The far end hangs up a live call (FINISH to backend and client). */
  async hangupFromFarEnd(callId: string): Promise<void> {
    for (const s of this.ctx.live.values()) {
      const call = s.calls.get(callId);
      if (call) {
        await s.run(() => farEndHangup(this.ctx, s, call));
        return;
      }
    }
    throw new Error(`no live call ${callId}`);
  }

  /** One StreamKeepAliveEvent round for every live stream now (tests and `trigger` use it; no timing needed). */
  async keepAliveRound(sessionSelector?: string): Promise<void> {
    const targets = sessionSelector === undefined ? [...this.ctx.live.values()] : [this.ctx.select(sessionSelector)];
    await Promise.all(targets.flatMap((s) => [...s.streams.values()].map((st) => s.run(() => keepAliveOnce(this.ctx, s, st)))));
  }

  /**
   * Fires any hook for a session under its restClientConfig (e.g. the messaging hooks, which no WebSDK
   * message triggers). `payload` is added to the session's envelope.
   */
  async hook(sessionSelector: string, method: string, payload: Record<string, unknown> = {}): Promise<HookResult> {
    const s = this.ctx.select(sessionSelector);
    const r = await s.run(() => this.ctx.invoke(s, method, this.ctx.hookBody(s, payload)));
    if (!r) throw new Error(`hook ${method} failed; see the engine log`);
    return r;
  }

  /** Closes one session from the server side (as a WCS admin would); disconnect hooks follow. */
  async dropSession(sessionSelector: string, reason = 'Closed by server'): Promise<void> {
    const s = this.ctx.select(sessionSelector, true);
    this.ctx.closePort(s, 1000, reason);
    await s.run(() => teardown(this.ctx, s));
  }

  /** What the REST and control APIs may read and do (surface.ts). */
  surface(): EngineSurface {
    return engineSurface(this.ctx, (id, reason) => this.dropSession(id, reason));
  }

  /** Resolves once no session has work queued (hooks in flight, far-end timers excluded). */
  async idle(): Promise<void> {
    while (this.ctx.inflight.size > 0) await Promise.allSettled([...this.ctx.inflight]);
  }

  /**
   * Closes every session (disconnect hooks are still sent) and stops all timers. With `abortHooks`,
   * hooks in flight are abandoned instead of awaited.
   */
  async close(opts: { abortHooks?: boolean } = {}): Promise<void> {
    this.ctx.closing = true;
    if (opts.abortHooks) {
      this.ctx.hooksAborted = true;
      for (const abort of [...this.ctx.aborters]) abort();
    }
    for (const s of this.ctx.live.values()) {
      this.ctx.closePort(s, 1001, 'Server shutting down');
      void s.run(() => teardown(this.ctx, s));
    }
    await this.idle();
    this.ctx.media.close();
  }
}

export function describeEngineBackend(options: Pick<WcsEngineOptions, 'backend'>): string {
  return describeBackend(options.backend);
}
