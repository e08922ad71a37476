/**
 * Public types of the hook server: exchanges, answers and the server's event API.
 * Everything that shows or answers hooks (CLI, extension, benchmarks) speaks these types.
 */
import type { AnyHookType } from '../protocol';
import type { CorrelationKeys, ValidationIssue } from '../protocol';
import type { AnswerSpec } from './answer';
import type { ForwardLeg } from './forward';

/**
 * What happens to a hook no rule answers: `hold-blockable` holds connect, direct and incoming invocations
 * for the developer and echoes events; `echo-all` never holds; `hold-all` holds everything (step mode).
 */
export type Policy = 'hold-blockable' | 'echo-all' | 'hold-all';

export const POLICIES: readonly Policy[] = ['hold-blockable', 'echo-all', 'hold-all'];

/**
 * Who gave an exchange its answer. `backend`: a forwarded hook's backend (forward mode); `fallback`: the
 * configured fallback because the backend could not answer (the exchange's `forward.failure` says why).
 */
export type AnsweredBy = 'developer' | 'rule' | 'timeout' | 'shutdown' | 'server' | 'backend' | 'fallback';

export type ExchangeState = 'pending' | 'answered' | 'aborted';

/** The response actually written to the socket. */
export interface SentAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  /** The exact bytes sent, as UTF-8 text. */
  readonly body: string;
  /** The form it was asked for, for display ("200 echo", "403 busy", "200 edited"). */
  readonly spec: AnswerSpec;
  readonly by: AnsweredBy;
  /** Index of the rule that answered, when `by` is `rule`. */
  readonly ruleIndex?: number;
  readonly at: number;
}

/**
 * One hook and its answer. The server's exchanges are `ExchangeRecord` instances whose derived fields
 * (body, headers, keys, issues, answer…) are accessors: read them as properties, and use
 * `JSON.stringify(ex)` or `ex.toJSON()` for a plain copy — `{...ex}` would drop the accessors.
 */
export interface Exchange {
  /** Unique within one server run; monotonically increasing ("1", "2", ...). */
  readonly id: string;
  /** Epoch ms when the request body was complete. */
  readonly receivedAt: number;
  /** The path before the method, e.g. `/EchoApp` or `/rest/my_api` ('' for `/connect`). */
  readonly app: string;
  /** The last path segment. */
  readonly method: string;
  readonly type: AnyHookType;
  /** The method is not in the catalog. */
  readonly unknownMethod: boolean;
  readonly httpMethod: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string | string[]>>;
  readonly remoteAddress?: string;
  /** Raw body as UTF-8 text (what a signature is computed over). */
  readonly rawBody: string;
  /** Parsed JSON body; undefined when it did not parse. */
  readonly body?: unknown;
  /** Set when the body was not valid JSON or failed a check before any answer could be chosen. */
  readonly error?: string;
  readonly issues: readonly ValidationIssue[];
  readonly keys: CorrelationKeys;
  state: ExchangeState;
  answer?: SentAnswer;
  /** ms from `receivedAt` to the answer (or abort). */
  latencyMs?: number;
  /** For held exchanges: epoch ms when the hold timeout will answer it. */
  holdDeadline?: number;
  /** Forward mode: the backend leg (what the backend got and answered); undefined when not forwarded. */
  readonly forward?: ForwardLeg;
}

export interface HookServerEvents {
  /** A request became an exchange (already answered by then if a rule answered it). */
  received: [exchange: Exchange];
  /** An exchange got its answer (any `by`). */
  answered: [exchange: Exchange];
  /**
   * A forwarded exchange stopped at a breakpoint on the backend's answer (`exchange.forward.stage` is
   * `after`); it waits for the developer like a held hook. A breakpoint before the backend is announced by
   * `received` (stage `before`).
   */
  held: [exchange: Exchange];
  /** A held exchange's client went away before it was answered. */
  aborted: [exchange: Exchange];
  listening: [address: { host: string; port: number; url: string }];
  closed: [];
  /** A problem the user should see (bad rules file reloaded, journal write failure, rejected credentials…). */
  warning: [message: string];
}
