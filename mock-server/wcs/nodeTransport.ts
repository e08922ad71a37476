/**
 * Hooks from the engine in Node: over a keep-alive connection pool per backend, as WCS reuses its
 * connections, instead of `fetch`. Node only (undici); the Node entry (index.ts) makes it the default, the
 * browser bundle never imports it.
 *
 * Why undici's Pool and its low-level `dispatch`: measured sending the same hook to a bare node:http echo
 * with 50 in flight (docs/benchmarks.md), `fetch` cost about 1 ms of CPU per hook (Request/Response objects,
 * web streams, an AbortSignal each), node:http with a keep-alive Agent about 77 µs, undici's Pool 50–57 µs.
 * `dispatch` also hands over the server's reason phrase, which WCS shows the client and `request()` drops.
 */
import type { Pool } from 'undici';
import type { HookTransport, TransportRequest, TransportResult } from './backend';

type Undici = typeof import('undici');
let undici: Undici | undefined;
let loading: Promise<Undici> | undefined;
/**
 * undici is loaded on the first hook, not when the package is imported: loading it takes a second or more on
 * a busy machine, which every CLI command and every `import 'wcs-hook-mock'` would otherwise pay.
 */
function loadUndici(): Promise<Undici> {
  return (loading ??= import('undici').then((m) => (undici = m)));
}

/**
 * Connections kept open per backend (origin). Hooks beyond it wait for a free connection, as in a pooled
 * HTTP client. WCS's own pool size is not documented (inferred: WCS reuses connections); 64 keeps a load
 * test of 50 concurrent sessions from queueing.
 */
export const HOOK_CONNECTIONS_PER_BACKEND = 64;

export interface PooledTransportOptions {
  /** Default HOOK_CONNECTIONS_PER_BACKEND. */
  connections?: number;
}

export interface PooledHookTransport extends HookTransport {
  /** Open and busy connections per origin, for tests and the bench. */
  stats(): Record<string, { connected: number; running: number; pending: number }>;
  /** Closes every pool (requests in flight finish first). */
  close(): Promise<void>;
}

type Settle = (r: TransportResult) => void;

/**
 * One hook in flight: the dispatch handler and its state in one object, so a hook costs no closures
 * beyond the promise's.
 */
class HookExchange {
  status = 0;
  statusText = '';
  headers: Record<string, string> = {};
  chunks: Buffer[] = [];
  controller: { abort(reason: Error): void } | undefined;
  timer: NodeJS.Timeout | undefined;
  unregister: (() => void) | undefined;
  settled = false;

  constructor(private readonly settle: Settle) {}

  finish(r: TransportResult): void {
    if (this.settled) return;
    this.settled = true;
    if (this.timer) clearTimeout(this.timer);
    this.unregister?.();
    this.settle(r);
  }

  /** A deadline or the engine closing: answer now, and drop the request wherever it is. */
  cancel(failure: 'timeout' | 'aborted'): void {
    if (this.settled) return;
    this.finish({ failure });
    this.controller?.abort(new Error(failure));
  }

  onRequestStart(controller: { abort(reason: Error): void }): void {
    this.controller = controller;
    if (this.settled) controller.abort(new Error('cancelled'));
  }

  onResponseStart(_c: unknown, statusCode: number, headers: Record<string, string | string[] | undefined>, statusMessage?: string): void {
    // 1xx interim answers are followed by the real one.
    if (statusCode < 200) return;
    this.status = statusCode;
    this.statusText = statusMessage ?? '';
    const out: Record<string, string> = {};
    for (const k in headers) {
      const v = headers[k];
      if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
    }
    this.headers = out;
  }

  onResponseData(_c: unknown, chunk: Buffer): void {
    this.chunks.push(chunk);
  }

  onResponseEnd(): void {
    const c = this.chunks;
    const body = c.length === 0 ? '' : c.length === 1 ? c[0]!.toString('utf8') : Buffer.concat(c).toString('utf8');
    this.finish({ status: this.status, statusText: this.statusText, headers: this.headers, body });
  }

  onResponseError(_c: unknown, err: Error): void {
    const e = err as { code?: string; message?: string };
    this.finish({ failure: 'unreachable', detail: e.code ? `${e.code}${e.message && !e.message.includes(e.code) ? ` (${e.message})` : ''}` : e.message });
  }
}

/** `http://host:port/path` → origin and path, without a URL object per hook. */
function splitUrl(url: string): { origin: string; path: string } {
  const scheme = url.indexOf('://');
  const slash = scheme < 0 ? -1 : url.indexOf('/', scheme + 3);
  return slash < 0 ? { origin: url, path: '/' } : { origin: url.slice(0, slash), path: url.slice(slash) };
}

export function pooledHookTransport(opts: PooledTransportOptions = {}): PooledHookTransport {
  const connections = opts.connections ?? HOOK_CONNECTIONS_PER_BACKEND;
  const pools = new Map<string, Pool>();
  const poolFor = (origin: string): Pool => {
    let pool = pools.get(origin);
    if (!pool) {
      // Our own deadline covers the whole answer (as WCS's read timeout does); undici's own timers are off.
      pool = new undici!.Pool(origin, { connections, pipelining: 1, headersTimeout: 0, bodyTimeout: 0 });
      pools.set(origin, pool);
    }
    return pool;
  };
  const send = (req: TransportRequest): Promise<TransportResult> =>
    new Promise<TransportResult>((resolve) => {
      const ex = new HookExchange(resolve);
      let target: { origin: string; path: string };
      let pool: Pool;
      try {
        target = splitUrl(req.url);
        pool = poolFor(target.origin);
      } catch (err) {
        // An origin undici cannot use (not http/https): no connection to make.
        ex.finish({ failure: 'unreachable', detail: (err as Error).message });
        return;
      }
      if (req.timeoutMs > 0) ex.timer = setTimeout(() => ex.cancel('timeout'), req.timeoutMs);
      ex.unregister = req.register?.(() => ex.cancel('aborted'));
      pool.dispatch({ origin: target.origin, path: target.path, method: 'POST', headers: req.headers, body: req.body }, ex);
    });
  return {
    post(req: TransportRequest): Promise<TransportResult> {
      if (!undici) return loadUndici().then(() => send(req));
      return send(req);
    },
    stats() {
      const out: Record<string, { connected: number; running: number; pending: number }> = {};
      for (const [origin, p] of pools) out[origin] = { connected: p.stats.connected, running: p.stats.running, pending: p.stats.pending };
      return out;
    },
    async close() {
      const all = [...pools.values()];
      pools.clear();
      await Promise.all(all.map((p) => p.close()));
    },
  };
}
