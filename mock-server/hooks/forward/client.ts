/**
 * Sends hooks on to the backend: node:http with a keep-alive Agent per scheme (WCS keeps one connection
 * open, and so do we, with a bounded number of sockets per target), not fetch, which refuses some ports and
 * may re-encode what it receives. The answer comes back as the exact bytes, or as a failure with its kind.
 */
import http from 'node:http';
import https from 'node:https';
import type { ForwardFailureKind } from './leg';

/** Sockets per backend host:port; more concurrent hooks queue in the agent. */
export const DEFAULT_FORWARD_SOCKETS = 16;

export type BackendResult =
  | {
      readonly ok: true;
      readonly status: number;
      readonly statusText: string;
      readonly rawHeaders: readonly string[];
      readonly contentType: string | undefined;
      readonly body: Buffer;
      readonly latencyMs: number;
    }
  | { readonly ok: false; readonly kind: ForwardFailureKind; readonly message: string; readonly latencyMs: number };

export interface SentRequest {
  readonly done: Promise<BackendResult>;
  /** Stops waiting: the request is destroyed and `done` settles with a timeout failure. */
  cancel(why: string): void;
}

/** The kind of a transport error, as the exchange and its log line name it. */
export function failureKind(err: NodeJS.ErrnoException): ForwardFailureKind {
  const code = err.code ?? '';
  if (code === 'ECONNREFUSED') return 'refused';
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'ECONNABORTED') return 'reset';
  if (code.startsWith('HPE_')) return 'bad-response';
  if (code === 'ETIMEDOUT') return 'timeout';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return 'unreachable';
  return 'error';
}

function describe(kind: ForwardFailureKind, err: NodeJS.ErrnoException, url: URL): string {
  const where = url.host;
  switch (kind) {
    case 'refused':
      return `connection refused by ${where} (is the backend running?)`;
    case 'reset':
      return `the backend at ${where} closed the connection before answering`;
    case 'bad-response':
      return `the backend at ${where} sent something that is not an HTTP answer (${err.code}: ${err.message})`;
    case 'unreachable':
      return `cannot reach ${where} (${err.code})`;
    default:
      return `${err.code ?? 'error'}: ${err.message}`;
  }
}

export class ForwardClient {
  private readonly agents: { http?: http.Agent; https?: https.Agent } = {};

  constructor(
    private readonly maxSockets = DEFAULT_FORWARD_SOCKETS,
    /** Larger answers are not passed on: a failure of kind `too-large` (the fallback answers WCS). */
    private readonly maxBodyBytes = 1024 * 1024,
  ) {}

  private agent(secure: boolean): http.Agent {
    if (secure) return (this.agents.https ??= new https.Agent({ keepAlive: true, maxSockets: this.maxSockets }));
    return (this.agents.http ??= new http.Agent({ keepAlive: true, maxSockets: this.maxSockets }));
  }

  /** POSTs `body` to `url` with exactly these headers (rawHeaders shape); gives up after `timeoutMs`. */
  send(url: string, rawHeaders: readonly string[], body: Buffer, timeoutMs: number): SentRequest {
    const started = Date.now();
    const target = new URL(url);
    const secure = target.protocol === 'https:';
    let settle!: (r: BackendResult) => void;
    const done = new Promise<BackendResult>((resolve) => (settle = resolve));
    let finished = false;
    const fail = (kind: ForwardFailureKind, message: string) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      settle({ ok: false, kind, message, latencyMs: Date.now() - started });
    };
    const req = (secure ? https : http).request(target, {
      method: 'POST',
      agent: this.agent(secure),
      headers: rawHeaders as string[],
    });
    const timer = setTimeout(() => {
      fail('timeout', `no answer from ${target.host} within ${timeoutMs} ms`);
      req.destroy();
    }, Math.max(1, timeoutMs));
    timer.unref();
    req.on('error', (err: NodeJS.ErrnoException) => {
      const kind = failureKind(err);
      fail(kind, describe(kind, err, target));
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        if (finished) return;
        size += c.length;
        if (size > this.maxBodyBytes) {
          fail('too-large', `the backend's answer is over the ${this.maxBodyBytes}-byte limit`);
          res.destroy();
          return;
        }
        chunks.push(c);
      });
      res.on('error', (err: NodeJS.ErrnoException) => {
        const kind = failureKind(err);
        fail(kind === 'error' ? 'reset' : kind, describe(kind === 'error' ? 'reset' : kind, err, target));
      });
      res.on('close', () => {
        if (!res.complete) fail('reset', `the backend at ${target.host} closed the connection in the middle of its answer`);
      });
      res.on('end', () => {
        if (finished) return;
        finished = true;
        clearTimeout(timer);
        const ct = res.headers['content-type'];
        settle({
          ok: true,
          status: res.statusCode ?? 0,
          statusText: res.statusMessage ?? '',
          rawHeaders: res.rawHeaders,
          contentType: typeof ct === 'string' ? ct : undefined,
          body: Buffer.concat(chunks, size),
          latencyMs: Date.now() - started,
        });
      });
    });
    req.end(body);
    return {
      done,
      cancel: (why) => {
        fail('timeout', why);
        req.destroy();
      },
    };
  }

  /** Closes the pooled connections (at server shutdown). */
  close(): void {
    this.agents.http?.destroy();
    this.agents.https?.destroy();
  }
}
