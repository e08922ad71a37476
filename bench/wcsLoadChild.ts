/**
 * The WCS mock as a load source, in its own process: runs a scenario with N sessions (C at a time) against a
 * backend URL and prints the result as one JSON line. argv: scenario, app URL, sessions, concurrency, and
 * optionally `fetch` to send hooks with the global fetch instead of the Node default (the pooled transport),
 * for a side-by-side measure of what the pool gained.
 */
import { runScenario } from '../mock-server/wcs';

async function main(): Promise<void> {
  const [scenario, url, sessions, concurrency, transport] = process.argv.slice(2);
  const r = await runScenario(scenario!, {
    backend: { url: url! },
    sessions: Number(sessions),
    concurrency: Number(concurrency),
    transcripts: false,
    ...(transport === 'fetch' ? { fetch: globalThis.fetch } : {}),
  });
  const seconds = r.durationMs / 1000;
  process.stdout.write(
    JSON.stringify({
      sessions: r.sessions,
      completed: r.completed,
      refused: r.refused,
      hooks: r.hooks,
      hookErrors: r.hookErrors,
      seconds,
      sessionsPerS: r.completed / seconds,
      hooksPerS: r.hooks / seconds,
      errors: r.errors.slice(0, 5),
      stopped: r.stopped.slice(0, 5),
      unreachable: r.unreachable,
    }) + '\n',
  );
}
main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
