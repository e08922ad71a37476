/**
 * The mock backend: receives WCS REST hooks over HTTP/1.1 keep-alive, turns each into an exchange, and
 * answers it by rule, by the developer, by the hold timeout or at shutdown. Every request gets exactly one
 * answer: all writes go through `settle()`, which only acts on a pending exchange.
 */
import http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { finished } from 'node:stream/promises';
import { isLoopback, isLoopbackHostHeader, normalizeOrigin, originAllowed, TypedEmitter } from '../util';
import { describeAnswer, parseAnswerSpec, renderAnswer, type AnswerSpec } from './answer';
import { ExchangeRecord } from './exchange';
import { isJson } from './jsonCheck';
import { checkBasic, checkSignature } from './auth';
import { DEFAULT_JOURNAL_LIMIT, DEFAULT_JOURNAL_MAX_BYTES, EXCHANGE_OVERHEAD_BYTES, Journal, JournalWriter, MAX_JOURNAL_LIMIT } from './journal';
import { splitHookPath } from './path';
import { decide, type RulesFile } from './rules';
import type { AnsweredBy, Exchange, HookServerEvents, Policy } from './types';
import { POLICIES } from './types';

export type { Policy } from './types';

export interface HookServerOptions {
  /** Default 127.0.0.1: a mock backend has no business being reachable from the network by accident. */
  host?: string;
  /** Default 9091 (the port of the classic EchoApp URL); 0 picks a free port. */
  port?: number;
  /** Rules decide first, then `rules.default`, then `policy`. */
  rules?: RulesFile;
  /** Default 'hold-blockable'. */
  policy?: Policy;
  /** Default 12000: WCS gives up after `rest_request_timeout` (15 s). 0 = hold until answered. */
  holdTimeoutMs?: number;
  /** What the hold timeout and shutdown answer. Default 'echo'. */
  fallback?: 'echo' | 'forbid';
  /** Default 10000 exchanges kept in memory (at most MAX_JOURNAL_LIMIT). */
  journalLimit?: number;
  /** Bound on the counted bytes of exchanges kept in memory; default 256 MiB. Oldest dropped first. */
  journalMaxBytes?: number;
  /** Append-only JSONL, one line per exchange once it is answered or aborted. */
  journalFile?: string;
  /** Default 1 MiB; larger bodies get 413. */
  maxBodyBytes?: number;
  basicAuth?: { username: string; password: string };
  /** Check `Authorization: WCS <hex HMAC-MD5 of the raw body>`; a mismatch gets 403. */
  signingSecret?: string;
  /** Cut off clients that send headers too slowly. Default 10000. */
  headersTimeoutMs?: number;
  /** Cut off clients that take too long to send the whole request. Default 30000. */
  requestTimeoutMs?: number;
  /** How long an idle keep-alive connection stays open. Default 65000 (WCS reuses one connection). */
  keepAliveTimeoutMs?: number;
  /**
   * Web page origins allowed besides loopback ones (`https://app.example.com`). A request from any other
   * page gets no CORS headers, and a hook posted by it is refused (WCS itself sends no Origin).
   */
  allowOrigins?: readonly string[];
}

/** Requests refused before they became hooks, by reason (each also announced as a warning, rate-limited). */
export interface RefusedCounts {
  /** A `Host` that is not a loopback name while bound to loopback (DNS rebinding): 421. */
  host: number;
  /** A browser page whose origin is not allowed: 403. */
  origin: number;
}

export interface ListenAddress {
  readonly host: string;
  readonly port: number;
  readonly url: string;
}

export const DEFAULT_PORT = 9091;
export const DEFAULT_HOLD_TIMEOUT_MS = 12_000;
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

const EMPTY = Buffer.alloc(0);


/** CORS for an allowed page: its own origin (never `*`), a fixed list of headers (never reflected). */
function corsHeaders(origin: string): string[] {
  return [
    'Access-Control-Allow-Origin', origin,
    'Vary', 'Origin',
    'Access-Control-Allow-Methods', 'POST, OPTIONS',
    'Access-Control-Allow-Headers', 'Authorization, Content-Type, Accept',
    'Access-Control-Max-Age', '86400',
  ];
}

