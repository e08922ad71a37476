/**
 * What WCS does when the backend answers a hook with anything but 200, times out, or cannot be reached
 * (the restOnError × type table, PROTOCOL.md §4.2), as data.
 */
import { lookupMethod, methodType, type AnyHookType, type HookType } from './methods';
import type { RestOnError } from './restClientConfig';

export interface ErrorOutcome {
  /** WCS writes the error to its log. */
  readonly logs: boolean;
  /** The action the hook is about goes ahead regardless of the answer. */
  readonly proceeds: boolean;
  /** What the WebSDK client is told. */
  readonly client: 'nothing' | 'matching-event' | 'ErrorEvent' | 'connection-refused';
  /** For incoming invocations: the SIP originator is answered 403 FORBIDDEN. */
  readonly callerGets403: boolean;
  /** One sentence for people (tooltips, docs). */
  readonly summary: string;
  /** Whether the docs say this, or we inferred it. */
  readonly certainty: 'documented' | 'inferred';
}

const outcome = (o: ErrorOutcome) => Object.freeze(o);

export const ERROR_TABLE: Readonly<Record<HookType, Readonly<Record<RestOnError, ErrorOutcome>>>> = {
  connect: {
    FAIL: outcome({
      logs: true, proceeds: false, client: 'connection-refused', callerGets403: false, certainty: 'documented',
      summary: 'WCS refuses the session: the client gets a `fail` (WARN) with the reason, then the socket closes.',
    }),
    // The cell is empty in both language versions; every documented example of a refused connect ends the session.
    LOG: outcome({
      logs: true, proceeds: false, client: 'connection-refused', callerGets403: false, certainty: 'inferred',
      summary: 'WCS refuses the session (the docs leave this cell empty; a refused connect always ends the session).',
    }),
  },
  direct: {
    FAIL: outcome({
      logs: true, proceeds: false, client: 'matching-event', callerGets403: false, certainty: 'documented',
      summary: 'WCS logs it, stops the action and reports the error to the client in the matching event.',
    }),
    LOG: outcome({
      logs: true, proceeds: true, client: 'nothing', callerGets403: false, certainty: 'documented',
      summary: 'WCS only logs it; the action goes ahead.',
    }),
  },
  event: {
    FAIL: outcome({
      logs: true, proceeds: true, client: 'ErrorEvent', callerGets403: false, certainty: 'documented',
      summary: 'WCS logs it, carries on, and sends the client a separate ErrorEvent.',
    }),
    LOG: outcome({
      logs: true, proceeds: true, client: 'nothing', callerGets403: false, certainty: 'documented',
      summary: 'WCS only logs it.',
    }),
  },
  incoming: {
    FAIL: outcome({
      logs: true, proceeds: false, client: 'matching-event', callerGets403: true, certainty: 'documented',
      summary: 'WCS logs it, stops it, answers the caller 403 FORBIDDEN and reports it to the client.',
    }),
    LOG: outcome({
      logs: true, proceeds: true, client: 'nothing', callerGets403: false, certainty: 'documented',
      summary: 'WCS only logs it; the call (or message) still reaches the client.',
    }),
  },
};

/** StreamKeepAliveEvent is an event whose 403 under FAIL ends the stream (PROTOCOL.md §3.6). */
const KEEPALIVE_FAIL = outcome({
  logs: true, proceeds: false, client: 'matching-event', callerGets403: false, certainty: 'inferred',
  summary: 'WCS ends the stream ("Terminated by keep-alive"): the client sees the stream FAILED.',
});

const UNKNOWN_OUTCOME = outcome({
  logs: true, proceeds: true, client: 'nothing', callerGets403: false, certainty: 'inferred',
  summary: 'Not in the catalog: what WCS does is unknown (most likely it only logs).',
});

/** What WCS does when `method`'s hook is not answered 200 under `mode`. */
export function errorOutcome(method: string, mode: RestOnError): ErrorOutcome {
  const spec = lookupMethod(method);
  if (!spec) return UNKNOWN_OUTCOME;
  if (spec.blocking === 'keepalive' && mode === 'FAIL') return KEEPALIVE_FAIL;
  return ERROR_TABLE[spec.type][mode];
}

/**
 * A short explanation of what declining this hook does on a real WCS, for tooltips and stubs:
 * the default (LOG) first, then what changes if the connect answer sets restOnError FAIL.
 */
export function explainDecline(method: string): string {
  const type: AnyHookType = methodType(method);
  if (type === 'unknown') return UNKNOWN_OUTCOME.summary;
  if (type === 'connect') return `A non-200 answer refuses the session: ${ERROR_TABLE.connect.FAIL.summary}`;
  const log = errorOutcome(method, 'LOG');
  const fail = errorOutcome(method, 'FAIL');
  const spec = lookupMethod(method);
  const pointless = spec?.blocking === 'pointless' ? ' Declining it is allowed but pointless: the client has already let go.' : '';
  return (
    `403 here: ${log.summary} Only if the connect answer set restClientConfig.${method}.restOnError = "FAIL": ${fail.summary}` +
    pointless
  );
}
