/**
 * `wcs-hook-mock wcs --backend URL`: a fake WCS on ws://127.0.0.1:8080 that a WebSDK app can point
 * `urlServer` at. Every session and hook is printed as it happens; the server runs until SIGINT/SIGTERM.
 * A backend that is down does not stop it: the hooks fail the way WCS's would and one line says why.
 */
import { parseArgs } from 'node:util';
import type { WcsEngine, WcsEngineOptions, WcsLogEntry } from '../wcs';
import { formatWcsLogEntry as formatLogEntry } from '../wcs';
import { DEFAULT_WCS_WS_PORT, startRestServer, startWcsServer, type RestServer, type WcsServer } from '../wcs';
import { AppsFileError, loadAppsFile } from './appsFile';
import type { Command } from './command';
import { BACKEND_OPTIONS, BACKEND_USAGE, UsageError, backendFromFlags, isUsageError, parseFarEnd } from './flags';
import { normalizeOrigin, terminalSafe } from '../util';
import { REST_OPTIONS, REST_USAGE, restFromFlags, type RestFlags } from './restFlags';

export const WCS_USAGE = `Usage: wcs-hook-mock wcs --backend URL [options]

Runs a fake Web Call Server: WebSDK apps connect with urlServer ws://HOST:PORT, and every client action
fires the REST hooks WCS would send to your backend, with WCS's restOnError semantics. Its REST API
(http://HOST:REST-PORT/rest-api/...) acts on the same sessions; the control API beside it (/wcs-mock/...,
\`wcs-hook-mock ctl\`) makes it do what WCS does on its own: ring a client, hang up, fail a stream.

Options:
${BACKEND_USAGE}
  --host HOST            address to listen on (default 127.0.0.1; anything else is reachable from the network)
  --port PORT            port to listen on (default ${DEFAULT_WCS_WS_PORT}, WCS's ws port; 0 picks a free one)
  --apps FILE            applications (appKey → backend, enabled hook methods, built-in roomApp) as JSON;
                         see docs/wcs-rooms.md. defaultApp and roomApp use --backend unless the file says otherwise
  --far-end SPEC         SIP side of outgoing calls: answer[:MS] (default), busy, reject:CODE, ring
${REST_USAGE}
  --ping SECONDS         server ping interval (default 5, as keep_alive.server_interval; 0 = off)
  --verbose              also print every WebSocket frame (ping/pong included)
  --json                 print log entries as JSON lines
  --allow-origin ORIGIN  let web pages from ORIGIN connect (repeatable); pages on localhost, 127.0.0.1
                         and [::1] and clients that send no Origin always can, other pages get 403
  -h, --help             show this help

Stop with Ctrl-C. Exit code: 0 after a clean stop, 1 when it cannot listen, 2 on usage errors.`;

export interface WcsIO {
  readonly stdout: Pick<NodeJS.WriteStream, 'write'>;
  readonly stderr: Pick<NodeJS.WriteStream, 'write'>;
  readonly env: NodeJS.ProcessEnv;
  /** Signals that stop the server; tests pass their own emitter. */
  readonly signals: Pick<NodeJS.Process, 'once' | 'off'>;
  /** Called once the server listens (tests read the URL from here). */
  readonly onListening?: (server: WcsServer) => void;
}

const PREFIX = 'wcs-hook-mock wcs';

/** Frames are noise at the default level: pings every 5 s per session. */
const QUIET_KINDS = new Set<WcsLogEntry['kind']>(['client-message', 'client-frame']);

function clock(at: number): string {
  return new Date(at).toISOString().slice(11, 23);
}

function parsePort(text: string | undefined): number {
  if (text === undefined) return DEFAULT_WCS_WS_PORT;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 65535 || text.trim() === '') throw new UsageError(`--port needs an integer 0–65535, got '${text}'`);
  return n;
}

function parsePing(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0 || text.trim() === '') throw new UsageError(`--ping needs seconds ≥ 0, got '${text}'`);
  return Math.round(n * 1000);
}

