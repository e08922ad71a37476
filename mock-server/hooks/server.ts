/**
 * The mock backend: receives WCS REST hooks over HTTP/1.1 keep-alive, turns each into an exchange, and
 * answers it by rule, by the developer, by the hold timeout or at shutdown. Every request gets exactly one
 * answer: all writes go through `settle()`, which only acts on a pending exchange.
 */
import http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { finished } from 'node:stream/promises';
import { TypedEmitter } from '../util';
import { AccessGate, type RefusedCounts } from './access';
import { describeAnswer, parseAnswerSpec, renderAnswer, type AnswerSpec } from './answer';
import { ExchangeRecord } from './exchange';
import { isJson } from './jsonCheck';
import { Journal, JournalWriter } from './journal';
import { checkPolicy, listenFailure, resolveOptions, type HookServerOptions, type ResolvedOptions } from './options';
import { splitHookPath } from './path';
import { decide, type RulesFile } from './rules';
import type { AnsweredBy, Exchange, HookServerEvents, Policy } from './types';

export type { Policy } from './types';
export type { RefusedCounts } from './access';
export { DEFAULT_HOLD_TIMEOUT_MS, DEFAULT_MAX_BODY_BYTES, DEFAULT_PORT, type HookServerOptions } from './options';

export interface ListenAddress {
  readonly host: string;
  readonly port: number;
  readonly url: string;
}

const EMPTY = Buffer.alloc(0);


interface Pending {
  readonly ex: ExchangeRecord;
  readonly res: ServerResponse;
  readonly raw: Buffer;
  timer?: NodeJS.Timeout;
}

function urlFor(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** The Content-Length a request declares, read from rawHeaders (the header object is built lazily). */
function declaredLength(raw: readonly string[]): number | undefined {
  for (let i = 0; i < raw.length; i += 2) {
    const n = raw[i]!;
    if (n.length === 14 && n.toLowerCase() === 'content-length') return Number(raw[i + 1]);
  }
  return undefined;
}

export class HookServer extends TypedEmitter<HookServerEvents> {
  readonly journal: Journal;
  private readonly server: http.Server;
  private readonly held = new Map<string, Pending>();
  private readonly opts: ResolvedOptions;
  private rules: RulesFile | undefined;
  private currentPolicy: Policy;
  private readonly access: AccessGate;
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
    return new Promise((resolve, reject) => {
      const onError = (err: NodeJS.ErrnoException) => {
        const e = new Error(listenFailure(err, host, port)) as NodeJS.ErrnoException;
        e.code = err.code;
        reject(e);
      };
      this.server.once('error', onError);
      this.server.listen(port, host, () => {
        this.server.off('error', onError);
        const a = this.server.address();
        const boundPort = a && typeof a === 'object' ? a.port : port;
        this.address = { host, port: boundPort, url: urlFor(host, boundPort) };
        this.emit('listening', this.address);
        resolve(this.address);
      });
    });
  }

  /** Answers a held exchange. False when it is not pending (already answered, aborted or unknown). */
  answer(id: string, answer: AnswerSpec): boolean {
    const p = this.held.get(id);
    if (!p) return false;
    // Checked here because answers come from people (editor, terminal); throws TypeError when malformed.
    return this.settle(p, parseAnswerSpec(answer), 'developer');
  }

  /** Held exchanges, oldest first. */
  pending(): Exchange[] {
    const out: Exchange[] = [];
    for (const p of this.held.values()) out.push(p.ex);
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
    await this.writer?.close();
    this.emit('closed');
  }

  private readonly onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    if (!this.access.admit(req, res)) return;
    const max = this.opts.maxBodyBytes;
    const declared = declaredLength(req.rawHeaders);
    if (declared !== undefined && declared > max) {
      this.tooLarge(req, res, declared);
      return;
    }
    let first: Buffer | undefined;
    let chunks: Buffer[] | undefined;
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size > max) {
        over = true;
        this.tooLarge(req, res, size);
        return;
      }
      if (!first) first = chunk;
      else (chunks ??= [first]).push(chunk);
    });
    req.on('end', () => {
      if (over) return;
      this.onBody(req, res, chunks ? Buffer.concat(chunks, size) : (first ?? Buffer.alloc(0)));
    });
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
      let why = 'not JSON';
      try {
        JSON.parse(raw.toString('utf8'));
      } catch (err) {
        why = (err as Error).message;
      }
      const error = `malformed JSON: ${why}`;
      const ex = this.record(req, raw, undefined, error);
      this.respond(ex, res, raw, { status: 400, body: { error } }, 'server');
      return;
    }
    const ex = this.record(req, raw, undefined);
    if (this.stopping) {
      this.respond(ex, res, raw, this.opts.fallback, 'shutdown');
      return;
    }
    const d = decide(this.rules, this.currentPolicy, ex);
    if (d.answer !== 'hold') {
      this.respond(ex, res, raw, d.answer, 'rule', d.ruleIndex);
      return;
    }
    const p: Pending = { ex, res, raw };
    this.held.set(ex.id, p);
    const ms = this.opts.holdTimeoutMs;
    if (ms > 0) {
      ex.holdDeadline = ex.receivedAt + ms;
      // unref: a held hook alone must not keep a process alive whose server is gone.
      p.timer = setTimeout(() => this.settle(p, this.opts.fallback, 'timeout'), ms).unref();
    }
    res.on('close', () => {
      if (ex.state === 'pending') this.abort(p);
    });
    this.emit('received', ex);
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
  private settle(p: Pending, spec: AnswerSpec, by: AnsweredBy): boolean {
    if (p.ex.state !== 'pending') return false;
    if (p.res.destroyed || p.res.writableEnded) {
      this.abort(p);
      return false;
    }
    if (p.timer) clearTimeout(p.timer);
    this.held.delete(p.ex.id);
    this.write(p.ex, p.res, p.raw, spec, by, undefined, false);
    this.emit('answered', p.ex);
    p.ex.forgetBody();
    this.journal.settled(p.ex);
    return true;
  }

  private abort(p: Pending): void {
    if (p.ex.state !== 'pending') return;
    if (p.timer) clearTimeout(p.timer);
    this.held.delete(p.ex.id);
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
  ): void {
    // Only a merge needs the parsed body; echo must not pay for parsing it.
    let wire;
    try {
      wire = renderAnswer(spec, raw, typeof spec === 'object' && 'merge' in spec ? ex.body : undefined);
    } catch (err) {
      // A body nested thousands of levels deep parses but cannot be serialised again (the stack runs out):
      // the hook is refused instead of taking the server down.
      if (!(err instanceof RangeError)) throw err;
      spec = { status: 400, body: { error: `cannot build the ${describeAnswer(spec)} answer: the body is nested too deeply` } };
      by = 'server';
      ruleIndex = undefined;
      wire = renderAnswer(spec, raw, undefined);
    }
    const json = wire.headers['Content-Type'] !== undefined;
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
    const headers: string[] = json ? ['Content-Type', 'application/json'] : [];
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
