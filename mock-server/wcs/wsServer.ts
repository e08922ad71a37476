/**
 * Real-network transport: a WebSocket server an app can point `urlServer` at (ws://127.0.0.1:8080 by
 * default, WCS's own ws port), each connection handed to the WCS engine.
 */
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { WcsEngine, type WcsEngineOptions } from './engine';
import { isLoopback, normalizeOrigin, originAllowed, terminalSafe } from '../util';
import { frameText, type AcceptingEngine } from './transport';

export const DEFAULT_WCS_WS_PORT = 8080;

/** WebSDK frames are JSON with SDP inside; 16 MiB leaves room for pushLogs and bug reports without inviting abuse. */
const MAX_FRAME_BYTES = 16 * 1024 * 1024;

interface Listen {
  /** Default 127.0.0.1. Anything that is not loopback is reachable from the network and is warned about. */
  host?: string;
  /** Default 8080; 0 picks a free port. */
  port?: number;
  /** Where warnings go. Default console.warn. */
  warn?: (line: string) => void;
  /**
   * Web page origins allowed to connect besides loopback pages. A browser always sends `Origin` with a
   * WebSocket upgrade, so a page the developer merely visits cannot drive the mock; clients that send none
   * (Node, tools, WCS-side scripts) are accepted.
   */
  allowOrigins?: readonly string[];
}

export type StartWcsServerOptions = Listen & (WcsEngineOptions | { engine: AcceptingEngine });

export interface WcsServer<E extends AcceptingEngine = WcsEngine> {
  /** ws://host:port — what the app passes as `urlServer`. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly engine: E;
  /** Closes every client connection, the listener and (if this server created it) the engine. */
  close(): Promise<void>;
}

/** The line to print before listening on `host`, or undefined when only this machine can connect. */
export function listenWarning(host: string): string | undefined {
  if (isLoopback(host)) return undefined;
  return (
    `WARNING: the WCS mock listens on ${host}, which other machines can reach. It has no authentication ` +
    'and fires hooks at your backend for anyone who connects. Use --host 127.0.0.1 unless you mean it.'
  );
}

export function startWcsServer(options: Listen & WcsEngineOptions): Promise<WcsServer<WcsEngine>>;
export function startWcsServer<E extends AcceptingEngine>(options: Listen & { engine: E }): Promise<WcsServer<E>>;
export async function startWcsServer(options: StartWcsServerOptions): Promise<WcsServer<AcceptingEngine>> {
  const { host = '127.0.0.1', port = DEFAULT_WCS_WS_PORT, warn = (l: string) => console.warn(l) } = options;
  const allowOrigins = (options.allowOrigins ?? []).map((o) => {
    const n = normalizeOrigin(o);
    if (n === undefined) throw new RangeError(`allowOrigins: '${o}' is not an origin like https://app.example.com`);
    return n;
  });
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`port must be an integer from 0 to 65535, got ${port}`);
  const shared = 'engine' in options && options.engine !== undefined;
  const engineOptions = shared ? undefined : (({ host: _h, port: _p, warn: _w, allowOrigins: _a, ...rest }) => rest)(options as Listen & WcsEngineOptions);
  // Validate the engine options before binding a port; the real engine is made once the port is known.
  if (engineOptions) await new WcsEngine(engineOptions).close();

  let refusedOrigins = 0;
  const wss = new WebSocketServer({
    host,
    port,
    maxPayload: MAX_FRAME_BYTES,
    perMessageDeflate: false,
    verifyClient: (info, done) => {
      const origin = info.req.headers.origin;
      if (origin === undefined || originAllowed(origin, allowOrigins)) return done(true);
      // The first refusal and then every 100th: a page retrying in a loop must not flood the terminal.
      if (++refusedOrigins === 1 || refusedOrigins % 100 === 0) {
        warn(terminalSafe(`refused a WebSocket from the web page ${JSON.stringify(origin)} (${refusedOrigins} so far); allow it with --allow-origin`));
      }
      done(false, 403, 'Origin not allowed');
    },
  });
  try {
    await new Promise<void>((resolve, reject) => {
      wss.once('listening', resolve);
      wss.once('error', reject);
    });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new Error(`cannot listen on ${host}:${port}: the port is in use`);
    if (code === 'EADDRNOTAVAIL') throw new Error(`cannot listen on ${host}:${port}: no such local address`);
    throw new Error(`cannot listen on ${host}:${port}: ${(err as Error).message}`);
  }
  const addr = wss.address() as AddressInfo;
  const shownHost = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  // Session ids carry the server's address the way WCS's do (client address / server address).
  const engine: AcceptingEngine = engineOptions
    ? new WcsEngine({ serverAddress: `${shownHost}:${addr.port}`, ...engineOptions })
    : (options as { engine: AcceptingEngine }).engine;

  // After listening, a server error must not become an unhandled 'error' event that kills the process.
  wss.on('error', (err) => warn(`WCS mock server error: ${err.message}`));
  const warning = listenWarning(host);
  if (warning) warn(warning);

  wss.on('connection', (ws: WebSocket, req) => {
    const link = engine.accept(
      {
        send(text: string) {
          if (ws.readyState !== ws.OPEN) return;
          ws.send(text, (err) => {
            // A failed write means the peer is gone; the 'close' event reports that to the engine.
            if (err) ws.terminate();
          });
        },
        close(code?: number, reason?: string) {
          try {
            ws.close(code ?? 1000, reason);
          } catch {
            // ws rejects codes a server may not send (1005, 1006, out of range); the client still must go.
            ws.close(1000);
          }
        },
      },
      { origin: req.headers.origin, remoteAddress: req.socket.remoteAddress },
    );
    let ended = false;
    ws.on('message', (data, isBinary) => {
      const text = frameText(isBinary ? data : data.toString('utf8'));
      if (typeof text === 'string') link.receive(text);
    });
    // An oversized frame or a protocol violation: ws closes the socket next, and 'close' tells the engine.
    ws.on('error', () => undefined);
    ws.on('close', () => {
      if (ended) return;
      ended = true;
      link.closed();
    });
  });

  let closing: Promise<void> | undefined;
  return {
    url: `ws://${shownHost}:${addr.port}`,
    host: addr.address,
    port: addr.port,
    engine,
    close() {
      closing ??= (async () => {
        const gone = [...wss.clients].map(
          (ws) =>
            new Promise<void>((resolve) => {
              if (ws.readyState === ws.CLOSED) return resolve();
              ws.once('close', () => resolve());
              ws.close(1001, 'WCS mock shutting down');
              // A client that never answers the close handshake must not hold shutdown hostage.
              setTimeout(() => {
                ws.terminate();
                resolve();
              }, 1000).unref();
            }),
        );
        await Promise.all(gone);
        await new Promise<void>((resolve) => wss.close(() => resolve()));
        if (!shared) await engine.close();
      })();
      return closing;
    },
  };
}
