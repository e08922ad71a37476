/**
 * The answer to a hook, in one place: its forms (type and zod schema), checking one given at run time, its
 * one-line label, and the exact status, headers and bytes it puts on the wire. Pure, so the wire format
 * WCS depends on (PROTOCOL.md §1.3) is tested without sockets.
 */
import * as z from 'zod';
import { flattenIssue, formatPath } from './zodIssues';

/**
 * How to answer a hook. The same forms are accepted in rules files and by `answer(id, …)`.
 * - `"echo"`: 200 with the received body byte for byte.
 * - `"forbid"`: 403 with an empty body.
 * - `{status: 403, reason}`: 403 with `{"status":403,"reason":"…"}`, which WCS shows the client.
 * - `{status: 200, merge: {…}}`: 200 with the received JSON body, shallow-merged with `merge`.
 * - `{status, body}`: any status with this body (an object/array is sent as JSON, a string as is).
 */
export type AnswerSpec =
  | 'echo'
  | 'forbid'
  | { readonly status: number; readonly reason: string }
  | { readonly status: number; readonly merge: Readonly<Record<string, unknown>> }
  | { readonly status: number; readonly body?: unknown };

/** A rule's decision to send the hook on to a backend of the developer's (forward mode): its answer goes back to WCS. */
export interface ForwardAnswer {
  /** The target the hook's method is appended to: `http://127.0.0.1:3000/wcs` gets `…/wcs/connect`. */
  readonly forward: string;
}

/** What a rule (or the default) may say: an answer, hold the hook for the developer, or forward it. */
export type RuleAnswer = AnswerSpec | 'hold' | ForwardAnswer;

/** Whether a rule's decision is to forward the hook. */
export function isForwardAnswer(a: RuleAnswer): a is ForwardAnswer {
  return typeof a === 'object' && 'forward' in a;
}

/** Undefined when `text` is a forward target (an absolute http:// or https:// URL); otherwise what is wrong. */
export function forwardTargetProblem(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `not a URL: "${text}"`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `must be an http:// or https:// URL, got "${text}"`;
  if (url.search || url.hash) return `must not have a query or fragment (the hook's method is appended to the path), got "${text}"`;
  return undefined;
}

const StatusSchema = z
  .number()
  .int()
  .min(100)
  .max(599)
  .describe('HTTP status to answer with. WCS accepts only 200; anything else is an "interaction error".');

/**
 * The object answer forms. One object with optional parts (rather than a union of three objects) so that a
 * wrong field is reported at its own path ("rules[1].answer.status") instead of as "no union member matched".
 */
const ObjectAnswerSchema = z
  .strictObject({
    status: StatusSchema,
    reason: z
      .string()
      .optional()
      .describe('Decline with {"status":N,"reason":"..."} as JSON; WCS shows the reason to the client.'),
    merge: z
      .record(z.string(), z.unknown())
      .optional()
      .describe('Shallow-merge these fields over the received body and send the result.'),
    body: z.unknown().optional().describe('Send this body (object/array as JSON, string as is).'),
  })
  .superRefine((a, ctx) => {
    const parts = (['reason', 'merge', 'body'] as const).filter((k) => a[k] !== undefined);
    if (parts.length > 1) {
      ctx.addIssue({
        code: 'custom',
        path: [parts[1]],
        message: `use only one of reason, merge, body (found ${parts.join(' and ')})`,
      });
    }
  });

const KeywordSchema = z
  .enum(['echo', 'forbid', 'hold'])
  .describe('"echo": 200 with the received body; "forbid": 403 empty; "hold": wait for the developer.');

const ForwardAnswerSchema = z
  .strictObject({
    forward: z
      .string()
      .superRefine((v, ctx) => {
        const problem = forwardTargetProblem(v);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      })
      .describe('Send the hook to this URL + "/<method>" and pass the backend\'s answer back to WCS (forward mode).'),
  });

export const RuleAnswerSchema = z.union([KeywordSchema, ObjectAnswerSchema, ForwardAnswerSchema]);

/** Checks an answer given at run time (by the extension or CLI), with the same messages as a rules file. */
export function parseAnswerSpec(value: unknown): AnswerSpec {
  const r = RuleAnswerSchema.safeParse(value);
  if (!r.success) {
    const first = flattenIssue(r.error.issues[0]!, value);
    throw new TypeError(`invalid answer${first.path.length ? ` at ${formatPath(first.path)}` : ''}: ${first.message}`);
  }
  if (r.data === 'hold') throw new TypeError('invalid answer: "hold" is a rule decision, not an answer');
  if (isForwardAnswer(r.data)) throw new TypeError('invalid answer: "forward" is a rule decision, not an answer');
  return r.data as AnswerSpec;
}


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
