/**
 * The REST API (rest/) on a Node HTTP port: a request handler anyone can mount, and `startRestServer`, which
 * `wcs --rest-port` uses (WCS serves it on 8081, beside the WebSocket port).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { isLoopback } from '../util';
import { MAX_REST_BODY_BYTES, createWcsRestApi, type HasSurface, type WcsRestApi, type WcsRestApiOptions } from './rest';

export const DEFAULT_REST_PORT = 8081;

/**
 * A Node `http` request handler for the API. When `loopbackHost` is set, requests whose Host header names
 * another machine are refused (403): a web page that rebinds its own name to 127.0.0.1 must not reach it.
 */
export function restRequestHandler(api: WcsRestApi, opts: { loopbackHost?: boolean } = {}): (req: http.IncomingMessage, res: http.ServerResponse) => void {
  return (req, res) => {
    const send = (status: number, headers: Record<string, string>, body: string) => {
      if (res.headersSent) return;
      res.writeHead(status, { ...headers, 'Content-Length': String(Buffer.byteLength(body)) });
      res.end(body);
    };
    const host = (req.headers.host ?? '').replace(/:\d+$/, '');
    if (opts.loopbackHost && host !== '' && !isLoopback(host)) {
      send(403, { 'Content-Type': 'text/plain;charset=UTF-8' }, 'Host must name this machine (localhost or 127.0.0.1)');
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_REST_BODY_BYTES) {
        over = true;
        return;
      }
      chunks.push(c);
    });
    req.on('error', () => res.destroy());
    req.on('end', () => {
      if (over) {
        send(413, { 'Content-Type': 'text/plain;charset=UTF-8', Connection: 'close' }, `body is over the limit of ${MAX_REST_BODY_BYTES} bytes`);
        return;
      }
      api.handle({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') }).then(
        (r) => send(r.status, { ...r.headers }, r.body),
        (err: unknown) => send(500, { 'Content-Type': 'text/plain;charset=UTF-8' }, `internal error: ${err instanceof Error ? err.message : String(err)}`),
      );
    });
  };
}

export interface StartRestServerOptions extends WcsRestApiOptions {
  engine: HasSurface;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 8081; 0 picks a free port. */
  port?: number;
}

export interface RestServer {
  /** http://host:port/rest-api — what a backend's WCS REST client takes as its base URL. */
  readonly url: string;
  /** http://host:port — the base of both APIs, what WcsMockClient and `ctl --server` take. */
  readonly origin: string;
  readonly host: string;
  readonly port: number;
  readonly api: WcsRestApi;
  close(): Promise<void>;
}

export async function startRestServer(options: StartRestServerOptions): Promise<RestServer> {
  const { engine, host = '127.0.0.1', port = DEFAULT_REST_PORT, ...apiOptions } = options;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`REST port must be an integer from 0 to 65535, got ${port}`);
  const api = createWcsRestApi(engine, apiOptions);
  const server = http.createServer(restRequestHandler(api, { loopbackHost: isLoopback(host) }));
  // A slow or stalled client must not hold a socket forever.
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    api.close();
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new Error(`cannot listen on ${host}:${port} for the REST API: the port is in use (--rest-port 0 picks a free one)`);
    throw new Error(`cannot listen on ${host}:${port} for the REST API: ${(err as Error).message}`);
  }
  server.on('error', () => undefined);
  const addr = server.address() as AddressInfo;
  const shownHost = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  const origin = `http://${shownHost}:${addr.port}`;
  let closing: Promise<void> | undefined;
  return {
    url: `${origin}/rest-api`,
    origin,
    host: addr.address,
    port: addr.port,
    api,
    close() {
      closing ??= new Promise<void>((resolve) => {
        api.close();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
