/**
 * A WebSDK stand-in driven from code: it speaks the frames `@flashphoner/websdk` 2.x sends (PROTOCOL.md
 * §6.2, WEBSDK-NOTES.md) over an in-process ClientPort, and translates what the server sends into the
 * events the SDK would fire (ESTABLISHED, WARN, stream/call statuses ...). `trigger`, `check`, load
 * runs and the engine's tests use it; the browser tests use the real SDK instead.
 */
import type { WcsEngine } from './engine';
import { uuid } from './ids';
import { synthesizeAnswer, synthesizeOffer } from './sdp';
import type { ClientPort, WcsClientLink } from './session';
import { recordOr } from '../util';

export interface ServerFrame {
  readonly message: string;
  readonly data: readonly unknown[];
}

export interface ConnectOptions {
  appKey?: string;
  custom?: Record<string, unknown>;
  authToken?: string;
  /** The SDK's sipOptions: login, authenticationName, password, domain, outboundProxy, port, registerRequired. */
  sip?: { login: string; authenticationName?: string; password?: string; domain?: string; outboundProxy?: string; port?: number; registerRequired?: boolean };
  /** Extra fields for the connection frame (pass-through). */
  fields?: Record<string, unknown>;
}

export interface ConnectResult {
  readonly established: boolean;
  /** The getUserData object, or the fail object when refused. */
  readonly data: Record<string, unknown>;
  readonly info?: string;
}

export interface StatusResult {
  readonly id: string;
  readonly status: string;
  readonly info?: string;
  readonly frame: Record<string, unknown>;
}

const USER_AGENT = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 wcs-hook-mock';

const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

interface Waiter {
  test: (f: ServerFrame) => boolean;
  resolve: (f: ServerFrame) => void;
  reject: (e: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

let streamOffer: string | undefined;

/**
 * The scripted client's offer for a stream: one per process, not one per stream. Why: no media flows and
 * nothing checks the client's ICE credentials, while a load run publishing thousands of streams paid for an
 * SDP each (and the engine, answering a new text each time, could not reuse its answer template, sdp.ts).
 * A backend sees the same offer text in each publishStream/playStream hook; that is the only difference.
 */
function clientOffer(): string {
  return (streamOffer ??= synthesizeOffer({ audio: true, video: true }));
}

export class ScriptedClient implements ClientPort {
  /** Every frame the server sent, in order. */
  readonly frames: ServerFrame[] = [];
  /** What the SDK would have reported, one line per event. */
  readonly sdkEvents: string[] = [];
  /** Exceptions our own frame handling raised (a malformed server frame the SDK would choke on). */
  readonly problems: string[] = [];
  readonly link: WcsClientLink;
  closed = false;
  readonly sessionId: string;
  private readonly waiters = new Set<Waiter>();
  private readonly names = new Map<string, string>();
  private closeListeners: (() => void)[] = [];

  constructor(
    readonly engine: Pick<WcsEngine, 'accept'>,
    private readonly opts: { origin?: string; remoteAddress?: string; waitMs?: number; answerPings?: boolean } = {},
  ) {
    this.link = engine.accept(this, { origin: opts.origin, remoteAddress: opts.remoteAddress });
    this.sessionId = this.link.sessionId;
  }

  // --- ClientPort: the server talks to us ---------------------------------------------------------

  send(raw: string): void {
    let frame: ServerFrame;
    try {
      const parsed = JSON.parse(raw) as { message?: unknown; data?: unknown };
      // The SDK reads data.data[0] from every frame before dispatching (PROTOCOL.md §6.1).
      if (typeof parsed.message !== 'string' || !Array.isArray(parsed.data)) throw new Error(`frame without message/data array: ${raw.slice(0, 120)}`);
      frame = { message: parsed.message, data: parsed.data };
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      this.problems.push(msg);
      throw new Error(msg);
    }
    this.frames.push(frame);
    this.translate(frame);
    if (frame.message === 'ping' && this.opts.answerPings !== false) queueMicrotask(() => this.sendFrame('pong', null));
    for (const w of [...this.waiters]) {
      if (w.test(frame)) {
        clearTimeout(w.timer);
        this.waiters.delete(w);
        w.resolve(frame);
      }
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.sdkEvents.push('session DISCONNECTED');
    for (const w of [...this.waiters]) {
      clearTimeout(w.timer);
      w.reject(new Error('the server closed the connection'));
    }
    this.waiters.clear();
    // As a real socket does: the close is reported to the server side asynchronously.
    queueMicrotask(() => this.link.closed());
    for (const l of this.closeListeners) l();
  }

  // --- driving the client -------------------------------------------------------------------------

  sendFrame(message: string, payload: unknown): void {
    if (this.closed) throw new Error(`cannot send ${message}: the connection is closed`);
    this.link.receive(JSON.stringify({ message, data: [payload] }));
  }

  /** The next frame (already received ones excluded) that passes `test`. */
  waitFor(test: (f: ServerFrame) => boolean, what: string, waitMs = this.opts.waitMs ?? 20_000): Promise<ServerFrame> {
    if (this.closed) return Promise.reject(new Error(`waiting for ${what}: the connection is closed`));
    return new Promise((resolve, reject) => {
      const w: Waiter = {
        test,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters.delete(w);
          reject(new Error(`no ${what} from the server within ${waitMs} ms`));
        }, waitMs),
      };
      this.waiters.add(w);
    });
  }

  /** Resolves when the server side has closed the socket. */
  whenClosed(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => this.closeListeners.push(resolve));
  }

