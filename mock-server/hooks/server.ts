/**
 * The mock backend: receives WCS REST hooks over HTTP/1.1 keep-alive, turns each into an exchange, and
 * answers it by rule, by the developer, by the hold timeout or at shutdown, or (forward mode, `forward/`)
 * with the answer of the developer's own backend. Every request gets exactly one answer: all writes go
 * through `settle()`, which only acts on a pending exchange.
 */
import http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { finished } from 'node:stream/promises';
import { TypedEmitter } from '../util';
import { AccessGate, type RefusedCounts } from './access';
import { describeAnswer, isForwardAnswer, parseAnswerSpec, renderAnswer, type AnswerSpec, type WireAnswer } from './answer';
import { backendWire, Forwarder, type BackendReply, type ForwardRun } from './forward';
import { ExchangeRecord } from './exchange';
import { isJson, jsonSyntaxProblem } from './jsonCheck';
import { readBody } from './body';
import { Journal, JournalWriter } from './journal';
import { checkPolicy, DEFAULT_HOLD_TIMEOUT_MS, listenOn, resolveOptions, type HookServerOptions, type ListenAddress, type ResolvedOptions } from './options';
import { splitHookPath } from './path';
import { decide, type RulesFile } from './rules';
import type { AnsweredBy, Exchange, HookServerEvents, Policy } from './types';

export type { Policy } from './types';
export type { RefusedCounts } from './access';
export { DEFAULT_HOLD_TIMEOUT_MS, DEFAULT_MAX_BODY_BYTES, DEFAULT_PORT, type HookServerOptions, type ListenAddress } from './options';


const EMPTY = Buffer.alloc(0);


interface Pending {
  readonly ex: ExchangeRecord;
  readonly res: ServerResponse;
  readonly raw: Buffer;
  timer?: NodeJS.Timeout;
  /** Forward mode: the backend leg under way. */
  forward?: ForwardRun;
}

export class HookServer extends TypedEmitter<HookServerEvents> {
  readonly journal: Journal;
  private readonly server: http.Server;
  private readonly held = new Map<string, Pending>();
  private readonly opts: ResolvedOptions;
  private rules: RulesFile | undefined;
  private currentPolicy: Policy;
  private readonly access: AccessGate;
  private readonly forwarder: Forwarder;
  private readonly writer?: JournalWriter;
  private nextId = 1;
  private address?: ListenAddress;
  private closing?: Promise<void>;
  /** True from the first moment of close(): answers then say `Connection: close`, new hooks get the fallback. */
  private stopping = false;

  constructor(options: HookServerOptions = {}) {
    super();
    const o = resolveOptions(options);
    this.opts = o;
    this.currentPolicy = o.policy;
    this.rules = options.rules;
    this.access = new AccessGate(
      { host: this.opts.host, allowOrigins: options.allowOrigins, basicAuth: options.basicAuth, signingSecret: options.signingSecret },
      (m) => this.emit('warning', m),
    );
    this.journal = new Journal(o.journalLimit, o.journalMaxBytes);
    // Also without a forward target: a rule may forward (its agents are made on first use).
    this.forwarder = new Forwarder(options.forward ?? {}, o.maxBodyBytes, {
      backendAnswered: (ex, reply) => this.passBackendAnswer(this.held.get(ex.id), reply),
      backendFailed: (ex) => {
        const p = this.held.get(ex.id);
        if (p) this.settle(p, this.opts.fallback, 'fallback');
      },
      heldAfter: (ex) => this.emit('held', ex),
    });
    if (options.journalFile) this.writer = new JournalWriter(options.journalFile, (m) => this.emit('warning', m));

    this.server = http.createServer(
      {
        headersTimeout: o.headersTimeoutMs,
        requestTimeout: o.requestTimeoutMs,
        keepAliveTimeout: o.keepAliveTimeoutMs,
        // The check for the two timeouts above runs at this interval; Node's default (30 s) would let a
        // stuck client sit far longer than configured.
        connectionsCheckingInterval: Math.min(1000, o.headersTimeoutMs),
      },
      this.onRequest,
    );
    this.server.on('error', (err) => {
      if (this.address) this.emit('warning', `server error: ${err.message}`);
    });
  }

