/**
 * What kind of failure a hook met, named as someone running a load test reads it: the transport failures
 * WCS's REST client would log (a read timeout under rest_request_timeout, a refused or reset connection)
 * and the HTTP answers other than 200 with the restOnError they were judged under.
 */
import type { HookResult } from '../wcs';

/** `timeout`, `refused`, `reset`, `unreachable` (any other network failure), `handler-error`, `aborted`, or `HTTP <status> (restOnError <mode>)`. */
export type FailureKind = string;

/** Node's codes (node:http and undici) for a connection the backend's side closed or broke mid-exchange. */
const RESET = /\b(ECONNRESET|EPIPE|UND_ERR_SOCKET|UND_ERR_CLOSED)\b|socket hang up|other side closed/;
const REFUSED = /\bECONNREFUSED\b/;

/** The failure kind of a hook result, or undefined when it got its 200 (or was not sent). */
export function failureKind(r: HookResult): FailureKind | undefined {
  const res = r.response;
  if (!r.sent || !res || r.ok) return undefined;
  switch (res.failure) {
    case undefined:
      return `HTTP ${res.status}${r.restOnError ? ` (restOnError ${r.restOnError})` : ''}`;
    case 'unreachable': {
      // The sender reports the cause's code in its one-line error (backend.ts describeNetworkError).
      const text = res.error ?? '';
      if (REFUSED.test(text)) return 'refused';
      if (RESET.test(text)) return 'reset';
      return 'unreachable';
    }
    default:
      return res.failure;
  }
}
