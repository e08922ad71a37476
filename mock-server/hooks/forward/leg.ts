/**
 * The backend leg of a forwarded exchange: what the backend got, what it answered (or why it did not), and
 * where the exchange stands between WCS and the backend. Kept in one optional field of the exchange record,
 * so an exchange that was not forwarded costs nothing more than an empty slot.
 */

/** Why a forwarded hook got no usable answer from the backend; the configured fallback answers WCS then. */
export type ForwardFailureKind = 'refused' | 'timeout' | 'reset' | 'bad-response' | 'unreachable' | 'too-large' | 'error';

/**
 * - `before`: held for the developer before it goes to the backend (a `--break-before` breakpoint);
 * - `sending`: on its way to the backend, or waiting for its answer;
 * - `after`: the backend answered, and the answer is held before it goes back to WCS (`--break-after`);
 * - `done`: WCS got its answer (the backend's, the developer's, or the fallback).
 */
export type ForwardStage = 'before' | 'sending' | 'after' | 'done';

/** What the backend got. */
export interface BackendRequest {
  readonly url: string;
  /** The headers sent (WCS's, minus hop-by-hop ones; the signature redone when the target has a secret). */
  readonly headers: Readonly<Record<string, string>>;
  /** The body sent, when it is not the one WCS sent (edited at a breakpoint); undefined: WCS's bytes. */
  readonly body?: string;
  /** `Authorization: WCS …` was computed again with the target's secret. */
  readonly resigned: boolean;
  readonly at: number;
}

/** What the backend answered. */
export interface BackendResponse {
  readonly status: number;
  readonly statusText: string;
  readonly headers: Readonly<Record<string, string | string[]>>;
  /** The body as UTF-8 text (what WCS gets is the exact bytes). */
  readonly body: string;
  readonly bytes: number;
  readonly at: number;
  /** ms from sending the request to the end of the answer. */
  readonly latencyMs: number;
}

export interface BackendFailure {
  readonly kind: ForwardFailureKind;
  readonly message: string;
  readonly at: number;
  readonly latencyMs: number;
}

export interface ForwardLeg {
  /** The forward target the hook's method is appended to (`http://127.0.0.1:3000/wcs`). */
  readonly target: string;
  stage: ForwardStage;
  /** The breakpoints this exchange stopped at. */
  breaks?: ('before' | 'after')[];
  request?: BackendRequest;
  response?: BackendResponse;
  failure?: BackendFailure;
  /** What WCS would treat unexpectedly in the backend's answer (as `check` reports it). */
  warnings?: string[];
}

/** The bytes a leg is counted at in the journal's memory bound (bodies and headers; see exchangeBytes). */
export function legBytes(leg: ForwardLeg): number {
  let n = 256 + leg.target.length;
  const r = leg.request;
  if (r) {
    n += r.url.length + (r.body?.length ?? 0);
    for (const k in r.headers) n += k.length + r.headers[k]!.length;
  }
  const a = leg.response;
  if (a) {
    n += a.body.length + a.statusText.length;
    for (const k in a.headers) n += k.length + String(a.headers[k]).length;
  }
  if (leg.failure) n += leg.failure.message.length;
  for (const w of leg.warnings ?? []) n += w.length;
  return n;
}
