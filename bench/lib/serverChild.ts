/**
 * The IPC side of a benchmarked Node server: it reports its port when ready and its memory on request, and exits
 * cleanly on request (so that `--cpu-prof` writes its profile).
 */
import type { ServerMessage, ServerReply, ServerStats } from './protocol';

export function serveIpc(port: number, extra: () => Partial<ServerStats> = () => ({}), onExit?: () => Promise<void>): void {
  const send = (m: ServerReply): void => {
    process.send?.(m);
  };
  process.on('message', (msg: ServerMessage) => {
    if (msg.kind === 'stats') {
      // A forced GC (node --expose-gc) separates live memory from garbage not yet collected.
      if (msg.gc && typeof globalThis.gc === 'function') {
        globalThis.gc();
        globalThis.gc();
      }
      const m = process.memoryUsage();
      send({
        kind: 'stats',
        id: msg.id,
        stats: { rss: m.rss, heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers, ...extra() },
      });
    } else if (msg.kind === 'exit') {
      const done = (): never => process.exit(0);
      if (onExit) onExit().then(done, done);
      else done();
    }
  });
  // The orchestrator going away must not leave servers behind.
  process.on('disconnect', () => process.exit(0));
  send({ kind: 'ready', port });
}

export function failed(err: unknown): never {
  process.send?.({ kind: 'failed', message: err instanceof Error ? err.message : String(err) } satisfies ServerReply);
  process.exit(1);
}
