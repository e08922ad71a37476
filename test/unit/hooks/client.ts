/**
 * A minimal HTTP client for the hook server tests: raw bytes in and out, a keep-alive agent (WCS reuses one
 * connection), and the socket each request went over so tests can assert connection reuse.
 */
import http from 'node:http';
import type { Socket } from 'node:net';
import { createHookServer, type HookServer, type HookServerOptions } from '../../../mock-server/hooks/server';
import type { Exchange, HookServerEvents } from '../../../mock-server/hooks/types';

export interface Reply {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
  readonly text: string;
  readonly socket: Socket;
}

export interface PostOptions {
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly agent?: http.Agent;
  /** Called with the request as soon as it is sent (to abort it later). */
  readonly onRequest?: (req: http.ClientRequest) => void;
}

export function post(url: string, path: string, body: string | Buffer | undefined, opts: PostOptions = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const u = new URL(path, url);
    const req = http.request(
      {
        host: u.hostname,
        port: u.port,
        path: u.pathname + u.search,
        method: opts.method ?? 'POST',
        // No agent: a fresh connection, so a test never inherits a socket the global agent kept alive.
        agent: opts.agent ?? false,
        headers: { 'Content-Type': 'application/json;charset=UTF-8', ...opts.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const b = Buffer.concat(chunks);
          resolve({ status: res.statusCode!, headers: res.headers, body: b, text: b.toString('utf8'), socket });
        });
        res.on('error', reject);
      },
    );
    // Captured on assignment: after the response ends a kept-alive socket is detached from it.
    let socket!: Socket;
    req.on('socket', (s) => (socket = s));
    req.on('error', reject);
    opts.onRequest?.(req);
    req.end(body);
  });
}

export async function started(options: HookServerOptions = {}): Promise<{ server: HookServer; url: string; agent: http.Agent }> {
  const server = createHookServer({ host: '127.0.0.1', port: 0, ...options });
  const { url } = await server.listen();
  return { server, url, agent: new http.Agent({ keepAlive: true, maxSockets: 1 }) };
}

/** Resolves with the next event of that kind (filtered). */
export function next<K extends keyof HookServerEvents>(
  server: HookServer,
  event: K,
  filter: (...args: HookServerEvents[K]) => boolean = () => true,
): Promise<HookServerEvents[K]> {
  return new Promise((resolve) => {
    const sub = server.on(event, (...args: HookServerEvents[K]) => {
      if (!filter(...args)) return;
      sub.dispose();
      resolve(args);
    });
  });
}

/** Posts a hook that the server will hold and resolves once it is held (with the pending reply). */
export async function postHeld(
  server: HookServer,
  url: string,
  path: string,
  body: string,
  opts: PostOptions = {},
): Promise<{ ex: Exchange; reply: Promise<Reply> }> {
  const held = next(server, 'received', (ex) => ex.state === 'pending');
  const reply = post(url, path, body, opts);
  reply.catch(() => undefined);
  const [ex] = await held;
  return { ex, reply };
}
