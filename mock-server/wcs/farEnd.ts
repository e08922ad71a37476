/**
 * The SIP side of calls. There is no SIP network behind the mock, so a script says what the called party
 * does; the engine turns that into the call statuses and CallStatusEvent hooks WCS would produce
 * (PROTOCOL.md §3.4, §4.3).
 */

export type FarEndAction =
  /** The callee picks up after `afterMs` (default 0) and, if given, hangs up `hangupAfterMs` later. */
  | { kind: 'answer'; afterMs?: number; hangupAfterMs?: number }
  /** SIP 486 Busy Here: the call ends BUSY. */
  | { kind: 'busy'; afterMs?: number }
  /** Any SIP 4xx/5xx/6xx final answer; 486 and 600 end the call BUSY, the rest FAILED "SIP <code> <REASON>". */
  | { kind: 'reject'; sipStatus: number; reason?: string; afterMs?: number }
  /** Rings until the client hangs up. */
  | { kind: 'ring' };

export interface FarEndCall {
  readonly callId: string;
  readonly caller?: string;
  readonly callee?: string;
  readonly hasVideo?: boolean;
}

/** One behaviour for every call, or a function choosing per call (e.g. by callee). */
export type FarEndScript = FarEndAction | ((call: FarEndCall) => FarEndAction);

export const DEFAULT_FAR_END: FarEndAction = { kind: 'answer' };

const SIP_REASONS: Readonly<Record<number, string>> = {
  400: 'Bad Request', 401: 'Unauthorized', 402: 'Payment Required', 403: 'Forbidden', 404: 'Not Found',
  405: 'Method Not Allowed', 407: 'Proxy Authentication Required', 408: 'Request Timeout', 410: 'Gone',
  480: 'Temporarily Unavailable', 481: 'Call/Transaction Does Not Exist', 484: 'Address Incomplete',
  486: 'Busy Here', 487: 'Request Terminated', 488: 'Not Acceptable Here', 500: 'Server Internal Error',
  501: 'Not Implemented', 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Server Time-out',
  600: 'Busy Everywhere', 603: 'Decline', 604: 'Does Not Exist Anywhere', 606: 'Not Acceptable',
};

export function sipReason(status: number): string {
  return SIP_REASONS[status] ?? 'Unknown';
}

export function chooseFarEnd(script: FarEndScript | undefined, call: FarEndCall): FarEndAction {
  const action = typeof script === 'function' ? script(call) : script;
  return action ?? DEFAULT_FAR_END;
}

export function validateFarEnd(action: FarEndAction): FarEndAction {
  if (action.kind === 'reject' && !(Number.isInteger(action.sipStatus) && action.sipStatus >= 400 && action.sipStatus <= 699)) {
    throw new RangeError(`far end: reject needs a SIP status from 400 to 699, got ${String(action.sipStatus)}`);
  }
  return action;
}

/** How the final answer shows up in CallStatusEvent and on the client (PROTOCOL.md §4.3 example). */
export function finalAnswer(sipStatus: number, reasonText?: string): { status: 'BUSY' | 'FAILED'; info: string } {
  const phrase = reasonText ?? sipReason(sipStatus);
  if (sipStatus === 486 || sipStatus === 600) return { status: 'BUSY', info: `SIP ${sipStatus} ${phrase.toUpperCase()}` };
  return { status: 'FAILED', info: `SIP ${sipStatus} ${phrase.toUpperCase()}` };
}

/** A plausible final SIP response as the far end sent it, for `sipMessageRaw`. */
export function sipResponseText(sipStatus: number, call: FarEndCall, reasonText?: string): string {
  const callee = call.callee ?? 'unknown';
  const caller = call.caller ?? 'anonymous';
  return [
    `SIP/2.0 ${sipStatus} ${reasonText ?? sipReason(sipStatus)}`,
    'Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK-wcs-mock;received=127.0.0.1',
    `From: <sip:${caller}@127.0.0.1>;tag=wcs-mock`,
    `To: <sip:${callee}@127.0.0.1>;tag=far-end`,
    `Call-ID: ${call.callId}`,
    'CSeq: 1 INVITE',
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}
