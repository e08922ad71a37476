/**
 * A small backend of our own for forward-mode tests: records every request it gets (headers and exact
 * bytes) and answers with whatever the test sets, or misbehaves on purpose (reset, garbage, silence).
 */
import http from 'node:http';
import net from 'node:net';

export interface Got {
  readonly url: string;
  readonly rawHeaders: readonly string[];
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
}

export type Behaviour =
  | { readonly kind: 'answer'; readonly status: number; readonly headers?: Record<string, string>; readonly body: string | Buffer }
  | { readonly kind: 'echo'; readonly contentType?: string }
  | { readonly kind: 'reset' }
  | { readonly kind: 'garbage' }
  | { readonly kind: 'silent' };

export interface TestBackend {
  readonly url: string;
  readonly got: Got[];
  behave(b: Behaviour | ((got: Got) => Behaviour)): void;
  close(): Promise<void>;
}

export async function startBackend(): Promise<TestBackend> {
  const got: Got[] = [];
  let behaviour: Behaviour | ((g: Got) => Behaviour) = { kind: 'echo' };
  const sockets = new Set<net.Socket>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const g: Got = { url: req.url ?? '', rawHeaders: req.rawHeaders, headers: req.headers, body: Buffer.concat(chunks) };
      got.push(g);
      const b = typeof behaviour === 'function' ? behaviour(g) : behaviour;
      if (b.kind === 'echo') {
        res.writeHead(200, { 'Content-Type': b.contentType ?? 'application/json' });
        res.end(g.body);
      } else if (b.kind === 'answer') {
        res.writeHead(b.status, b.headers ?? {});
        res.end(b.body);
      } else if (b.kind === 'reset') {
        req.socket.resetAndDestroy();
      } else if (b.kind === 'garbage') {
        req.socket.end('this is not HTTP\r\n\r\n');
      }
      // silent: never answers (the test's hold timeout does)
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/wcs`,
    got,
    behave: (b) => (behaviour = b),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

export { deadPort as closedPort } from '../../support/net';
