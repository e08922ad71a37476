/**
 * Many simulated sessions held open at once: N WebSDK stand-ins connect and publish one stream each, then
 * stay idle while the engine sends every stream's StreamKeepAliveEvent periodically, as a busy WCS node
 * does. Prints one JSON line: memory per idle session (heap after a forced GC, client and engine side
 * together), and the keep-alive hooks sent and failed over the idle periods. Runs from a bundle with
 * `--expose-gc`. argv: app URL, sessions, keep-alive period in ms, periods to wait.
 */
import { ScriptedClient, WcsEngine } from '../mock-server/wcs';

const gc = (): void => {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) {
    g();
    g();
  }
};
const mem = () => {
  gc();
  const m = process.memoryUsage();
  return { heap: m.heapUsed, rss: m.rss, external: m.external };
};

async function main(): Promise<void> {
  const [url, n, period, periods] = process.argv.slice(2);
  const sessions = Number(n ?? 10_000);
  const keepAliveMs = Number(period ?? 5000);
  // logLimit 0: as a load run (ScenarioRun) keeps no log, so the figure is the sessions' own memory.
  const engine = new WcsEngine({ backend: { url: url! }, streamKeepAliveMs: keepAliveMs, hookTimeoutMs: 15_000, logLimit: 0 });
  const before = mem();
  const clients: ScriptedClient[] = [];
  const started = performance.now();
  let next = 0;
  // Opened 200 at a time: a node takes sessions as they come, not all in one tick.
  const opener = async () => {
    while (next < sessions) {
      const i = next++;
      const c = new ScriptedClient(engine, { origin: 'http://127.0.0.1', remoteAddress: '127.0.0.1', waitMs: 60_000 });
      clients.push(c);
      const r = await c.connect({ custom: { bench: 'idle' } });
      if (!r.established) throw new Error(`session ${i} refused: ${r.info}`);
      await c.publish(`idle-${i}`);
    }
  };
  await Promise.all(Array.from({ length: 200 }, opener));
  const openSeconds = (performance.now() - started) / 1000;
  const open = mem();
  const sentBefore = engine.stats.hooksSent;
  const errorsBefore = engine.stats.hookErrors;
  // A fixed window: keep-alive timers keep ticking, so the engine is never idle while the sessions live.
  const windowMs = keepAliveMs * Number(periods ?? 2);
  await new Promise((r) => setTimeout(r, windowMs));
  const after = mem();
  const live = engine.sessions().length;
  const out = {
    sessions,
    live,
    openSeconds,
    keepAliveMs,
    windowMs,
    /** Per stream and period one hook is due; fewer means the hooks could not keep up (or were skipped). */
    keepAliveDue: Math.floor(windowMs / keepAliveMs) * sessions,
    keepAliveHooks: engine.stats.hooksSent - sentBefore,
    keepAliveErrors: engine.stats.hookErrors - errorsBefore,
    heapPerSessionBytes: Math.round((open.heap - before.heap) / sessions),
    heapMB: { before: before.heap / 2 ** 20, open: open.heap / 2 ** 20, afterKeepAlives: after.heap / 2 ** 20 },
    rssMB: { before: before.rss / 2 ** 20, open: open.rss / 2 ** 20, afterKeepAlives: after.rss / 2 ** 20 },
  };
  for (const c of clients) c.disconnect();
  await engine.close({ abortHooks: true });
  process.stdout.write(JSON.stringify(out) + '\n');
  process.exit(0);
}
main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
