/**
 * Our hook server as benchmarked: rules answer everything with echo, the in-memory journal on with its default
 * cap, nothing else switched off. `--journal FILE` adds the JSONL file (a variant, not the headline row).
 */
import { createHookServer, parseRules } from '../../mock-server/hooks';
import { failed, serveIpc } from '../lib/serverChild';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const journalAt = args.indexOf('--journal');
  // For measuring what the in-memory journal itself costs (`--journal-limit 1`); the headline row uses the default.
  const limitAt = args.indexOf('--journal-limit');
  const server = createHookServer({
    host: '127.0.0.1',
    port: 0,
    rules: parseRules({ rules: [], default: 'echo' }),
    ...(journalAt >= 0 ? { journalFile: args[journalAt + 1] } : {}),
    ...(limitAt >= 0 ? { journalLimit: Number(args[limitAt + 1]) } : {}),
  });
  const { port } = await server.listen();
  serveIpc(
    port,
    () => ({ journalSize: server.journal.size, journalDropped: server.journal.dropped, served: server.journal.size + server.journal.dropped }),
    () => server.close(),
  );
}
main().catch(failed);
