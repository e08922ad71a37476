/**
 * Record and replay: the hooks of a recorded journal sent again, in their order, to a backend, and each new
 * answer compared with the recorded one (the backend's, for a forwarded exchange; otherwise what WCS got).
 * What a developer runs after changing their backend, to see which answers changed.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Exchange } from '../types';
import { ForwardClient } from './client';
import { backendHeaders } from './headers';
import { forwardUrl } from './forwarder';

export interface ReplayOptions {
  /** Where to send: the app URL, the method appended. Undefined: each record's own forward target. */
  readonly target?: string;
  /** Signs each body (`Authorization: WCS …`): a journal keeps no credentials, so they are given again. */
  readonly secret?: string;
  /** `Authorization: Basic …`, for the same reason. */
  readonly basicAuth?: string;
  /** Per hook; default 15000 (WCS's rest_request_timeout). */
  readonly timeoutMs: number;
}

export type ReplayOutcome = 'same' | 'differs' | 'failed' | 'skipped';

export interface ReplayResult {
  readonly id: string;
  readonly method: string;
  readonly outcome: ReplayOutcome;
  /** What differs, what failed, or why it was skipped; empty when the same. */
  readonly details: readonly string[];
  readonly recorded?: { readonly status: number; readonly body: string };
  readonly now?: { readonly status: number; readonly body: string; readonly latencyMs: number };
  readonly url?: string;
}

export interface ReplayReport {
  readonly results: readonly ReplayResult[];
  readonly counts: Readonly<Record<ReplayOutcome, number>>;
}

/** The recorded answer a replay is compared with, and the body the backend got. */
function recorded(ex: Exchange): { status: number; body: string; sent: string } | undefined {
  const leg = ex.forward;
  if (leg?.response) return { status: leg.response.status, body: leg.response.body, sent: leg.request?.body ?? ex.rawBody };
  if (ex.answer) return { status: ex.answer.status, body: ex.answer.body, sent: ex.rawBody };
  return undefined;
}

function parse(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
/** Equal as JSON values: key order does not count. */
const same = (a: unknown, b: unknown) => isDeepStrictEqual(a, b);

function names(list: readonly string[], max = 6): string {
  return list.length <= max ? list.join(', ') : `${list.slice(0, max).join(', ')} and ${list.length - max} more`;
}

/** How two answers differ, one phrase each; JSON bodies by field (key order and spacing do not count). */
export function answerDifferences(was: { status: number; body: string }, now: { status: number; body: string }): string[] {
  const out: string[] = [];
  if (was.status !== now.status) out.push(`status ${was.status} → ${now.status}`);
  if (was.body === now.body) return out;
  const a = parse(was.body);
  const b = parse(now.body);
  if (a.ok && b.ok) {
    if (same(a.value, b.value)) return out;
    if (isObject(a.value) && isObject(b.value)) {
      const x = a.value;
      const y = b.value;
      const removed = Object.keys(x).filter((k) => !(k in y));
      const added = Object.keys(y).filter((k) => !(k in x));
      const changed = Object.keys(x).filter((k) => k in y && !same(x[k], y[k]));
      const parts = [changed.length ? `changed ${names(changed)}` : '', added.length ? `added ${names(added)}` : '', removed.length ? `removed ${names(removed)}` : ''].filter(Boolean);
      out.push(`body: ${parts.join('; ')}`);
      return out;
    }
  }
  out.push(`body differs (${Buffer.byteLength(was.body)} → ${Buffer.byteLength(now.body)} bytes)`);
  return out;
}

/** Request headers as recorded, flattened back to name/value pairs; credentials come from the options. */
function recordedHeaders(ex: Exchange, basicAuth: string | undefined): string[] {
  const raw: string[] = [];
  for (const [name, v] of Object.entries(ex.headers)) {
    // Redacted in the journal; given again through the options when the backend wants them.
    if (name === 'authorization' || name === 'proxy-authorization') continue;
    for (const one of Array.isArray(v) ? v : [v]) raw.push(name, one);
  }
  if (basicAuth !== undefined) raw.push('Authorization', basicAuth);
  return raw;
}

/** Sends every replayable record, one after another in the recorded order. Never throws for a misbehaving backend. */
export async function replayJournal(records: readonly Exchange[], options: ReplayOptions): Promise<ReplayReport> {
  const client = new ForwardClient(1);
  const results: ReplayResult[] = [];
  try {
    for (const ex of records) {
      const was = recorded(ex);
      const target = options.target ?? ex.forward?.target;
      const base = { id: ex.id, method: ex.method };
      if (!was || ex.state !== 'answered') {
        results.push({ ...base, outcome: 'skipped', details: [ex.state === 'aborted' ? 'WCS went away before an answer' : 'no answer on record'] });
        continue;
      }
      if (ex.answer?.by === 'server' && !ex.forward) {
        results.push({ ...base, outcome: 'skipped', details: [`refused by the mock itself (${ex.error ?? ex.answer.status}), never a hook`] });
        continue;
      }
      if (target === undefined) {
        results.push({ ...base, outcome: 'skipped', details: ['not forwarded when recorded: give --backend URL to send it'] });
        continue;
      }
      const url = forwardUrl(target, ex.method);
      const body = Buffer.from(was.sent, 'utf8');
      const headers = backendHeaders(recordedHeaders(ex, options.basicAuth), body, options.secret, new URL(url).host);
      const r = await client.send(url, headers.raw, body, options.timeoutMs).done;
      const recordedAnswer = { status: was.status, body: was.body };
      if (!r.ok) {
        results.push({ ...base, url, outcome: 'failed', details: [`${r.kind}: ${r.message}`], recorded: recordedAnswer });
        continue;
      }
      const now = { status: r.status, body: r.body.toString('utf8'), latencyMs: r.latencyMs };
      const diff = answerDifferences(recordedAnswer, now);
      results.push({ ...base, url, outcome: diff.length ? 'differs' : 'same', details: diff, recorded: recordedAnswer, now });
    }
  } finally {
    client.close();
  }
  const counts = { same: 0, differs: 0, failed: 0, skipped: 0 };
  for (const r of results) counts[r.outcome]++;
  return { results, counts };
}
