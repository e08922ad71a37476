/** mockttp (from .cache/bench-peers) answering every request with its own body, via `thenCallback`. */
import net from 'node:net';
import { createRequire } from 'node:module';
import path from 'node:path';
import { failed, serveIpc } from '../lib/serverChild';

// mockttp listens on every interface and has no host option; pin it to loopback like every other server here.
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (this: net.Server, ...args: unknown[]) {
  if (typeof args[0] === 'number' && typeof args[1] !== 'string') args.splice(1, 0, '127.0.0.1');
  return (listen as (...a: unknown[]) => net.Server).apply(this, args);
} as typeof listen;

interface MockttpLike {
  start(port?: number): Promise<void>;
  stop(): Promise<void>;
  port: number;
  forAnyRequest(): {
    thenCallback(cb: (req: { body: { buffer: Buffer } }) => unknown): Promise<unknown>;
  };
}

async function main(): Promise<void> {
  const peers = path.resolve(process.argv[2] ?? '.cache/bench-peers');
  const req = createRequire(path.join(peers, 'package.json'));
  const { getLocal } = req('mockttp') as { getLocal(opts?: object): MockttpLike };
  const server = getLocal();
  await server.start();
  // Headers given here replace mockttp's defaults, so the length must be among them: without it the response
  // would end only when the connection closes, and keep-alive clients would wait forever.
  await server.forAnyRequest().thenCallback((r) => ({
    statusCode: 200,
    headers: { 'content-type': 'application/json', 'content-length': String(r.body.buffer.length) },
    rawBody: r.body.buffer,
  }));
  serveIpc(server.port, undefined, () => server.stop());
}
main().catch(failed);