interface Pending {
  readonly ex: ExchangeRecord;
  readonly res: ServerResponse;
  readonly raw: Buffer;
  timer?: NodeJS.Timeout;
}

function int(name: string, v: number | undefined, def: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (v === undefined) return def;
  if (!Number.isInteger(v) || v < min || v > max) throw new RangeError(`${name} must be an integer from ${min} to ${max}, got ${v}`);
  return v;
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
  private readonly opts: {
    host: string;
    port: number;
    holdTimeoutMs: number;
    fallback: 'echo' | 'forbid';
    maxBodyBytes: number;
  };
  private rules: RulesFile | undefined;
  private currentPolicy: Policy;
  private readonly basicAuth?: { username: string; password: string };
  private readonly secret?: string;
  private readonly allowOrigins: readonly string[];
  /** Bound to loopback: then a request must also name this machine by a loopback Host. */
  private readonly checkHost: boolean;
  private readonly refusedCounts: RefusedCounts = { host: 0, origin: 0 };
  /** The CORS headers decided for a hook's response when its request arrived (allowed pages only). */
  private readonly corsFor = new WeakMap<ServerResponse, string[]>();
  private readonly writer?: JournalWriter;
  private readonly journalFile?: string;
  private nextId = 1;
  private address?: ListenAddress;
  private closing?: Promise<void>;
  /** True from the first moment of close(): answers then say `Connection: close`, new hooks get the fallback. */
  private stopping = false;

  constructor(options: HookServerOptions = {}) {
    super();
    const policy = options.policy ?? 'hold-blockable';
    if (!POLICIES.includes(policy)) throw new RangeError(`policy must be one of ${POLICIES.join(', ')}, got ${String(policy)}`);
    const fallback = options.fallback ?? 'echo';
    if (fallback !== 'echo' && fallback !== 'forbid') throw new RangeError(`fallback must be echo or forbid, got ${String(fallback)}`);
    this.opts = {
      host: options.host ?? '127.0.0.1',
      port: int('port', options.port, DEFAULT_PORT, 0, 65535),
      holdTimeoutMs: int('holdTimeoutMs', options.holdTimeoutMs, DEFAULT_HOLD_TIMEOUT_MS, 0, 2 ** 31 - 1),
      fallback,
      maxBodyBytes: int('maxBodyBytes', options.maxBodyBytes, DEFAULT_MAX_BODY_BYTES, 0),
    };
    const headersTimeout = int('headersTimeoutMs', options.headersTimeoutMs, 10_000, 1);
    const requestTimeout = int('requestTimeoutMs', options.requestTimeoutMs, Math.max(30_000, headersTimeout), 1);
    if (headersTimeout > requestTimeout) throw new RangeError('headersTimeoutMs must not exceed requestTimeoutMs');
    this.currentPolicy = policy;
    this.rules = options.rules;
    this.basicAuth = options.basicAuth;
    this.secret = options.signingSecret;
    this.allowOrigins = (options.allowOrigins ?? []).map((o) => {
      const n = normalizeOrigin(o);
      if (n === undefined) throw new RangeError(`allowOrigins: '${o}' is not an origin like https://app.example.com`);
      return n;
    });
    this.checkHost = isLoopback(this.opts.host);
    this.journal = new Journal(
      int('journalLimit', options.journalLimit, DEFAULT_JOURNAL_LIMIT, 1, MAX_JOURNAL_LIMIT),
      int('journalMaxBytes', options.journalMaxBytes, DEFAULT_JOURNAL_MAX_BYTES, EXCHANGE_OVERHEAD_BYTES),
    );
    this.journalFile = options.journalFile;
    if (options.journalFile) this.writer = new JournalWriter(options.journalFile, (m) => this.emit('warning', m));

    this.server = http.createServer(
      {
        headersTimeout,
        requestTimeout,
        keepAliveTimeout: int('keepAliveTimeoutMs', options.keepAliveTimeoutMs, 65_000, 0),
        // The check for the two timeouts above runs at this interval; Node's default (30 s) would let a
        // stuck client sit far longer than configured.
        connectionsCheckingInterval: Math.min(1000, headersTimeout),
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
    if (!POLICIES.includes(policy)) throw new RangeError(`policy must be one of ${POLICIES.join(', ')}, got ${String(policy)}`);
    this.currentPolicy = policy;
  }

  /** Requests refused before they became hooks (wrong Host, disallowed page origin). */
  get refused(): Readonly<RefusedCounts> {
    return { ...this.refusedCounts };
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
        const where = `${host}:${port}`;
        const why =
          err.code === 'EADDRINUSE'
            ? `port ${port} on ${host} is already in use (another wcs-hook-mock? pick another with --port, or 0 for a free one)`
            : err.code === 'EACCES'
              ? `permission denied to listen on ${where} (ports below 1024 need privileges)`
              : err.code === 'EADDRNOTAVAIL'
                ? `address ${host} is not an address of this machine`
                : err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN'
                  ? `cannot resolve host ${host}`
                  : `cannot listen on ${where}: ${err.message}`;
        const e = new Error(why) as NodeJS.ErrnoException;
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
    if (this.checkHost && !isLoopbackHostHeader(req.headers.host)) {
      // DNS rebinding: a page on evil.example whose name now resolves to 127.0.0.1 reaches us with its own
      // name as Host. Bound to loopback, only loopback names are ours.
      this.refuse(req, res, 421, 'host', `Host ${JSON.stringify(req.headers.host ?? '')} is not a loopback name (bound to ${this.opts.host})`);
      return;
    }
    const origin = req.headers.origin;
    const allowed = origin !== undefined && originAllowed(origin, this.allowOrigins);
    const cors = allowed ? corsHeaders(origin) : [];
    if (req.method !== 'POST') {
      if (req.method === 'OPTIONS') {
        // CORS preflight: the in-browser WCS mock posts hooks from a page on another origin (loopback by
        // default). Chrome's private-network opt-in only for a page allowed by name.
        if (allowed && req.headers['access-control-request-private-network'] === 'true') {
          cors.push('Access-Control-Allow-Private-Network', 'true');
        }
        res.writeHead(allowed || origin === undefined ? 204 : 403, cors);
        res.end();
        req.resume();
      } else {
        const body = `{"error":"method not allowed: hooks are POST requests"}`;
        res.writeHead(405, [
          'Allow', 'POST, OPTIONS', 'Content-Type', 'application/json', 'Content-Length', String(body.length), ...cors,
        ]);
        res.end(body);
        req.resume();
      }
      return;
    }
    if (origin !== undefined && !allowed) {
      // WCS sends no Origin; a browser always does. A page the developer merely visits must not post hooks.
      this.refuse(req, res, 403, 'origin', `a web page on ${JSON.stringify(origin)} is not an allowed origin (see --allow-origin)`);
      return;
    }
    if (cors.length) this.corsFor.set(res, cors);
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

  /** A request that is not let in at all: answered, counted, announced (the first and then every 100th). */
  private refuse(req: IncomingMessage, res: ServerResponse, status: number, kind: keyof RefusedCounts, why: string): void {
    const n = ++this.refusedCounts[kind];
    if (n === 1 || n % 100 === 0) this.emit('warning', `${status} for ${req.method ?? '?'} ${req.url ?? ''} from ${req.socket.remoteAddress ?? '?'}: ${why} (${n} so far)`);
    const body = JSON.stringify({ error: why });
    // Connection: close: nothing more from this client is wanted, and its body is not read.
    res.writeHead(status, ['Content-Type', 'application/json', 'Content-Length', String(Buffer.byteLength(body)), 'Connection', 'close']);
    res.end(body);
    req.resume();
  }

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
    let denied: string | undefined;
    if (this.basicAuth || this.secret) {
      const values = req.headersDistinct.authorization;
      if (this.basicAuth) denied = checkBasic(values, this.basicAuth.username, this.basicAuth.password);
      if (!denied && this.secret) denied = checkSignature(values, raw, this.secret);
    }
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
    const cors = this.corsFor.get(res);
    if (cors) headers.push(...cors);
    if (close) headers.push('Connection', 'close');
    res.writeHead(wire.status, headers);
    res.end(wire.body);
    this.writer?.write(ex);
  }
}

export function createHookServer(options?: HookServerOptions): HookServer {
  return new HookServer(options);
}