  get url(): string | undefined {
    return this.address?.url;
  }

  get policy(): Policy {
    return this.currentPolicy;
  }

  /** The rules in force (undefined: policy only). */
  get currentRules(): RulesFile | undefined {
    return this.rules;
  }

  /** Replaces the rules for hooks that arrive from now on; held exchanges stay held. */
  setRules(rules: RulesFile | undefined): void {
    this.rules = rules;
  }

  setPolicy(policy: Policy): void {
    this.currentPolicy = checkPolicy(policy);
  }

  /** Requests refused before they became hooks (wrong Host, disallowed page origin). */
  get refused(): Readonly<RefusedCounts> {
    return this.access.refused;
  }

  get holdTimeoutMs(): number {
    return this.opts.holdTimeoutMs;
  }

  listen(): Promise<ListenAddress> {
    if (this.closing) return Promise.reject(new Error('the hook server was closed'));
    if (this.address) return Promise.resolve(this.address);
    const { host, port } = this.opts;
    return listenOn(this.server, host, port).then((address) => {
      this.address = address;
      this.emit('listening', address);
      return address;
    });
  }

  /** Answers a held exchange. False when it is not pending (already answered, aborted or unknown). */
  answer(id: string, answer: AnswerSpec): boolean {
    const p = this.held.get(id);
    if (!p) return false;
    // Checked here because answers come from people (editor, terminal); throws TypeError when malformed.
    return this.settle(p, parseAnswerSpec(answer), 'developer');
  }

  /**
   * Lets a forwarded exchange held at a breakpoint go on. Before the backend: it is sent, with `edited` as
   * its body when given. After: the backend's answer goes to WCS as it came (an edited answer is an
   * ordinary `answer()`). False when the exchange is not held at a forward breakpoint.
   */
  pass(id: string, edited?: string): boolean {
    const p = this.held.get(id);
    const run = p?.forward;
    if (!p || !run) return false;
    if (run.leg.stage === 'before') {
      const body = edited === undefined ? p.raw : Buffer.from(edited, 'utf8');
      this.forwarder.send(p.ex, run, body, edited !== undefined, p.ex.holdDeadline!);
      return true;
    }
    if (run.leg.stage === 'after' && run.reply) return this.passBackendAnswer(p, run.reply);
    return false;
  }

  /** Exchanges waiting for the developer, oldest first (a forwarded one only while a breakpoint holds it). */
  pending(): Exchange[] {
    const out: Exchange[] = [];
    for (const p of this.held.values()) if (!p.forward || p.forward.leg.stage !== 'sending') out.push(p.ex);
    return out;
  }

  get(id: string): Exchange | undefined {
    return this.journal.get(id) ?? this.held.get(id)?.ex;
  }

  /** Answers every held exchange with the fallback, then stops listening. Safe to call more than once. */
  close(): Promise<void> {
    return (this.closing ??= this.shutdown());
  }

  private async shutdown(): Promise<void> {
    // Set before anything is answered: `closing` is only assigned once this function returns its promise.
    this.stopping = true;
    const spec: AnswerSpec = this.opts.fallback;
    const flushing: Promise<unknown>[] = [];
    for (const p of [...this.held.values()]) {
      if (this.settle(p, spec, 'shutdown')) flushing.push(finished(p.res).catch(() => undefined));
    }
    // The answers must reach the sockets before the connections are torn down.
    await Promise.all(flushing);
    if (this.server.listening) {
      await new Promise<void>((resolve) => {
        this.server.close(() => resolve());
        this.server.closeIdleConnections();
        // A connection still mid-request gets its answer (the fallback) and is then closed; one that
        // never finishes its request must not block shutdown.
        setTimeout(() => this.server.closeAllConnections(), 2000).unref();
      });
    }
    this.forwarder.close();
    await this.writer?.close();
    this.emit('closed');
  }

