/**
 * `WcsMockClient`: drives a running `wcs-hook-mock wcs` from another process (a Playwright test, a
 * backend's integration suite) over its REST port — the control API for what WCS does on its own, and the
 * WCS REST API itself. Uses the global `fetch`, so it works in Node 18+ and in pages.
 */
import {
  CONTROL_PREFIX,
  type AffectedAnswer,
  type DropSessionRequest,
  type FailStreamRequest,
  type FarEndAnswer,
  type InjectCallAnswer,
  type InjectCallRequest,
  type SessionSummary,
  type SipMessageRequest,
} from './types';
import type { FaultResult, FaultSpec } from '../faults';

export interface WcsMockClientOptions {
  /** The REST API's Basic credentials, when the server was started with them. */
  auth?: { username: string; password: string };
  /** Default: the global fetch. */
  fetch?: typeof fetch;
}

/** The server answered with an error status; `status` and the server's one-line reason. */
export class WcsMockError extends Error {
  override name = 'WcsMockError';
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** Nothing answered at the server URL (not started, wrong port, already stopped). */
export class WcsMockUnreachableError extends Error {
  override name = 'WcsMockUnreachableError';
}

export interface RestCallResult {
  readonly status: number;
  /** The parsed body when it is JSON. */
  readonly json?: unknown;
  readonly text: string;
}

function causeText(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err));
}

export class WcsMockClient {
  /** `http://host:port`, without a trailing slash. */
  readonly server: string;
  private readonly opts: WcsMockClientOptions;

  /** `server` is the REST port's base, e.g. `http://127.0.0.1:8081` (what `wcs` prints before `/rest-api`). */
  constructor(server = 'http://127.0.0.1:8081', opts: WcsMockClientOptions = {}) {
    let u: URL;
    try {
      u = new URL(server);
    } catch {
      throw new TypeError(`not a URL: ${JSON.stringify(server)}`);
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new TypeError(`the server URL must be http(s), got ${JSON.stringify(server)}`);
    // Accept the printed REST URL too: http://host:port/rest-api.
    this.server = `${u.protocol}//${u.host}${u.pathname.replace(/\/?(rest-api\/?)?$/, '')}`;
    this.opts = opts;
  }

  /** Rings a session with an inbound SIP call (OnCallEvent, then notifyIncomingCall to the client). */
  incomingCall(req: InjectCallRequest = {}): Promise<InjectCallAnswer> {
    return this.control('incoming-call', req) as Promise<InjectCallAnswer>;
  }

  /** The SIP far end hangs up a live call (FINISH on both sides). */
  hangup(callId: string): Promise<FarEndAnswer> {
    return this.control('far-end', { callId, action: 'hangup' }) as Promise<FarEndAnswer>;
  }

  /** The far end answers a call not yet answered with 486 Busy Here (BUSY). */
  busy(callId: string): Promise<FarEndAnswer> {
    return this.control('far-end', { callId, action: 'busy' }) as Promise<FarEndAnswer>;
  }

  /** The far end answers a call not yet answered with any SIP 4xx–6xx. */
  reject(callId: string, sipStatus: number, reason?: string): Promise<FarEndAnswer> {
    return this.control('far-end', { callId, action: 'reject', sipStatus, reason }) as Promise<FarEndAnswer>;
  }

  /** An inbound SIP MESSAGE for a session: the backend gets OnMessageEvent. */
  message(req: SipMessageRequest): Promise<{ sessionId: string; accepted: boolean }> {
    return this.control('message', req) as Promise<{ sessionId: string; accepted: boolean }>;
  }

  /** Fails a live stream (by mediaSessionId or name): FAILED with `info` to the client and the backend. */
  failStream(req: FailStreamRequest): Promise<AffectedAnswer> {
    return this.control('fail-stream', req) as Promise<AffectedAnswer>;
  }

  /** Closes a session from the server side; its streams end and the disconnect hooks follow. */
  dropSession(req: DropSessionRequest): Promise<AffectedAnswer> {
    return this.control('drop-session', req) as Promise<AffectedAnswer>;
  }

  /**
   * Any fault on demand, as data (see docs/wcs-media.md): `{fault: 'breakNextAnswer', kind: 'play'}`,
   * `{fault: 'streamEvent', stream: 'cam1', type: 'notEnoughBandwidth'}`, `{fault: 'silence', session: id}`, ...
   */
  fault(spec: FaultSpec): Promise<FaultResult> {
    return this.control('fault', spec) as Promise<FaultResult>;
  }

  /** Every session the mock has, with its streams and calls (server-side ids). */
  sessions(): Promise<SessionSummary[]> {
    return this.control('sessions', {}) as Promise<SessionSummary[]>;
  }

  /** `POST /rest-api/<path>` as a backend would send it; the answer whatever its status. */
  async rest(path: string, body?: unknown): Promise<RestCallResult> {
    const res = await this.post(`/rest-api/${path.replace(/^\/+/, '').replace(/^rest-api\//, '')}`, body);
    const text = await res.text();
    let json: unknown;
    if ((res.headers.get('content-type') ?? '').includes('json') && text !== '') json = JSON.parse(text);
    return { status: res.status, json, text };
  }

  private async control(action: string, body: unknown): Promise<unknown> {
    const res = await this.post(`${CONTROL_PREFIX}${action}`, body);
    const text = await res.text();
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (!res.ok) {
      const error = (json as { error?: unknown } | undefined)?.error;
      throw new WcsMockError(typeof error === 'string' ? error : `HTTP ${res.status}${text ? `: ${text.slice(0, 200)}` : ''}`, res.status);
    }
    return json;
  }

  private async post(path: string, body: unknown): Promise<Response> {
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    const auth = this.opts.auth;
    if (auth) headers.Authorization = `Basic ${btoa(String.fromCharCode(...new TextEncoder().encode(`${auth.username}:${auth.password}`)))}`;
    const doFetch = this.opts.fetch ?? fetch;
    try {
      return await doFetch(`${this.server}${path}`, { method: 'POST', headers, body: body === undefined ? '' : JSON.stringify(body) });
    } catch (err) {
      throw new WcsMockUnreachableError(`no WCS mock answers at ${this.server} (${causeText(err)}); is \`wcs-hook-mock wcs\` running with that REST port?`);
    }
  }
}