  async connect(o: ConnectOptions = {}): Promise<ConnectResult> {
    const cfg: Record<string, unknown> = {
      appKey: o.appKey ?? 'defaultApp',
      mediaProviders: ['WebRTC', 'MSE', 'WSPlayer'],
      keepAlive: false,
      authToken: o.authToken,
      clientVersion: '2.0',
      clientOSVersion: USER_AGENT.slice('Mozilla/'.length),
      clientBrowserVersion: USER_AGENT,
      msePacketizationVersion: 2,
      custom: o.custom,
    };
    if (o.sip) {
      Object.assign(cfg, {
        sipLogin: o.sip.login,
        sipAuthenticationName: o.sip.authenticationName ?? o.sip.login,
        sipPassword: o.sip.password,
        sipDomain: o.sip.domain,
        sipOutboundProxy: o.sip.outboundProxy,
        sipPort: o.sip.port,
        sipRegisterRequired: o.sip.registerRequired ?? false,
      });
    }
    Object.assign(cfg, o.fields ?? {});
    const done = this.waitFor((f) => f.message === 'getUserData' || (f.message === 'fail' && recordOr(f.data[0]).apiMethod === 'ConnectionStatusEvent'), 'getUserData or fail');
    // JSON drops undefined fields, as the SDK's JSON.stringify does.
    this.sendFrame('connection', JSON.parse(JSON.stringify(cfg)));
    const f = await done;
    const data = recordOr(f.data[0]);
    if (f.message === 'getUserData') {
      if (o.sip?.registerRequired) await this.waitFor((x) => x.message === 'registered', 'registered');
      return { established: true, data };
    }
    return { established: false, data, info: text(data.info) };
  }

  private async streamFlow(message: string, payload: Record<string, unknown>, final: (s: string) => boolean): Promise<StatusResult> {
    const id = String(payload.mediaSessionId);
    if (typeof payload.name === 'string') this.names.set(id, payload.name);
    const done = this.waitFor(
      (f) =>
        (f.message === 'notifyStreamStatusEvent' && recordOr(f.data[0]).mediaSessionId === id && final(String(recordOr(f.data[0]).status))) ||
        (f.message === 'fail' && recordOr(f.data[0]).apiMethod === 'StreamStatusEvent' && recordOr(f.data[0]).id === id),
      `${message} result for ${id}`,
    );
    this.sendFrame(message, payload);
    const f = await done;
    const o = recordOr(f.data[0]);
    return { id, status: String(o.status), info: text(o.info), frame: o };
  }

