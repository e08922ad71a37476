/**
 * The exchange record the server keeps for each hook.
 *
 * Why it is shaped like this: the journal keeps the last 10,000 records, so under a hook flood every record
 * lives long enough to reach V8's old generation and then dies there, and the cost of collecting them is
 * per object. A record therefore holds a handful of strings and small integers; everything else (parsed
 * body, header object, correlation keys, validation issues, the answer as an object) is derived on read.
 * The body is kept as the Buffer Node's HTTP parser produced: its bytes live outside the JS heap, so the
 * collector moves a small header instead of the text. Measured with `npm run bench`: the naive object graph
 * (~30 objects per record) cost more than half the auto-echo throughput.
 */
import { lookupMethod } from '../protocol/methods';
import { correlationKeys, validateBody, type CorrelationKeys, type ValidationIssue } from '../protocol/validate';
import type { AnyHookType } from '../protocol/methods';
import { splitHookPath } from './path';
import type { AnsweredBy, AnswerSpec, Exchange, ExchangeState, SentAnswer } from './types';

/** Times are kept as small integers relative to this, so they fit V8's unboxed small-integer range. */
const EPOCH = Date.now();

const NOT_PARSED = Symbol('not parsed');
const NO_KEYS: CorrelationKeys = Object.freeze({});

export interface ExchangeInit {
  readonly seq: number;
  readonly receivedAt: number;
  readonly method: string;
  readonly url: string;
  /** Node's `rawHeaders`: name, value, name, value… */
  readonly rawHeaders: readonly string[];
  readonly remoteAddress?: string;
  /** The received bytes. Kept as the Buffer Node's parser made (its own backing store, outside the JS heap). */
  readonly raw: Buffer;
  readonly error?: string;
}

/** Builds Node's header object shape (lower-case names, repeated headers joined) from name/value pairs. */
export function headersFromRaw(raw: readonly string[]): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    const value = raw[i + 1]!;
    const prev = out[name];
    if (prev === undefined) out[name] = name === 'set-cookie' ? [value] : value;
    else if (Array.isArray(prev)) prev.push(value);
    else out[name] = `${prev}, ${value}`;
  }
  return out;
}

/** The answer as written, in the few fields needed to rebuild `SentAnswer`. */
export interface WrittenAnswer {
  readonly status: number;
  readonly spec: AnswerSpec;
  readonly by: AnsweredBy;
  readonly ruleIndex?: number;
  /** Body text; undefined means "the received body" (echo). */
  readonly body: string | undefined;
  readonly bytes: number;
  readonly json: boolean;
  readonly closeConnection: boolean;
  readonly at: number;
}

export class ExchangeRecord implements Exchange {
  readonly method: string;
  readonly url: string;
  readonly remoteAddress?: string;
  readonly error?: string;
  state: ExchangeState = 'pending';
  holdDeadline?: number;
  readonly #seq: number;
  readonly #at: number;
  /** Header names and values joined by '\n' (neither may contain one): one string instead of an array of many. */
  readonly #rawHeaders: string;
  readonly #raw: Buffer;
  #body: unknown = NOT_PARSED;
  #keys?: CorrelationKeys;
  #issues?: readonly ValidationIssue[];
  // The answer, flattened.
  #status = 0;
  #spec: AnswerSpec | undefined;
  #by: AnsweredBy | undefined;
  #ruleIndex = -1;
  #answerBody: string | undefined;
  #answerBytes = 0;
  #answerJson = false;
  #closeConnection = false;
  #answeredAt = 0;
  #latency = -1;
  #answerOverride?: SentAnswer;

  constructor(init: ExchangeInit, parsedBody?: unknown) {
    this.#seq = init.seq;
    this.#at = init.receivedAt - EPOCH;
    this.method = init.method;
    this.url = init.url;
    this.#raw = init.raw;
    this.remoteAddress = init.remoteAddress;
    this.error = init.error;
    this.#rawHeaders = init.rawHeaders.join('\n');
    if (parsedBody !== undefined) this.#body = parsedBody;
  }

  /** The body as UTF-8 text, decoded on read. */
  get rawBody(): string {
    return this.#raw.toString('utf8');
  }

