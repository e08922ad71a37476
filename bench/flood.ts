/**
 * The UI model under a hook flood, in its own process: a HookView attached to a source that emits
 * `received` + `answered` for synthetic exchanges at a fixed rate, with a stand-in for the tree view that
 * re-reads every node the model reports changed. Measures the event loop's delay while this runs (sampled by
 * a 1 ms timer, so about 1 ms is the floor of every figure).
 *
 * argv: rate (hooks/s), seconds. Prints one JSON line with the result.
 */
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { correlationKeys, lookupMethod, sampleBody } from '../mock-server/protocol';
import type { Exchange, HookServerEvents } from '../mock-server/hooks/types';
import { HookView, type ModelNode } from '../mock-server/view';
import { TypedEmitter } from '../mock-server/util/emitter';

class FakeServer extends TypedEmitter<HookServerEvents> {
  fire<K extends keyof HookServerEvents>(event: K, ...args: HookServerEvents[K]): void {
    this.emit(event, ...args);
  }
}

const STREAMS = 2000;
const SESSIONS = 500;

/** The body of hook n: mostly keep-alives of many streams, with the status events a busy node also sends. */
function makeBody(n: number): { method: string; body: Record<string, unknown>; rawBody: string } {
  const roll = n % 20;
  const method = roll === 0 ? 'StreamStatusEvent' : roll === 1 ? 'CallStatusEvent' : roll === 2 ? 'ConnectionStatusEvent' : 'StreamKeepAliveEvent';
  const stream = n % STREAMS;
  const session = stream % SESSIONS;
  const body = sampleBody(method);
  body.sessionId = `/10.0.${session >> 8}.${session & 255}:5${String(session).padStart(4, '0')}/127.0.0.1:8443-bench-${session}`;
  if ('mediaSessionId' in body) body.mediaSessionId = `ms-${stream}`;
  if ('name' in body) body.name = `stream-${stream}`;
  if ('callId' in body) body.callId = `call-${session}`;
  return { method, body, rawBody: JSON.stringify(body) };
}

/**
 * A fresh exchange per hook over a pool of bodies: the model sees 100k distinct exchanges, while the harness
 * keeps only the pool (a heap of 100k prebuilt exchanges would put its own GC pauses into the figures).
 */
function makeExchange(n: number, pool: ReturnType<typeof makeBody>[]): Exchange {
  const { method, body, rawBody } = pool[n % pool.length]!;
  const now = Date.now();
  const spec = lookupMethod(method);
  return {
    id: String(n + 1),
    receivedAt: now,
    app: '/EchoApp',
    method,
    type: spec?.type ?? 'unknown',
    unknownMethod: !spec,
    httpMethod: 'POST',
    url: `/EchoApp/${method}`,
    headers: { 'content-type': 'application/json', 'content-length': String(rawBody.length) },
    remoteAddress: '127.0.0.1',
    rawBody,
    body,
    issues: [],
    keys: correlationKeys(body),
    state: 'answered',
    answer: { status: 200, headers: { 'Content-Type': 'application/json' }, body: rawBody, spec: 'echo', by: 'rule', ruleIndex: 0, at: now },
    latencyMs: 0,
  };
}

async function main(): Promise<void> {
  const rate = Number(process.argv[2] ?? 10_000);
  const seconds = Number(process.argv[3] ?? 10);
  const total = rate * seconds;
  // Built up front: the bench measures the model, not the making of test data.
  const pool = Array.from({ length: STREAMS * 2 }, (_, i) => makeBody(i));

  const source = new FakeServer();
  const model = new HookView();
  model.attach(source);
  let notifications = 0;
  let nodesReported = 0;
  let rootRefreshes = 0;
  let rendered = 0;
  // What a TreeDataProvider does on `changed`: VS Code asks again for the children of each changed node.
  model.on('changed', (nodes: ModelNode[] | undefined) => {
    notifications++;
    if (nodes === undefined) {
      rootRefreshes++;
      for (const r of model.roots()) rendered += model.children(r).length;
    } else {
      nodesReported += nodes.length;
      for (const node of nodes) rendered += model.children(node).length;
    }
  });

  const eld = monitorEventLoopDelay({ resolution: 1 });
  eld.enable();
  const start = performance.now();
  let fed = 0;
  await new Promise<void>((resolve) => {
    // Feeds what is due by the clock every tick, so a slow model shows up as delay, not as a lower rate.
    const timer = setInterval(() => {
      const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate));
      for (; fed < due; fed++) {
        const ex = makeExchange(fed, pool);
        source.fire('received', ex);
        source.fire('answered', ex);
      }
      if (fed >= total) {
        clearInterval(timer);
        resolve();
      }
    }, 5);
  });
  const feedSeconds = (performance.now() - start) / 1000;
  // Let the last batch go out as it would in the extension.
  await new Promise((r) => setTimeout(r, model.batchMs * 2 + 20));
  eld.disable();
  const stats = model.stats();
  process.stdout.write(
    JSON.stringify({
      rate,
      seconds,
      hooks: fed,
      feedSeconds,
      achievedRate: fed / feedSeconds,
      eldP50Ms: eld.percentile(50) / 1e6,
      eldP99Ms: eld.percentile(99) / 1e6,
      eldMaxMs: eld.max / 1e6,
      notifications,
      nodesReported,
      rootRefreshes,
      rendered,
      batchMs: model.batchMs,
      stats,
      heapUsedMB: process.memoryUsage().heapUsed / 2 ** 20,
    }) + '\n',
  );
  model.dispose();
}
main().catch((err) => {
  process.stderr.write(String(err?.stack ?? err) + '\n');
  process.exit(1);
});
