/**
 * The WCS mock as a load source, in its own process: runs a scenario with N sessions (C at a time) against a
 * backend URL and prints the result as one JSON line. argv: scenario, app URL, sessions, concurrency, and
 * optionally `fetch` to send hooks with the global fetch instead of the Node default (the pooled transport),
 * for a side-by-side measure of what the pool gained.
 *
 * A warm-up run comes first and is not counted: a load test is about the steady state, and in a short run
 * the one-off costs (loading the HTTP client, compiling the engine's hot functions, opening the pool's
 * connections, the JIT's later tiers) made 300 sessions look like 180 sessions/s where the steady state was over 500.
 */
import { runScenario } from '../mock-server/wcs';

async function main(): Promise<void> {
  const [scenario, url, sessions, concurrency, transport, warmup] = process.argv.slice(2);
  const options = {
    backend: { url: url! },
    concurrency: Number(concurrency),
    transcripts: false,
    ...(transport === 'fetch' ? { fetch: globalThis.fetch } : {}),
  };
  await runScenario(scenario!, { ...options, sessions: Math.max(Number(concurrency), Number(warmup ?? 0)) });
  // CPU of this process (all threads) over the run: what a session costs the load source, whoever was the bottleneck.
  const cpu0 = process.cpuUsage();
  const r = await runScenario(scenario!, { ...options, sessions: Number(sessions) });
  const cpu = process.cpuUsage(cpu0);
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
      cpuUsPerSession: (cpu.user + cpu.system) / r.sessions,
      cpuUsPerHook: (cpu.user + cpu.system) / Math.max(1, r.hooks),
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