  /** The exact received bytes. */
  get rawBytes(): Buffer {
    return this.#raw;
  }

  get id(): string {
    return String(this.#seq);
  }

  /** The numeric form of `id`. */
  get seq(): number {
    return this.#seq;
  }

  get receivedAt(): number {
    return EPOCH + this.#at;
  }

  get app(): string {
    return splitHookPath(this.url).app;
  }

  get type(): AnyHookType {
    return lookupMethod(this.method)?.type ?? 'unknown';
  }

  get unknownMethod(): boolean {
    return lookupMethod(this.method) === undefined;
  }

  get httpMethod(): string {
    return 'POST';
  }

  get headers(): Readonly<Record<string, string | string[]>> {
    return headersFromRaw(this.#rawHeaders === '' ? [] : this.#rawHeaders.split('\n'));
  }

  /** The parsed body (parsed again from `rawBody` if it was released); undefined when it is not valid JSON. */
  get body(): unknown {
    if (this.#body !== NOT_PARSED) return this.#body;
    let parsed: unknown;
    if (this.error === undefined) {
      try {
        parsed = JSON.parse(this.rawBody);
      } catch {
        parsed = undefined;
      }
    }
    // Whoever reads bodies (a UI) will read them again: keep it from now on.
    this.#body = parsed;
    return parsed;
  }

  get keys(): CorrelationKeys {
    if (this.#keys) return this.#keys;
    const b = this.body;
    return (this.#keys = b === undefined ? NO_KEYS : correlationKeys(b));
  }

  get issues(): readonly ValidationIssue[] {
    return (this.#issues ??= this.error !== undefined ? [] : validateBody(this.method, this.body));
  }

  get latencyMs(): number | undefined {
    return this.#latency < 0 ? undefined : this.#latency;
  }

  set latencyMs(ms: number | undefined) {
    this.#latency = ms === undefined ? -1 : ms;
  }

  get answer(): SentAnswer | undefined {
    if (this.#answerOverride) return this.#answerOverride;
    if (this.#by === undefined) return undefined;
    const headers: Record<string, string> = {};
    if (this.#answerJson) headers['Content-Type'] = 'application/json';
    headers['Content-Length'] = String(this.#answerBytes);
    headers['Access-Control-Allow-Origin'] = '*';
    if (this.#closeConnection) headers['Connection'] = 'close';
    return {
      status: this.#status,
      headers,
      body: this.#answerBody ?? this.rawBody,
      spec: this.#spec!,
      by: this.#by,
      ...(this.#ruleIndex >= 0 ? { ruleIndex: this.#ruleIndex } : {}),
      at: EPOCH + this.#answeredAt,
    };
  }

  set answer(a: SentAnswer | undefined) {
    this.#answerOverride = a;
  }

  /** Records the answer written to the socket (the server's only way to set it). */
  recordAnswer(a: WrittenAnswer): void {
    this.state = 'answered';
    this.#status = a.status;
    this.#spec = a.spec;
    this.#by = a.by;
    this.#ruleIndex = a.ruleIndex ?? -1;
    this.#answerBody = a.body;
    this.#answerBytes = a.bytes;
    this.#answerJson = a.json;
    this.#closeConnection = a.closeConnection;
    this.#answeredAt = a.at - EPOCH;
    this.#latency = a.at - EPOCH - this.#at;
  }

  /** The parsed body is released once the answer is written; it is parsed again if someone reads it. */
  forgetBody(): void {
    this.#body = NOT_PARSED;
  }

  /** A plain object with every field (derived ones included), for JSONL and for sending across processes. */
  toJSON(): Exchange {
    const o: Record<string, unknown> = {
      id: this.id,
      receivedAt: this.receivedAt,
      app: this.app,
      method: this.method,
      type: this.type,
      unknownMethod: this.unknownMethod,
      httpMethod: this.httpMethod,
      url: this.url,
      headers: this.headers,
      remoteAddress: this.remoteAddress,
      rawBody: this.rawBody,
      body: this.body,
      error: this.error,
      issues: this.issues,
      keys: this.keys,
      state: this.state,
      answer: this.answer,
      latencyMs: this.latencyMs,
      holdDeadline: this.holdDeadline,
    };
    for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
    return o as unknown as Exchange;
  }
}
