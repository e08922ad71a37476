/** Network helpers for tests: everything on 127.0.0.1. */
import http from 'node:http';
import net from 'node:net';

/** A port on 127.0.0.1 nothing listens on (bound, then released): a backend that is down. */
export async function deadPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as net.AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** Hands a hook to a test: its method (the URL's last segment), its parsed body, and the raw text. */
export type HookHandler = (method: string, body: Record<string, unknown>, res: http.ServerResponse, req: http.IncomingMessage, raw: string) => void;

/** An HTTP backend on 127.0.0.1, port 0, whose hooks go to `handle`; `url` is its app URL (`…/app`). */
export async function hookBackend(handle: HookHandler): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c));
    req.on('end', () => handle((req.url ?? '').split('/').pop() ?? '', raw ? (JSON.parse(raw) as Record<string, unknown>) : {}, res, req, raw));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/app`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