  publish(name: string, extra: Record<string, unknown> = {}): Promise<StatusResult> {
    return this.streamFlow(
      'publishStream',
      {
        mediaSessionId: uuid(), name, published: true, hasVideo: true, hasAudio: true, status: 'PENDING', record: false,
        mediaProvider: 'WebRTC', sdp: clientOffer(), bitrate: 0, minBitrate: 0, maxBitrate: 0, ...extra,
      },
      (s) => s === 'PUBLISHING' || s === 'FAILED',
    );
  }

  play(name: string, extra: Record<string, unknown> = {}): Promise<StatusResult> {
    return this.streamFlow(
      'playStream',
      {
        mediaSessionId: uuid(), name, published: false, hasVideo: true, hasAudio: true, status: 'PENDING', record: false, width: 0, height: 0,
        mediaProvider: 'WebRTC', sdp: clientOffer(), bitrate: 0, minBitrate: 0, maxBitrate: 0, quality: 0, ...extra,
      },
      (s) => s === 'PLAYING' || s === 'FAILED',
    );
  }

  stopStream(id: string, published: boolean): Promise<StatusResult> {
    const name = this.names.get(id);
    return this.streamFlow(
      published ? 'unPublishStream' : 'stopStream',
      { mediaSessionId: id, name, published, hasVideo: true, hasAudio: true, status: published ? 'PUBLISHING' : 'PLAYING', record: false },
      (s) => s === (published ? 'UNPUBLISHED' : 'STOPPED') || s === 'FAILED',
    );
  }

  sendStreamEvent(id: string, type: string, payload?: unknown): void {
    this.sendFrame('sendStreamEvent', { mediaSessionId: id, type, payload });
  }

  private callFinal(callId: string, statuses: readonly string[], what: string): Promise<ServerFrame> {
    return this.waitFor((f) => recordOr(f.data[0]).callId === callId && f.message !== 'setRemoteSDP' && f.message !== 'notifyTransferEvent' && statuses.includes(String(recordOr(f.data[0]).status)), what);
  }

  async call(callee: string, extra: Record<string, unknown> = {}): Promise<StatusResult> {
    const callId = uuid();
    const done = this.callFinal(callId, ['ESTABLISHED', 'FINISH', 'BUSY', 'FAILED', 'RING'], `call ${callee} progress`);
    this.sendFrame('call', {
      callId, incoming: false, hasVideo: false, hasAudio: true, status: 'PENDING', mediaProvider: 'WebRTC',
      sdp: synthesizeOffer({ audio: true, video: false }), caller: undefined, callee, custom: undefined, visibleName: undefined, ...extra,
    });
    let f = await done;
    // RING first: wait on for the far end's decision.
    if (recordOr(f.data[0]).status === 'RING') f = await this.callFinal(callId, ['ESTABLISHED', 'FINISH', 'BUSY', 'FAILED'], `call ${callee} answer`);
    const o = recordOr(f.data[0]);
    return { id: callId, status: String(o.status), info: text(o.info), frame: o };
  }

  async callAction(message: 'hangup' | 'hold' | 'unhold', callId: string, expect: readonly string[]): Promise<StatusResult> {
    const done = this.waitFor(
      (f) => (f.message === 'fail' && recordOr(f.data[0]).id === callId) || (recordOr(f.data[0]).callId === callId && expect.includes(String(recordOr(f.data[0]).status)) && f.message !== 'notifyTransferEvent'),
      `${message} result`,
    );
    this.sendFrame(message, { callId });
    const o = recordOr((await done).data[0]);
    return { id: callId, status: String(o.status), info: text(o.info), frame: o };
  }

