/**
 * The mock's control API: what a test in another process (or a person with `wcs-hook-mock ctl`) can make
 * a running `wcs` server do that WCS does on its own — the SIP far end calling in, hanging up or being
 * busy, a SIP message arriving, a stream failing, a session dropping. Served under `/wcs-mock/` on the
 * REST port, a prefix WCS never uses, so it can not be mistaken for the WCS REST API. Browser-safe.
 */

/** Where the control API lives on the REST port. */
export const CONTROL_PREFIX = '/wcs-mock/';

export interface InjectCallRequest {
  /** The SIP login of the session to ring (its `sipLogin`). Default: the only established session. */
  callee?: string;
  /** Ring this session instead (the server-side sessionId). */
  sessionId?: string;
  /** Default `"sip-caller"`. */
  caller?: string;
  /** The SIP Call-ID to use (default: a fresh one); 409 when the session already has that call. */
  callId?: string;
  hasVideo?: boolean;
  hasAudio?: boolean;
  /** Extra fields for the OnCallEvent body (pass-through). */
  fields?: Record<string, unknown>;
}

export interface InjectCallAnswer {
  readonly callId: string;
  readonly sessionId: string;
  /** The client was offered the call (false when the backend refused OnCallEvent). */
  readonly offered: boolean;
  /** What the SIP caller got: 180 Ringing, or 403 Forbidden. */
  readonly sipStatus: number;
  readonly info?: string;
}

export interface FarEndRequest {
  callId: string;
  /** `hangup` ends a live call (FINISH); `busy` (486) and `reject` (any 4xx–6xx) answer a call not yet answered. */
  action: 'hangup' | 'busy' | 'reject';
  /** For `reject`: the SIP status, 400–699. */
  sipStatus?: number;
  /** For `reject`: the reason phrase (default: the standard one). */
  reason?: string;
}

export interface FarEndAnswer {
  readonly callId: string;
  readonly sessionId: string;
  /** The call's status after the action. */
  readonly status: string;
}

export interface SipMessageRequest {
  /** The session that receives it: its sipLogin or its sessionId. */
  to: string;
  from?: string;
  body?: string;
  contentType?: string;
  /** Extra fields for the OnMessageEvent body (pass-through). */
  fields?: Record<string, unknown>;
}

export interface FailStreamRequest {
  /** The stream's mediaSessionId, or ... */
  mediaSessionId?: string;
  /** ... its name (every live stream of that name fails). */
  name?: string;
  /** The info the client and the backend get. Default "Failed by error" (the SDK's FAILED_BY_ERROR). */
  info?: string;
}

export interface DropSessionRequest {
  sessionId: string;
  /** WebSocket close reason. Default "Closed by server". */
  reason?: string;
}

/** Answer of the actions that may touch several things: what they touched. */
export interface AffectedAnswer {
  readonly affected: readonly string[];
}

/** One session as `sessions` lists it. */
export interface SessionSummary {
  readonly sessionId: string;
  readonly appKey: string;
  readonly state: string;
  readonly sipLogin?: string;
  readonly streams: readonly { readonly mediaSessionId: string; readonly name?: string; readonly published: boolean; readonly status?: string }[];
  readonly calls: readonly { readonly callId: string; readonly incoming: boolean; readonly status?: string; readonly caller?: string; readonly callee?: string }[];
}

/** Every control action: `POST /wcs-mock/<action>` with a JSON body (`sessions` also answers GET). */
export const CONTROL_ACTIONS = ['incoming-call', 'far-end', 'message', 'fail-stream', 'drop-session', 'fault', 'sessions'] as const;
export type ControlAction = (typeof CONTROL_ACTIONS)[number];
