/**
 * The exchange record the server keeps for each hook.
 *
 * Why it is shaped like this: the journal keeps the last 10,000 records, so under a hook flood every record
 * lives long enough to reach V8's old generation and then dies there, and the cost of collecting them is
 * per object. A record therefore holds what Node already made (URL, raw header list, body Buffer) and small
 * integers; everything else (parsed body, header object, correlation keys, validation issues, the answer as
 * an object) is derived on read.
 * The body is kept as the Buffer Node's HTTP parser produced: its bytes live outside the JS heap, so the
 * collector moves a small header instead of the text. Measured with `npm run bench`: the first, naive object
 * graph (~30 objects per record, parsed body kept) ran at 0.3x a bare node:http echo server.
 */
import { lookupMethod } from '../protocol';
import { correlationKeys, validateBody, type CorrelationKeys, type ValidationIssue } from '../protocol';
import type { AnyHookType } from '../protocol';
import { splitHookPath } from './path';
import type { AnswerSpec } from './answer';
import type { ForwardLeg } from './forward';
import type { AnsweredBy, Exchange, ExchangeState, SentAnswer } from './types';

/** Times are kept as small integers relative to this, so they fit V8's unboxed small-integer range. */
const EPOCH = Date.now();

const NOT_PARSED = Symbol('not parsed');
const NO_KEYS: CorrelationKeys = Object.freeze({});
const NO_ISSUES: readonly ValidationIssue[] = Object.freeze([]);

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
  // Every field is declared without an initializer and assigned once, in one order, in the constructor:
  // class field initializers (and #private fields) cost more per instance in V8 than the rest of the hot
  // path together (measured: ~17 % of the server's CPU under an auto-echo flood).
  declare readonly method: string;
  declare readonly remoteAddress?: string;
  declare readonly error?: string;
  declare state: ExchangeState;
  declare holdDeadline?: number;
  private declare readonly _seq: number;
  private declare readonly _at: number;
  private declare readonly _url: string;
  /** Node's own rawHeaders array (joining it into one string measured no better and cost a copy). */
  private declare readonly _rawHeaders: readonly string[];
  private declare readonly _raw: Buffer;
  private declare _body: unknown;
  private declare _keys: CorrelationKeys | undefined;
  private declare _issues: readonly ValidationIssue[] | undefined;
  /** The answer, flattened; `_by` undefined = not answered. */
  private declare _status: number;
  private declare _spec: AnswerSpec | undefined;
  private declare _by: AnsweredBy | undefined;
  private declare _ruleIndex: number;
  private declare _answerBody: string | undefined;
  private declare _answerBytes: number;
  private declare _answerJson: boolean;
  private declare _closeConnection: boolean;
  private declare _answeredAt: number;
  private declare _latency: number;
  /** Forward mode's backend leg; one empty slot for every other exchange. */
  private declare _forward: ForwardLeg | undefined;

  constructor(init: ExchangeInit, parsedBody?: unknown) {
    // Catalog names are shared constants; only unknown names cost a string per record.
    this.method = lookupMethod(init.method)?.name ?? init.method;
    this.remoteAddress = init.remoteAddress;
    this.error = init.error;
    this.state = 'pending';
    this.holdDeadline = undefined;
    this._seq = init.seq;
    this._at = init.receivedAt - EPOCH;
    this._url = init.url;
    this._rawHeaders = init.rawHeaders;
    this._raw = init.raw;
    this._body = parsedBody === undefined ? NOT_PARSED : parsedBody;
    this._keys = undefined;
    this._issues = undefined;
    this._status = 0;
    this._spec = undefined;
    this._by = undefined;
    this._ruleIndex = -1;
    this._answerBody = undefined;
    this._answerBytes = 0;
    this._answerJson = false;
    this._closeConnection = false;
    this._answeredAt = 0;
    this._latency = -1;
    this._forward = undefined;
  }

  /** The body as UTF-8 text, decoded on read. */
  get rawBody(): string {
    return this._raw.toString('utf8');
  }

  /** The exact received bytes. */
  get rawBytes(): Buffer {
    return this._raw;
  }

  get url(): string {
    return this._url;
  }

  get id(): string {
    return String(this._seq);
  }

  /** The numeric form of `id`. */
  get seq(): number {
    return this._seq;
  }

  get receivedAt(): number {
    return EPOCH + this._at;
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
    return headersFromRaw(this._rawHeaders);
  }

  /** The parsed body (parsed again from `rawBody` if it was released); undefined when it is not valid JSON. */
  get body(): unknown {
    if (this._body !== NOT_PARSED) return this._body;
    let parsed: unknown;
    if (this.error === undefined) {
      try {
        parsed = JSON.parse(this.rawBody);
      } catch {
        parsed = undefined;
      }
    }
    // Whoever reads bodies (a UI) will read them again: keep it from now on.
    this._body = parsed;
    return parsed;
  }

  get keys(): CorrelationKeys {
    if (this._keys) return this._keys;
    const b = this.body;
    return (this._keys = b === undefined ? NO_KEYS : correlationKeys(b));
  }

  get issues(): readonly ValidationIssue[] {
    if (this._issues) return this._issues;
    const found = this.error !== undefined ? NO_ISSUES : validateBody(this.method, this.body);
    return (this._issues = found.length === 0 ? NO_ISSUES : found);
  }

  /**
   * For serialisers that need keys and issues once (the JSONL writer): computed from a parse that is not
   * kept, so writing a journal file does not make every kept record hold its parsed body.
   */
  withTransientBody<T>(use: () => T): T {
    const had = this._body !== NOT_PARSED;
    try {
      return use();
    } finally {
      if (!had) this._body = NOT_PARSED;
    }
  }

  get forward(): ForwardLeg | undefined {
    return this._forward;
  }

  set forward(leg: ForwardLeg | undefined) {
    this._forward = leg;
  }

  /** The request headers as Node received them (name, value, name, value…). */
  get rawHeaders(): readonly string[] {
    return this._rawHeaders;
  }

  get latencyMs(): number | undefined {
    return this._latency < 0 ? undefined : this._latency;
  }

  set latencyMs(ms: number | undefined) {
    this._latency = ms === undefined ? -1 : ms;
  }

  get answer(): SentAnswer | undefined {
    if (this._by === undefined) return undefined;
    const headers: Record<string, string> = {};
    // A backend's answer goes to WCS with the backend's own content type.
    const backendType = this._by === 'backend' ? this._forward?.response?.headers['content-type'] : undefined;
    if (this._answerJson) headers['Content-Type'] = typeof backendType === 'string' ? backendType : 'application/json';
    headers['Content-Length'] = String(this._answerBytes);
    if (this._closeConnection) headers['Connection'] = 'close';
    return {
      status: this._status,
      headers,
      body: this._answerBody ?? this.rawBody,
      spec: this._spec!,
      by: this._by,
      ...(this._ruleIndex >= 0 ? { ruleIndex: this._ruleIndex } : {}),
      at: EPOCH + this._answeredAt,
    };
  }

  /** The answer's status, form, author and rule (-1: none), read without building `answer` (the log's hot path). */
  get answerStatus(): number {
    return this._status;
  }

  get answerSpec(): AnswerSpec | undefined {
    return this._spec;
  }

  get answerBy(): AnsweredBy | undefined {
    return this._by;
  }

  get answerRuleIndex(): number {
    return this._ruleIndex;
  }

  /** Records the answer written to the socket (the server's only way to set it). */
  recordAnswer(a: WrittenAnswer): void {
    this.state = 'answered';
    this._status = a.status;
    this._spec = a.spec;
    this._by = a.by;
    this._ruleIndex = a.ruleIndex ?? -1;
    this._answerBody = a.body;
    this._answerBytes = a.bytes;
    this._answerJson = a.json;
    this._closeConnection = a.closeConnection;
    this._answeredAt = a.at - EPOCH;
    this._latency = a.at - EPOCH - this._at;
  }

  /** The parsed body is released once the answer is written; it is parsed again if someone reads it. */
  forgetBody(): void {
    this._body = NOT_PARSED;
  }

  /** A plain object with every field (derived ones included), for JSONL and for sending across processes. */
  toJSON(): Exchange {
    return this.toRecord(true);
  }

  /**
   * The plain record. For a JSONL line (`full` false) everything derivable from `rawBody` is left out —
   * the parsed body, correlation keys, validation issues and an echo answer's body — so writing a journal
   * costs neither a parse nor a validation per hook; readJournalFile derives them again.
   */
  toRecord(full: boolean): Exchange {
    const rawBody = this.rawBody;
    let answer = this.answer;
    if (!full && answer && answer.body === rawBody) {
      const { body: _same, ...rest } = answer;
      answer = rest as SentAnswer;
    }
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
      rawBody,
      body: full ? this.body : undefined,
      error: this.error,
      issues: full ? this.issues : undefined,
      keys: full ? this.keys : undefined,
      state: this.state,
      answer,
      latencyMs: this.latencyMs,
      holdDeadline: this.holdDeadline,
      forward: this._forward,
    };
    for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
    return o as unknown as Exchange;
  }

}