  /** Answers a call offered with notifyIncomingCall (the SDP came before, in setRemoteSDP). */
  async answer(callId: string): Promise<StatusResult> {
    const offer = this.frames.find((f) => f.message === 'setRemoteSDP' && f.data[0] === callId)?.data[1];
    if (typeof offer !== 'string') throw new Error('No remote sdp available'); // what the SDK throws
    const incoming = recordOr(this.frames.find((f) => f.message === 'notifyIncomingCall' && recordOr(f.data[0]).callId === callId)?.data[0]);
    const done = this.callFinal(callId, ['ESTABLISHED', 'FINISH', 'FAILED'], 'answer result');
    this.sendFrame('answer', {
      callId, incoming: true, hasVideo: incoming.hasVideo === true, hasAudio: true, status: 'PENDING', mediaProvider: 'WebRTC',
      sdp: synthesizeAnswer(offer), caller: incoming.caller, callee: incoming.callee,
    });
    const o = recordOr((await done).data[0]);
    return { id: callId, status: String(o.status), info: text(o.info), frame: o };
  }

  async sendData(payload: unknown): Promise<StatusResult> {
    const operationId = uuid();
    const done = this.waitFor((f) => f.message === 'DataStatusEvent' && recordOr(f.data[0]).operationId === operationId, 'DataStatusEvent');
    this.sendFrame('sendData', { operationId, payload });
    const o = recordOr((await done).data[0]);
    return { id: operationId, status: String(o.status), info: text(o.info), frame: o };
  }

  /** `session.disconnect()`: the SDK sends nothing, it only closes the socket (PROTOCOL.md §6.2). */
  disconnect(): void {
    if (this.closed) return;
    this.closed = true;
    this.sdkEvents.push('session DISCONNECTED');
    for (const w of [...this.waiters]) {
      clearTimeout(w.timer);
      w.reject(new Error('disconnected'));
    }
    this.waiters.clear();
    this.link.closed();
  }

  // --- what the SDK would report --------------------------------------------------------------------

  private translate(f: ServerFrame): void {
    const o = recordOr(f.data[0]);
    const info = text(o.info) ? `: ${text(o.info)}` : '';
    const streamName = (id: unknown) => this.names.get(String(id)) ?? String(id);
    switch (f.message) {
      case 'getUserData':
        this.sdkEvents.push('session ESTABLISHED');
        break;
      case 'registered':
        this.sdkEvents.push('session REGISTERED');
        break;
      case 'fail':
        if (o.apiMethod === 'StreamStatusEvent' && o.id !== undefined && o.status === 'FAILED') this.sdkEvents.push(`stream ${streamName(o.id)} FAILED${info}`);
        this.sdkEvents.push(`session WARN${info} (apiMethod ${String(o.apiMethod)})`);
        break;
      case 'notifyStreamStatusEvent':
        this.sdkEvents.push(`stream ${streamName(o.mediaSessionId)} ${String(o.status)}${info}`);
        break;
      case 'notifyStreamEvent':
        this.sdkEvents.push(`stream ${streamName(o.mediaSessionId)} STREAM_EVENT ${String(o.type)}`);
        break;
      case 'notifyTryingResponse':
      case 'ring':
      case 'talk':
      case 'hold':
      case 'finish':
        this.sdkEvents.push(`call ${String(o.callId).slice(0, 8)} ${String(o.status)}${info}`);
        break;
      case 'notifyIncomingCall':
        this.sdkEvents.push(`session INCOMING_CALL from ${String(o.caller)} (call ${String(o.callId).slice(0, 8)})`);
        break;
      case 'notifyTransferEvent':
        this.sdkEvents.push(`call ${String(o.callId).slice(0, 8)} transfer ${String(o.status)}`);
        break;
      case 'DataStatusEvent':
        this.sdkEvents.push(o.status === 'ACCEPTED' ? 'sendData resolved (ACCEPTED)' : `sendData rejected (${String(o.status)}${info})`);
        break;
      case 'OnDataEvent':
        this.sdkEvents.push(`session APP_DATA ${JSON.stringify(o.payload)}`);
        break;
      case 'notifySessionDebugEvent':
        this.sdkEvents.push(`session DEBUG ${String(o.status)}`);
        break;
      case 'availableStream':
        this.sdkEvents.push(`stream available: ${String(o.status)}${info}`);
        break;
      default:
        break;
    }
  }
}
