/**
 * How WCS reads a backend's answer to one hook (PROTOCOL.md §1.3, §4), as pure functions: `check` uses the
 * pieces to grade a backend, and forward mode flags each live answer it passes on with the same words.
 */
import { isBlockable, lookupMethod } from './methods';
import { CONNECT_OVERRIDE_FIELDS } from './restClientConfig';
import { WCS_REST_REQUEST_TIMEOUT_MS } from './timing';

/** `application/json` or a `+json` type: what WCS parses an answer as. */
export function isJsonContentType(ct: string | undefined): boolean {
  return !!ct && /^application\/(?:[\w.+-]*\+)?json\b/i.test(ct.trim());
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export interface EchoDiff {
  readonly missing: string[];
  readonly changed: string[];
  /** Changed fields that are allowed to change. */
  readonly overridden: string[];
  /** Fields the answer has and the request had not (restClientConfig aside). */
  readonly added: string[];
}

/** Mirroring: every sent field comes back unchanged, except `allowed` ones. */
export function echoDiff(sent: Record<string, unknown>, got: Record<string, unknown>, allowed: ReadonlySet<string>): EchoDiff {
  const missing: string[] = [];
  const changed: string[] = [];
  const overridden: string[] = [];
  for (const [k, v] of Object.entries(sent)) {
    if (!(k in got)) missing.push(k);
    else if (!same(got[k], v)) (allowed.has(k) ? overridden : changed).push(k);
  }
  const added = Object.keys(got).filter((k) => !(k in sent) && k !== 'restClientConfig');
  return { missing, changed, overridden, added };
}

export interface BackendAnswerFacts {
  readonly method: string;
  /** The body the backend got, parsed (undefined when it was not JSON). */
  readonly sent: unknown;
  readonly status: number;
  readonly contentType: string | undefined;
  readonly body: string;
  readonly latencyMs: number;
}

function record(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

function names(list: readonly string[], max = 5): string {
  return list.length <= max ? list.join(', ') : `${list.slice(0, max).join(', ')} and ${list.length - max} more`;
}

/**
 * What WCS would treat unexpectedly in one answer, one line each; empty when nothing. The same rules as
 * `check`: connect mirrors its body (SIP credentials and authToken may change), 200 answers are JSON, 403
 * means something only where a hook can be declined, and an answer after WCS's timeout is never seen.
 */
export function backendAnswerWarnings(a: BackendAnswerFacts): string[] {
  const out: string[] = [];
  if (a.latencyMs > WCS_REST_REQUEST_TIMEOUT_MS) {
    out.push(`answered after ${(a.latencyMs / 1000).toFixed(1)} s: WCS gives up after ${WCS_REST_REQUEST_TIMEOUT_MS / 1000} s (rest_request_timeout) and never sees it`);
  }
  const spec = lookupMethod(a.method);
  const declinable = isBlockable(a.method) || spec?.blocking === 'keepalive';
  if (a.status === 403) {
    if (!declinable) out.push(`403 to ${a.method}: events cannot be declined; WCS only logs it`);
    return out;
  }
  if (a.status !== 200) {
    out.push(`${a.status}: WCS accepts 200${declinable ? ' (or 403 to decline)' : ''}; anything else is an interaction error`);
    return out;
  }
  let parsed: unknown;
  if (a.body.trim() !== '') {
    try {
      parsed = JSON.parse(a.body);
    } catch {
      out.push('200 with a body that is not JSON: WCS cannot read it');
      return out;
    }
    if (!isJsonContentType(a.contentType)) out.push(`200 with Content-Type ${a.contentType ? `"${a.contentType}"` : 'missing'}: WCS needs application/json`);
  }
  const sent = record(a.sent);
  if (a.method === 'connect' && sent) {
    const got = record(parsed);
    if (!got) {
      out.push('connect does not echo what it received: the answer is not a JSON object');
      return out;
    }
    const d = echoDiff(sent, got, new Set(CONNECT_OVERRIDE_FIELDS));
    const bad = [d.missing.length ? `missing ${names(d.missing)}` : '', d.changed.length ? `changed ${names(d.changed)}` : ''].filter(Boolean);
    if (bad.length) out.push(`connect does not echo what it received: ${bad.join('; ')}`);
  }
  return out;
}
