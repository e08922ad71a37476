/**
 * `wcs-hook-mock trigger <scenario> --backend URL`: fires a realistic WCS hook sequence at a backend
 * through the WCS engine and prints, per session, the hooks and answers and what a WebSDK client would
 * have seen. With --sessions/--concurrency it is a load source and prints rates instead.
 */
import { parseArgs } from 'node:util';
import type { UrlBackend } from '../wcs/backend';
import type { FarEndAction } from '../wcs/farEnd';
import { formatLogEntry } from '../wcs/log';
import { terminalSafe } from '../util/terminalSafe';
import { SCENARIOS, SCENARIO_SUMMARIES, isScenario, runScenario, type ScenarioResult } from '../wcs/scenarios';
import type { Command } from './commands';

export class UsageError extends Error {
  override name = 'UsageError';
}

/** Flags every backend-facing command shares, as WCS's `add app` and flashphoner.properties name them. */
export const BACKEND_OPTIONS = {
  backend: { type: 'string', short: 'b' },
  user: { type: 'string', short: 'u' },
  password: { type: 'string' },
  secret: { type: 'string' },
  timeout: { type: 'string' },
} as const;

export const BACKEND_USAGE = `  --backend URL          the app URL, as in WCS's \`add app\` (hooks go to URL/<method>),
                         e.g. http://127.0.0.1:9091/EchoApp
  --user NAME            send HTTP Basic credentials (with --password or env WCS_HOOK_MOCK_PASSWORD)
  --password PASS        password for --user
  --secret SECRET        sign bodies: Authorization: WCS <HMAC-MD5> (or env WCS_HOOK_MOCK_SECRET)
  --timeout SECONDS      hook timeout, as rest_request_timeout (default 15)`;

export interface BackendFlags {
  backend: UrlBackend;
  timeoutMs: number;
}

export function backendFromFlags(values: Record<string, string | boolean | undefined>, env: NodeJS.ProcessEnv): BackendFlags {
  const url = values.backend;
  if (typeof url !== 'string' || url === '') throw new UsageError('--backend URL is required (the app URL hooks go to, e.g. http://127.0.0.1:9091/EchoApp)');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`--backend: not a URL: '${url}'`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new UsageError(`--backend must be an http:// or https:// URL, got '${url}'`);
  const backend: UrlBackend = { url };
  const user = values.user;
  const password = typeof values.password === 'string' ? values.password : env.WCS_HOOK_MOCK_PASSWORD;
  if (typeof user === 'string') {
    if (password === undefined) throw new UsageError('--user needs --password (or env WCS_HOOK_MOCK_PASSWORD)');
    backend.basicAuth = { username: user, password };
  } else if (typeof values.password === 'string') throw new UsageError('--password needs --user');
  const secret = typeof values.secret === 'string' ? values.secret : env.WCS_HOOK_MOCK_SECRET;
  if (secret !== undefined && secret !== '') backend.signingSecret = secret;
  let timeoutMs = 15_000;
  if (typeof values.timeout === 'string') {
    const n = Number(values.timeout);
    if (values.timeout.trim() === '' || !Number.isFinite(n) || n < 0) throw new UsageError(`--timeout needs seconds ≥ 0, got '${values.timeout}'`);
    timeoutMs = Math.round(n * 1000);
  }
  return { backend, timeoutMs };
}

