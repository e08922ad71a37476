/** A WCS-like client for the UI test: POSTs a hook and waits however long the developer takes to answer. */
import http from 'node:http';
import { connect } from 'node:net';

export interface HookResponse {
  status: number;
  body: string;
}

export function postHook(port: number, path: string, body: string): Promise<HookResponse> {
  return new Promise((res, rej) => {
    const req = http.request(
      { host: '127.0.0.1', port, path, method: 'POST', headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } },
      (r) => {
        let text = '';
        r.setEncoding('utf8');
        r.on('data', (d) => (text += d));
        r.on('end', () => res({ status: r.statusCode ?? 0, body: text }));
        r.on('error', rej);
      },
    );
    req.on('error', rej);
    req.end(body);
  });
}

/** Resolves once something accepts TCP connections on 127.0.0.1:port (the extension's server is up). */
export async function waitForListener(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((res) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => (s.destroy(), res(true)));
      s.once('error', () => res(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on 127.0.0.1:${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
