/** Network helpers for tests: everything on 127.0.0.1. */
import net from 'node:net';

/** A port on 127.0.0.1 nothing listens on (bound, then released): a backend that is down. */
export async function deadPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as net.AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}