export async function runWcs(argv: readonly string[], io: WcsIO = defaultIO()): Promise<number> {
  const out = (line: string) => io.stdout.write(line + '\n');
  const err = (line: string) => io.stderr.write(line + '\n');

  let options: {
    host: string;
    port: number;
    verbose: boolean;
    json: boolean;
    engine: WcsEngineOptions;
    allowOrigins: string[];
    rest: RestFlags;
  };
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      options: {
        ...BACKEND_OPTIONS,
        host: { type: 'string' },
        port: { type: 'string', short: 'p' },
        'far-end': { type: 'string' },
        apps: { type: 'string' },
        ping: { type: 'string' },
        ...REST_OPTIONS,
        verbose: { type: 'boolean', short: 'v' },
        json: { type: 'boolean' },
        'allow-origin': { type: 'string', multiple: true },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: true,
      strict: true,
    });
    if (values.help) {
      out(WCS_USAGE);
      return 0;
    }
    if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
    // The origin lists are arrays; the backend flags are scalars.
    const { 'allow-origin': allowOrigin, 'rest-allow-origin': _restOrigins, ...flags } = values;
    const { backend, timeoutMs } = backendFromFlags(flags, io.env);
    const host = values.host ?? '127.0.0.1';
    if (host.trim() === '') throw new UsageError('--host needs an address');
    const port = parsePort(values.port);
    options = {
      host,
      port,
      rest: restFromFlags(values, io.env, port),
      verbose: values.verbose ?? false,
      json: values.json ?? false,
      allowOrigins: (allowOrigin ?? []).map((o) => {
        const n = normalizeOrigin(o);
        if (n === undefined) throw new UsageError(`--allow-origin needs an origin like https://app.example.com, got '${o}'`);
        return n;
      }),
      engine: { backend, hookTimeoutMs: timeoutMs, farEnd: parseFarEnd(values['far-end']), pingIntervalMs: parsePing(values.ping) },
    };
    if (values.apps !== undefined) Object.assign(options.engine, await loadAppsFile(values.apps));
  } catch (e) {
    // parseArgs throws TypeError with a code for unknown/malformed flags; both are the user's to fix.
    if (e instanceof AppsFileError) {
      err(`${PREFIX}: ${e.message}`);
      return 2;
    }
    if (isUsageError(e)) {
      err(`${PREFIX}: ${(e as Error).message}\nRun 'wcs-hook-mock wcs --help' for the options.`);
      return 2;
    }
    throw e;
  }

  let server: WcsServer;
  try {
    server = await startWcsServer({ host: options.host, port: options.port, warn: err, allowOrigins: options.allowOrigins, ...options.engine });
  } catch (e) {
    err(`${PREFIX}: ${(e as Error).message}`);
    return 1;
  }
  // Subscribing right after the await loses nothing: no socket I/O can run before this continuation.
  const engine: WcsEngine = server.engine;
  let rest: RestServer | undefined;
  if (options.rest.port !== undefined) {
    try {
      rest = await startRestServer({ engine, host: options.host, ...options.rest, port: options.rest.port });
    } catch (e) {
      err(`${PREFIX}: ${(e as Error).message}`);
      await server.close();
      return 1;
    }
  }
  const backendUrl = (options.engine.backend as { url: string }).url;
  // Session ids are long; lines carry a short tag and the "opened" line says which id it stands for.
  const tags = new Map<string, string>();
  const tag = (id: string | undefined): string => {
    if (id === undefined) return '-';
    let t = tags.get(id);
    if (!t) tags.set(id, (t = `s${tags.size + 1}`));
    return t;
  };
  // One line per outage, not one per hook: a down backend during a busy session would flood the terminal.
  let backendDown = false;
  engine.on('log', (e) => {
    if (e.kind === 'hook-answer') {
      if (e.failure === 'unreachable' && !backendDown) {
        backendDown = true;
        err(terminalSafe(`${PREFIX}: backend ${backendUrl} is unreachable (${e.error ?? 'no answer'}); hooks fail until it is up, the server keeps running`));
      } else if (!e.failure && backendDown) {
        backendDown = false;
        err(`${PREFIX}: backend ${backendUrl} answers again`);
      }
    }
    if (!options.verbose && QUIET_KINDS.has(e.kind)) return;
    if (options.json) {
      // JSON escapes C0 controls but not DEL or C1 ones; terminalSafe's \uXXXX keeps the line valid JSON.
      out(terminalSafe(JSON.stringify(e)));
      return;
    }
    const opened = e.kind === 'session' && e.event === 'opened' ? `  ${e.sessionId}` : '';
    out(terminalSafe(`${clock(e.at)} ${tag(e.sessionId)} ${formatLogEntry(e)}${opened}`));
  });
  // Room sessions are known by their login; say it once, when the session is established.
  engine.on('session', (event, info) => {
    if (event !== 'established' || !info.room || options.json) return;
    out(`${clock(Date.now())} ${tag(info.sessionId)} ${info.appKey} participant ${info.room.login === undefined ? '(no custom.login: joins will be refused)' : JSON.stringify(info.room.login)}`);
  });
  out(`listening on ${server.url} (backend ${backendUrl})`);
  if (rest) out(`REST API on ${rest.url} (control API: ${rest.origin}/wcs-mock/, e.g. wcs-hook-mock ctl sessions --server ${rest.origin})`);
  if (!options.json) for (const app of engine.apps()) out(`  app ${app.appKey}${app.builtIn ? ` (${app.builtIn})` : ''} → ${app.backend}${app.methods === 'all' ? '' : `, hooks: ${app.methods.join(' ') || 'none'}`}`);
  io.onListening?.(server);

  await new Promise<void>((resolve) => {
    const stop = () => {
      io.signals.off('SIGINT', stop);
      io.signals.off('SIGTERM', stop);
      resolve();
    };
    io.signals.once('SIGINT', stop);
    io.signals.once('SIGTERM', stop);
  });
  out('stopping: closing sessions (their disconnect hooks are still sent)');
  // A second Ctrl-C abandons the disconnect hooks instead of waiting for a slow backend.
  const abandon = () => void engine.close({ abortHooks: true });
  io.signals.once('SIGINT', abandon);
  try {
    await rest?.close();
    await server.close();
    await engine.close();
  } finally {
    io.signals.off('SIGINT', abandon);
  }
  out('stopped');
  return 0;
}

function defaultIO(): WcsIO {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, signals: process };
}

export const wcsCommand: Command = {
  summary: 'run a fake WCS (WebSocket ws://127.0.0.1:8080, REST API :8081/rest-api) that fires hooks at your backend',
  run: (argv) => runWcs(argv),
};
