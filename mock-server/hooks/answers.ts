/**
 * Turns an answer form into the exact status, headers and bytes to send. Pure, so the wire format WCS
 * depends on (PROTOCOL.md §1.3) is tested without sockets.
 */
import type { AnswerSpec } from './types';

export interface WireAnswer {
  readonly status: number;
  /** Without Content-Length and CORS: the server adds those. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

const JSON_TYPE = 'application/json';

/** One-line display of an answer form: "200 echo", "403 forbid", "403 busy", "200 merge", "500 body". */
export function describeAnswer(spec: AnswerSpec): string {
  if (spec === 'echo') return '200 echo';
  if (spec === 'forbid') return '403 forbid';
  if ('reason' in spec && spec.reason !== undefined) return `${spec.status} "${spec.reason}"`;
  if ('merge' in spec && spec.merge !== undefined) return `${spec.status} merge`;
  if ('body' in spec && spec.body !== undefined) return `${spec.status} body`;
  return `${spec.status} empty`;
}

function jsonBody(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value), 'utf8');
}

/**
 * @param raw the received bytes (echo sends exactly these)
 * @param parsed the received body parsed as JSON, undefined when it did not parse
 */
const JSON_HEADERS: Readonly<Record<string, string>> = Object.freeze({ 'Content-Type': JSON_TYPE });
const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({});
const EMPTY = Buffer.alloc(0);

export function renderAnswer(spec: AnswerSpec, raw: Buffer, parsed: unknown): WireAnswer {
  if (spec === 'echo') return { status: 200, headers: JSON_HEADERS, body: raw };
  if (spec === 'forbid') return { status: 403, headers: NO_HEADERS, body: EMPTY };
  const status = spec.status;
  if ('reason' in spec && spec.reason !== undefined) {
    // WCS accepts the custom reason only with exactly these two keys (PROTOCOL.md §1.3).
    return { status, headers: { 'Content-Type': JSON_TYPE }, body: jsonBody({ status, reason: spec.reason }) };
  }
  if ('merge' in spec && spec.merge !== undefined) {
    // A body that is not a JSON object cannot be merged over; the merge object alone is then the answer.
    const base = parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed : {};
    return { status, headers: { 'Content-Type': JSON_TYPE }, body: jsonBody({ ...(base as object), ...spec.merge }) };
  }
  const body = 'body' in spec ? spec.body : undefined;
  if (body === undefined) return { status, headers: {}, body: Buffer.alloc(0) };
  // A string is sent as is: it is usually JSON text the developer edited, which must keep its formatting.
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : jsonBody(body);
  return { status, headers: { 'Content-Type': JSON_TYPE }, body: bytes };
}
