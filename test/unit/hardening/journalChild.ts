/** A hook server with a JSONL journal in its own process, for the test that kills it mid-write. */
import { createHookServer } from '../../../mock-server/hooks/server';

const server = createHookServer({ host: '127.0.0.1', port: 0, policy: 'echo-all', journalFile: process.argv[2]! });
server.listen().then(({ port }) => process.send!({ port }));