export function positiveInt(flag: string, text: string | undefined, def: number): number {
  if (text === undefined) return def;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${flag} needs an integer ≥ 1, got '${text}'`);
  return n;
}

/** `answer`, `answer:MS`, `busy`, `reject:CODE`, `ring`. */
export function parseFarEnd(text: string | undefined): FarEndAction | undefined {
  if (text === undefined) return undefined;
  const [kind, arg] = text.split(':', 2);
  if (kind === 'answer') {
    const afterMs = arg === undefined ? 0 : Number(arg);
    if (!Number.isFinite(afterMs) || afterMs < 0) throw new UsageError(`--far-end answer:MS needs milliseconds ≥ 0, got '${arg}'`);
    return { kind: 'answer', afterMs };
  }
  if (kind === 'busy' && arg === undefined) return { kind: 'busy' };
  if (kind === 'ring' && arg === undefined) return { kind: 'ring' };
  if (kind === 'reject') {
    const sipStatus = Number(arg);
    if (!Number.isInteger(sipStatus) || sipStatus < 400 || sipStatus > 699) throw new UsageError(`--far-end reject:CODE needs a SIP status 400–699, got '${arg ?? ''}'`);
    return { kind: 'reject', sipStatus };
  }
  throw new UsageError(`--far-end must be answer[:MS], busy, reject:CODE or ring, got '${text}'`);
}

export const TRIGGER_USAGE = `Usage: wcs-hook-mock trigger <scenario> --backend URL [options]

Fires the hooks WCS would send for a WebSDK client doing <scenario>, and prints the hooks, your
backend's answers and what the WebSDK client would have seen.

Scenarios:
${SCENARIOS.map((s) => `  ${s.padEnd(15)}${SCENARIO_SUMMARIES[s]}`).join('\n')}

Options:
${BACKEND_USAGE}
  --sessions N           sessions to run (default 1)
  --concurrency N        sessions at once (default 1)
  --far-end SPEC         SIP side of outgoing calls: answer[:MS] (default), busy, reject:CODE, ring
  --json                 print the result as JSON
  --verbose              with several sessions, print every session's story, not only the summary
  -h, --help             show this help

Exit code: 0 when every session ran (declines included), 1 when hooks failed to get an answer, 2 on
usage errors.`;

function rate(n: number, ms: number): string {
  return ms > 0 ? (n / (ms / 1000)).toFixed(1) : '∞';
}

function human(r: ScenarioResult, verbose: boolean): string {
  const out: string[] = [`trigger ${r.scenario} → ${r.backend}`];
  // One session: its whole story. Many: the summary, unless asked for every story.
  const shown = r.sessions === 1 || verbose ? r.transcripts : [];
  for (const [i, t] of shown.entries()) {
    out.push('', `session ${i + 1}: ${t.sessionId ?? '?'}`);
    for (const e of t.log) {
      if (e.kind === 'session' && e.event === 'opened') continue;
      out.push(`  ${terminalSafe(formatLogEntry(e))}`);
    }
    out.push('  WebSDK client saw:');
    for (const ev of t.sdkEvents) out.push(`    ${ev}`);
    if (t.error) out.push(`  ${t.outcome === 'completed' ? 'stopped' : t.outcome}: ${t.error}`);
  }
  out.push(
    '',
    `${r.sessions} session${r.sessions === 1 ? '' : 's'}: ${r.completed} completed, ${r.refused} refused; ${r.hooks} hooks (${r.hookErrors} not 200) in ${Math.round(r.durationMs)} ms` +
      (r.sessions > 1 ? ` — ${rate(r.sessions, r.durationMs)} sessions/s, ${rate(r.hooks, r.durationMs)} hooks/s` : ''),
  );
  if (shown.length === 0) for (const s of r.stopped) out.push(`stopped: ${s}`);
  for (const e of r.errors) out.push(`error: ${e}`);
  return out.join('\n');
}

export async function runTrigger(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let result: ScenarioResult;
  let json = false;
  let verbose = false;
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: true,
      options: {
        ...BACKEND_OPTIONS,
        sessions: { type: 'string', short: 'n' },
        concurrency: { type: 'string', short: 'c' },
        'far-end': { type: 'string' },
        json: { type: 'boolean' },
        verbose: { type: 'boolean', short: 'v' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      process.stdout.write(TRIGGER_USAGE + '\n');
      return 0;
    }
    json = values.json === true;
    verbose = values.verbose === true;
    if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? `which scenario? one of ${SCENARIOS.join(', ')}` : `one scenario at a time, got ${positionals.join(' ')}`);
    const name = positionals[0]!;
    if (!isScenario(name)) throw new UsageError(`unknown scenario '${name}' (one of ${SCENARIOS.join(', ')})`);
    const { backend, timeoutMs } = backendFromFlags(values, env);
    const sessions = positiveInt('sessions', values.sessions, 1);
    const concurrency = positiveInt('concurrency', values.concurrency, 1);
    const farEnd = parseFarEnd(values['far-end']);
    result = await runScenario(name, { backend, sessions, concurrency, hookTimeoutMs: timeoutMs, farEnd, transcripts: sessions <= 20 || verbose });
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    const usage = err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    process.stderr.write(`wcs-hook-mock trigger: ${msg}${usage ? '\nRun `wcs-hook-mock trigger --help` for the options.' : ''}\n`);
    return usage ? 2 : 1;
  }
  if (result.unreachable) {
    process.stderr.write(`wcs-hook-mock trigger: ${result.errors[0]?.replace(/ \(×\d+\)$/, '') ?? `cannot reach ${result.backend}`}\n`);
    return 1;
  }
  process.stdout.write((json ? JSON.stringify(result, null, 2) : human(result, verbose)) + '\n');
  return result.errors.length > 0 ? 1 : 0;
}

export const triggerCommand: Command = {
  summary: 'fire a realistic WCS hook sequence (connect, outgoing-call, publish ...) at a backend',
  run: (argv) => runTrigger(argv),
};
