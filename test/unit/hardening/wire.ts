/** HTTP helpers for the hardening tests: a keep-alive client, and raw sockets for input no client would send. */
import http from 'node:http';
import net from 'node:net';

export interface RawReply {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
  /** The request went over a connection that an earlier request had used. */
  readonly reusedSocket: boolean;
}

/** One POST over `agent` (keep-alive when the agent keeps sockets). */
export function exchange(port: number, path: string, body: string, agent: http.Agent, headers: Record<string, string> = {}): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, path, method: 'POST', agent, headers: { 'content-type': 'application/json', ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), reusedSocket: req.reusedSocket }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

export interface ParsedResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/**
 * Splits raw bytes from a socket into HTTP/1.1 responses (Content-Length or chunked framing). Returns the
 * complete ones, how many bytes were left over, and whether something was not HTTP at all.
 */
export function parseResponses(data: Buffer): { responses: ParsedResponse[]; rest: number; garbage: boolean } {
  const responses: ParsedResponse[] = [];
  let at = 0;
  for (;;) {
    const end = data.indexOf('\r\n\r\n', at);
    if (end < 0) break;
    const head = data.subarray(at, end).toString('latin1').split('\r\n');
    const m = /^HTTP\/1\.[01] (\d{3})/.exec(head[0] ?? '');
    if (!m) return { responses, rest: data.length - at, garbage: true };
    const headers: Record<string, string> = {};
    for (const line of head.slice(1)) {
      const i = line.indexOf(':');
      headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
    }
    let body: Buffer;
    let next: number;
    if (/chunked/i.test(headers['transfer-encoding'] ?? '')) {
      const parts: Buffer[] = [];
      let p = end + 4;
      let complete = false;
      for (;;) {
        const eol = data.indexOf('\r\n', p);
        if (eol < 0) break;
        const size = parseInt(data.subarray(p, eol).toString('latin1'), 16);
        if (!Number.isFinite(size)) return { responses, rest: data.length - at, garbage: true };
        if (data.length < eol + 2 + size + 2) break;
        if (size === 0) {
          p = eol + 4;
          complete = true;
          break;
        }
        parts.push(data.subarray(eol + 2, eol + 2 + size));
        p = eol + 2 + size + 2;
      }
      if (!complete) break;
      body = Buffer.concat(parts);
      next = p;
    } else {
      const len = Number(headers['content-length'] ?? 0);
      if (data.length < end + 4 + len) break;
      body = data.subarray(end + 4, end + 4 + len);
      next = end + 4 + len;
    }
    responses.push({ status: Number(m[1]), headers, body });
    at = next;
  }
  return { responses, rest: data.length - at, garbage: false };
}

/**
 * Writes raw bytes (in the given pieces, one write each) and collects everything the server sends until it
 * closes the connection or `settleMs` pass with the expected number of responses in hand.
 */
export function rawExchange(
  port: number,
  pieces: readonly (Buffer | string)[],
  opts: { expect: number; endAfterWrite?: boolean; giveUpMs?: number },
): Promise<{ responses: ParsedResponse[]; closed: boolean; rest: number; garbage: boolean }> {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let closed = false;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(giveUp);
      sock.destroy();
      resolve({ ...parseResponses(Buffer.concat(chunks)), closed });
    };
    // A bound on the test, not an assertion: a hang shows up as fewer responses than expected.
    const giveUp = setTimeout(finish, opts.giveUpMs ?? 15_000);
    sock.on('data', (c: Buffer) => {
      chunks.push(c);
      if (parseResponses(Buffer.concat(chunks)).responses.length >= opts.expect && !opts.endAfterWrite) finish();
    });
    sock.on('error', () => undefined);
    sock.on('close', () => {
      closed = true;
      finish();
    });
    sock.on('connect', async () => {
      for (const p of pieces) {
        if (sock.destroyed) break;
        sock.write(p);
        // A separate TCP segment per piece, so the parser really sees the body arrive in parts.
        await new Promise((r) => setImmediate(r));
      }
      if (opts.endAfterWrite) sock.end();
    });
  });
}
