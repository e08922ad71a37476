/**
 * Forward mode's side of the hook server: takes a hook the rules sent on, stops it at a breakpoint if one
 * is set for its method, sends it to the backend, records both legs, and hands the backend's answer (or
 * its failure) back to the server, which alone writes answers to WCS. One `ForwardRun` per exchange.
 */
import { backendAnswerWarnings } from '../../protocol';
import type { AnswerSpec, WireAnswer } from '../answer';
import type { ExchangeRecord } from '../exchange';
import { ForwardClient, type BackendResult } from './client';
import { backendHeaders, headerRecord } from './headers';
import type { ForwardLeg } from './leg';
import { headersFromRaw } from '../exchange';

export interface ForwardOptions {
  /** Where hooks that no rule answers go; the method is appended (`http://127.0.0.1:3000/wcs/connect`). */
  readonly target?: string;
  /**
   * The backend's signing secret: what the backend gets is signed again with it (`Authorization: WCS …`).
   * Without it WCS's own Authorization goes through unchanged (and no longer matches an edited body).
   */
  readonly secret?: string;
  /** Methods held before they go to the backend; `*` holds every one. */
  readonly breakBefore?: readonly string[];
  /** Methods whose backend answer is held before it goes back to WCS; `*` holds every one. */
  readonly breakAfter?: readonly string[];
  /** Sockets per backend (default DEFAULT_FORWARD_SOCKETS). */
  readonly maxSockets?: number;
}

/** The backend's answer as it came, kept while an after-breakpoint holds it. */
export type BackendReply = Extract<BackendResult, { ok: true }>;

export interface ForwardRun {
  readonly leg: ForwardLeg;
  cancel?: (why: string) => void;
  /** Set while held at an after-breakpoint. */
  reply?: BackendReply;
}

/** What the forwarder tells the server; the server checks the exchange is still pending before acting. */
export interface ForwardHost {
  /** The backend answered and nothing holds it: pass it on to WCS. */
  backendAnswered(ex: ExchangeRecord, reply: BackendReply): void;
  /** The backend could not answer (`leg.failure` says why): the fallback answers WCS. */
  backendFailed(ex: ExchangeRecord): void;
  /** The backend answered and an after-breakpoint holds the answer. */
  heldAfter(ex: ExchangeRecord): void;
}

function matcher(methods: readonly string[] | undefined): (method: string) => boolean {
  const set = new Set(methods ?? []);
  return set.has('*') ? () => true : (m) => set.has(m);
}

/** `<target>/<method>`, with exactly one slash between them. */
export function forwardUrl(target: string, method: string): string {
  return `${target.replace(/\/+$/, '')}/${encodeURIComponent(method)}`;
}

/**
 * The backend's answer as the server writes it: its status, content type and exact bytes. An echo is kept as
 * one (the record then holds no second copy of the body); any other answer is recorded as status and body.
 */
export function backendWire(reply: BackendReply, raw: Buffer): { spec: AnswerSpec; wire: WireAnswer } {
  const same = reply.body.equals(raw);
  const body = same ? raw : reply.body;
  const wire: WireAnswer = { status: reply.status, headers: reply.contentType !== undefined ? { 'Content-Type': reply.contentType } : {}, body };
  return { spec: same && reply.status === 200 ? 'echo' : { status: reply.status, body: body.toString('utf8') }, wire };
}

export class Forwarder {
  private readonly client: ForwardClient;
  private readonly before: (method: string) => boolean;
  private readonly after: (method: string) => boolean;

  constructor(
    private readonly options: ForwardOptions,
    maxBodyBytes: number,
    private readonly host: ForwardHost,
  ) {
    this.client = new ForwardClient(options.maxSockets, maxBodyBytes);
    this.before = matcher(options.breakBefore);
    this.after = matcher(options.breakAfter);
  }

  /** Where hooks go that no rule answers; undefined: forward only where a rule says so. */
  get target(): string | undefined {
    return this.options.target;
  }

  /** Starts forwarding a fresh exchange: held at a before-breakpoint, or sent at once. */
  start(ex: ExchangeRecord, target: string, deadline: number): ForwardRun {
    const run: ForwardRun = { leg: { target, stage: 'sending' } };
    ex.forward = run.leg;
    if (this.before(ex.method)) {
      run.leg.stage = 'before';
      run.leg.breaks = ['before'];
    } else {
      this.send(ex, run, ex.rawBytes, false, deadline);
    }
    return run;
  }

  /** Sends the exchange's body (or an edited one) to the backend; the answer must arrive before `deadline`. */
  send(ex: ExchangeRecord, run: ForwardRun, body: Buffer, edited: boolean, deadline: number): void {
    const leg = run.leg;
    leg.stage = 'sending';
    const url = forwardUrl(leg.target, ex.method);
    const out = backendHeaders(ex.rawHeaders, body, this.options.secret, new URL(url).host);
    const at = Date.now();
    leg.request = { url, headers: headerRecord(out.raw), body: edited ? body.toString('utf8') : undefined, resigned: out.resigned, at };
    const sent = this.client.send(url, out.raw, body, deadline - at);
    run.cancel = sent.cancel;
    void sent.done.then((r) => {
      run.cancel = undefined;
      if (ex.state !== 'pending') return;
      const now = Date.now();
      if (!r.ok) {
        leg.failure = { kind: r.kind, message: r.message, at: now, latencyMs: r.latencyMs };
        this.host.backendFailed(ex);
        return;
      }
      const text = r.body.toString('utf8');
      leg.response = {
        status: r.status,
        statusText: r.statusText,
        headers: headersFromRaw(r.rawHeaders),
        body: text,
        bytes: r.body.length,
        at: now,
        latencyMs: r.latencyMs,
      };
      let sentJson: unknown;
      try {
        sentJson = JSON.parse(leg.request?.body ?? ex.rawBody);
      } catch {
        sentJson = undefined;
      }
      const warnings = backendAnswerWarnings({ method: ex.method, sent: sentJson, status: r.status, contentType: r.contentType, body: text, latencyMs: r.latencyMs });
      if (warnings.length) leg.warnings = warnings;
      if (this.after(ex.method)) {
        leg.stage = 'after';
        (leg.breaks ??= []).push('after');
        run.reply = r;
        this.host.heldAfter(ex);
        return;
      }
      this.host.backendAnswered(ex, r);
    });
  }

  /** The round trip ran out of time (or WCS went away) while the backend had the hook. */
  giveUp(run: ForwardRun, why: string): void {
    const at = Date.now();
    run.leg.failure ??= { kind: 'timeout', message: why, at, latencyMs: at - (run.leg.request?.at ?? at) };
    run.cancel?.(why);
    run.cancel = undefined;
  }

  close(): void {
    this.client.close();
  }
}
