/**
 * Our server as benchmarked (see ours.ts), with the extension's hook view attached the way the extension
 * attaches it, and a stand-in tree that reads each node a batch reports as changed. Its own entry point, so
 * that `--baseline` builds of ours.ts at commits without the view still bundle.
 */
import { createHookServer, parseRules } from '../../mock-server/hooks';
import { HookView, type ModelNode } from '../../mock-server/view';
import { failed, serveIpc } from '../lib/serverChild';

async function main(): Promise<void> {
  const server = createHookServer({ host: '127.0.0.1', port: 0, rules: parseRules({ rules: [], default: 'echo' }) });
  const view = new HookView({ batchMs: 100, maxPerNode: 200 });
  view.attach(server);
  const read = (nodes: readonly ModelNode[]) => {
    for (const n of nodes) if (n.kind === 'exchange') void n.exchange.method;
  };
  view.on('changed', (nodes) => read(nodes ?? view.roots().flatMap((n) => view.children(n))));
  const { port } = await server.listen();
  serveIpc(
    port,
    () => ({ journalSize: server.journal.size, journalDropped: server.journal.dropped, served: server.journal.size + server.journal.dropped }),
    () => server.close(),
  );
}
main().catch(failed);