  private readonly onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    if (!this.access.admit(req, res)) return;
    readBody(req, this.opts.maxBodyBytes, (raw) => this.onBody(req, res, raw), (size) => this.tooLarge(req, res, size));
  };

  private tooLarge(req: IncomingMessage, res: ServerResponse, size: number): void {
    const error = `body of ${size} bytes is over the ${this.opts.maxBodyBytes}-byte limit`;
    const ex = this.record(req, EMPTY, undefined, error);
    // Connection: close, because the rest of the body is not read and must not be taken for the next request.
    this.respond(ex, res, Buffer.alloc(0), { status: 413, body: { error } }, 'server', undefined, true);
    req.resume();
  }

  private record(req: IncomingMessage, raw: Buffer, body: unknown, error?: string): ExchangeRecord {
    const url = req.url ?? '/';
    const ex = new ExchangeRecord(
      {
        seq: this.nextId++,
        receivedAt: Date.now(),
        method: splitHookPath(url).method,
        url,
        rawHeaders: req.rawHeaders,
        remoteAddress: req.socket.remoteAddress,
        raw,
        error,
      },
      body,
    );
    this.journal.add(ex);
    return ex;
  }

  private onBody(req: IncomingMessage, res: ServerResponse, raw: Buffer): void {
    const denied = this.access.credentials(req, raw);
    if (denied) {
      const ex = this.record(req, raw, undefined, denied);
      this.emit('warning', `403 for POST ${ex.url} from ${ex.remoteAddress ?? '?'}: ${denied}`);
      this.respond(ex, res, raw, 'forbid', 'server');
      return;
    }
    // Checked without building the tree: an auto-answered hook never needs it, and rules, merge answers
    // and the UI parse it on first read.
    if (!isJson(raw)) {
      const error = `malformed JSON: ${jsonSyntaxProblem(raw)}`;
      const ex = this.record(req, raw, undefined, error);
      this.respond(ex, res, raw, { status: 400, body: { error } }, 'server');
      return;
    }
    const ex = this.record(req, raw, undefined);
    if (this.stopping) {
      this.respond(ex, res, raw, this.opts.fallback, 'shutdown');
      return;
    }
    const d = decide(this.rules, this.currentPolicy, ex, this.forwarder.target);
    if (isForwardAnswer(d.answer)) {
      this.forward(ex, res, raw, d.answer.forward);
      return;
    }
    if (d.answer !== 'hold') {
      this.respond(ex, res, raw, d.answer, 'rule', d.ruleIndex);
      return;
    }
    this.hold({ ex, res, raw }, this.opts.holdTimeoutMs);
    this.emit('received', ex);
  }

  private hold(p: Pending, ms: number): void {
    this.held.set(p.ex.id, p);
    if (ms > 0) {
      p.ex.holdDeadline = p.ex.receivedAt + ms;
      // unref: a held hook alone must not keep a process alive whose server is gone.
      p.timer = setTimeout(() => this.onDeadline(p), ms).unref();
    }
    p.res.on('close', () => {
      if (p.ex.state === 'pending') this.abort(p);
    });
  }

  private onDeadline(p: Pending): void {
    const run = p.forward;
    // Still with the backend: it did not answer in time, and the fallback says so.
    if (run?.leg.stage === 'sending') {
      this.forwarder.giveUp(run, `no answer from the backend within the ${this.opts.holdTimeoutMs || DEFAULT_HOLD_TIMEOUT_MS} ms hold timeout`);
      this.settle(p, this.opts.fallback, 'fallback');
    } else this.settle(p, this.opts.fallback, 'timeout');
  }

  /**
   * Forward mode: the exchange waits while the backend has it. The hold timeout covers the whole round trip
   * (both breakpoints and the backend), so WCS's own timeout is never reached; with holding unlimited
   * (0), the backend still gets no longer than the default hold timeout.
   */
  private forward(ex: ExchangeRecord, res: ServerResponse, raw: Buffer, target: string): void {
    const p: Pending = { ex, res, raw };
    this.hold(p, this.opts.holdTimeoutMs || DEFAULT_HOLD_TIMEOUT_MS);
    p.forward = this.forwarder.start(ex, target, ex.holdDeadline!);
    this.emit('received', ex);
  }

  /** The backend's status, content type and exact bytes, to WCS. */
  private passBackendAnswer(p: Pending | undefined, reply: BackendReply): boolean {
    if (!p) return false;
    const { spec, wire } = backendWire(reply, p.raw);
    return this.settle(p, spec, 'backend', wire);
  }

  /** First answer to a fresh exchange: written, then announced as received and answered. */
  private respond(
    ex: ExchangeRecord,
    res: ServerResponse,
    raw: Buffer,
    spec: AnswerSpec,
    by: AnsweredBy,
    ruleIndex?: number,
    closeConnection = false,
  ): void {
    this.write(ex, res, raw, spec, by, ruleIndex, closeConnection);
    this.emit('received', ex);
    this.emit('answered', ex);
    // Kept exchanges hold only the raw text; the parsed tree is rebuilt if anyone reads it later.
    ex.forgetBody();
    this.journal.settled(ex);
  }

  /** The one way a held exchange is answered. */
  private settle(p: Pending, spec: AnswerSpec, by: AnsweredBy, wire?: WireAnswer): boolean {
    if (p.ex.state !== 'pending') return false;
    if (p.res.destroyed || p.res.writableEnded) {
      this.abort(p);
      return false;
    }
    if (p.timer) clearTimeout(p.timer);
    this.held.delete(p.ex.id);
    if (p.forward) {
      // Answered while the backend still had it (developer, shutdown): its late answer is not wanted.
      if (p.forward.leg.stage === 'sending' && by !== 'backend' && by !== 'fallback') this.forwarder.giveUp(p.forward, `answered by ${by} before the backend did`);
      p.forward.leg.stage = 'done';
    }
    this.write(p.ex, p.res, p.raw, spec, by, undefined, false, wire);
    this.emit('answered', p.ex);
    p.ex.forgetBody();
    this.journal.settled(p.ex);
    return true;
  }

  private abort(p: Pending): void {
    if (p.ex.state !== 'pending') return;
    if (p.timer) clearTimeout(p.timer);
    this.held.delete(p.ex.id);
    if (p.forward) {
      if (p.forward.leg.stage === 'sending') this.forwarder.giveUp(p.forward, 'WCS closed the connection before the backend answered');
      p.forward.leg.stage = 'done';
    }
    p.ex.state = 'aborted';
    p.ex.latencyMs = Date.now() - p.ex.receivedAt;
    this.writer?.write(p.ex);
    this.emit('aborted', p.ex);
    this.journal.settled(p.ex);
  }

  private write(
    ex: ExchangeRecord,
    res: ServerResponse,
    raw: Buffer,
    spec: AnswerSpec,
    by: AnsweredBy,
    ruleIndex: number | undefined,
    closeConnection: boolean,
    prepared?: WireAnswer,
  ): void {
    // Only a merge needs the parsed body; echo must not pay for parsing it.
    let wire = prepared;
    try {
      wire ??= renderAnswer(spec, raw, typeof spec === 'object' && 'merge' in spec ? ex.body : undefined);
    } catch (err) {
      // A body nested thousands of levels deep parses but cannot be serialised again (the stack runs out):
      // the hook is refused instead of taking the server down.
      if (!(err instanceof RangeError)) throw err;
      spec = { status: 400, body: { error: `cannot build the ${describeAnswer(spec)} answer: the body is nested too deeply` } };
      by = 'server';
      ruleIndex = undefined;
      wire = renderAnswer(spec, raw, undefined);
    }
    const contentType = wire.headers['Content-Type'];
    const json = contentType !== undefined;
    const close = closeConnection || this.stopping;
    const at = Date.now();
    // Recorded before writing: whatever happens below, this exchange can never be answered twice.
    ex.recordAnswer({
      status: wire.status,
      spec,
      by,
      ruleIndex,
      body: wire.body === raw ? undefined : wire.body.toString('utf8'),
      bytes: wire.body.length,
      json,
      closeConnection: close,
      at,
    });
    const headers: string[] = json ? ['Content-Type', contentType] : [];
    headers.push('Content-Length', String(wire.body.length));
    const cors = this.access.cors(res);
    if (cors.length) headers.push(...cors);
    if (close) headers.push('Connection', 'close');
    res.writeHead(wire.status, headers);
    res.end(wire.body);
    this.writer?.write(ex);
  }
}

export function createHookServer(options?: HookServerOptions): HookServer {
  return new HookServer(options);
}
