/**
 * `wcs-hook-mock serve`: runs the hook server until SIGINT/SIGTERM (or q on the terminal). Flags are parsed
 * in serveArgs.ts, the terminal UI lives in ttyApp.ts; this module wires them and turns every expected
 * failure into one line and an exit code.
 */
import { open } from 'node:fs/promises';
import { createHookServer, type HookServer } from '../hooks';
import { loadRulesFile, RulesError, type RulesFile } from '../hooks';
import type { Command } from './command';
import { UsageError } from './flags';
import { isLoopback, parseServeArgs, SERVE_USAGE, type ServeConfig } from './serveArgs';
import { watchRules, type RulesWatcher } from './rulesWatcher';
import { InteractiveConsole } from './ttyApp';
import { terminalSafe } from '../util';
import { exchangeLog, streamFd, type ExchangeLog } from './exchangeLog';

export interface ServeIO {
  readonly stdin: NodeJS.ReadStream;
  readonly stdout: NodeJS.WriteStream;
  readonly stderr: NodeJS.WriteStream;
  readonly env: NodeJS.ProcessEnv;
  /** Signals that stop the server; tests pass their own emitter. */
  readonly signals: Pick<NodeJS.Process, 'once' | 'off'>;
  /** Ends the process when a stalled log reader would keep it alive; absent in tests (nothing to end). */
  readonly exit?: (code: number) => void;
}

/**
 * How long stopping waits for stdout's reader to take the log lines still queued. A reader that merely lags
 * gets them all; one that stopped reading (`serve | sleep 1000`, a paused pager) must not keep a stopped
 * server alive: past this, the lines not taken are dropped, stderr says so, and the process ends.
 */
export const LOG_DRAIN_MS = 2000;

const PREFIX = 'wcs-hook-mock serve';

export async function runServe(argv: string[], io: ServeIO = defaultIO()): Promise<number> {
  const fail = (msg: string, code: number): number => {
    io.stderr.write(`${PREFIX}: ${msg}\n`);
    return code;
  };

  let config: ServeConfig;
  try {
    config = parseServeArgs(argv, io.env);
  } catch (err) {
    if (err instanceof UsageError) return fail(`${err.message}\nRun 'wcs-hook-mock serve --help' for the options.`, 2);
    throw err;
  }
  if (config.help) {
    io.stdout.write(SERVE_USAGE + '\n');
    return 0;
  }

  let rules: RulesFile | undefined;
  if (config.rulesFile) {
    try {
      rules = await loadRulesFile(config.rulesFile);
    } catch (err) {
      if (err instanceof RulesError) return fail(err.message, 1);
      throw err;
    }
  }
  if (config.journalFile) {
    // Fail now, with the reason, rather than as a warning after the first hook.
    try {
      await (await open(config.journalFile, 'a', 0o600)).close();
    } catch (err) {
      return fail(`cannot write journal file ${config.journalFile}: ${(err as Error).message}`, 1);
    }
  }

  const interactive = config.interactive ?? Boolean(io.stdin.isTTY && io.stdout.isTTY);
  let server: HookServer;
  try {
    server = createHookServer({
      host: config.host,
      port: config.port,
      rules,
      // Nobody can answer a held hook without a terminal, so holding is opt-in there.
      policy: config.policy ?? (interactive ? 'hold-blockable' : 'echo-all'),
      holdTimeoutMs: config.holdTimeoutMs,
      fallback: config.fallback,
      journalFile: config.journalFile,
      journalLimit: config.journalLimit,
      journalMaxBytes: config.journalMaxBytes,
      allowOrigins: config.allowOrigins,
      maxBodyBytes: config.maxBodyBytes,
      basicAuth: config.basicAuth,
      signingSecret: config.signingSecret,
      forward: config.forward,
    });
  } catch (err) {
    if (err instanceof RangeError) return fail(err.message, 2);
    throw err;
  }

  let address;
  try {
    address = await server.listen();
  } catch (err) {
    await server.close();
    return fail((err as Error).message, 1);
  }

  const settings = [
    `policy ${server.policy}`,
    config.rulesFile ? `rules ${config.rulesFile} (${rules!.rules.length})` : undefined,
    config.holdTimeoutMs > 0 ? `hold ${config.holdTimeoutMs / 1000}s then ${config.fallback}` : `hold without limit`,
    config.journalFile ? `journal ${config.journalFile}` : undefined,
    config.basicAuth ? 'basic auth' : undefined,
    config.signingSecret ? 'signature check' : undefined,
    config.forward?.target ? `forward to ${config.forward.target}${config.forward.secret ? ' (re-signed)' : ''}` : undefined,
    config.forward?.breakBefore ? `break before ${config.forward.breakBefore.join(',')}` : undefined,
    config.forward?.breakAfter ? `break after ${config.forward.breakAfter.join(',')}` : undefined,
  ].filter(Boolean);
  // Scripts wait for this exact phrase; keep "listening on <url>" stable.
  io.stdout.write(`wcs-hook-mock listening on ${address.url} · ${settings.join(' · ')}\n`);
  if (!isLoopback(config.host)) {
    io.stderr.write(
      `\n  WARNING: bound to ${config.host}, not loopback: anyone who can reach this machine can post hooks\n` +
        `  and read echoed bodies (SIP passwords, tokens).` +
        (config.basicAuth || config.signingSecret ? '' : ' Consider --user/--password or --secret.') +
        '\n\n',
    );
  }

  return new Promise<number>((resolve) => {
    let ui: InteractiveConsole | undefined;
    let log: ExchangeLog | undefined;
    let watcher: RulesWatcher | undefined;
    let stopping = false;

    const stop = (why: string) => {
      if (stopping) {
        // A second Ctrl-C means "now": the held answers were already sent by the first.
        io.stderr.write(`${PREFIX}: ${why} again, exiting without waiting\n`);
        process.exit(130);
      }
      stopping = true;
      const held = server.pending().length;
      void server.close().then(async () => {
        ui?.stop();
        watcher?.close();
        io.signals.off('SIGINT', onInt);
        io.signals.off('SIGTERM', onTerm);
        // Every exchange's line is out before the last line, unless nobody reads them any more.
        const drained = await drain(log);
        if (!drained) {
          log?.abandon();
          io.stderr.write(`${PREFIX}: stdout's reader took no log lines for ${LOG_DRAIN_MS / 1000} s; the lines it had not taken are dropped\n`);
        }
        io.stdout.write(
          `wcs-hook-mock stopped (${why})${held ? `; ${held} held hook${held > 1 ? 's' : ''} answered with ${config.fallback}` : ''}\n`,
        );
        resolve(0);
        // Output still queued for that reader would keep the process alive, stopped but not ended.
        if (!drained) io.exit?.(0);
      });
    };
    const onInt = () => stop('SIGINT');
    const onTerm = () => stop('SIGTERM');
    io.signals.once('SIGINT', onInt);
    io.signals.once('SIGTERM', onTerm);

    if (interactive) {
      ui = new InteractiveConsole(server, { input: io.stdin, output: io.stdout, env: io.env }, () => stop('quit'));
      ui.start();
    } else {
      // On a pipe or a file the lines are formatted and written by a log thread (exchangeLog.ts).
      const lines = (log = exchangeLog({
        out: io.stdout,
        fd: io.env.WCS_HOOK_MOCK_LOG_THREAD === '0' ? undefined : streamFd(io.stdout),
        warn: (m) => io.stderr.write(`${PREFIX}: warning: ${terminalSafe(m)}\n`),
      }));
      // Held hooks (only when rules or --policy ask for it here) get a line when held and one when answered,
      // so a script can tell a slow answer from a lost one.
      server.on('received', (ex) => {
        // A forwarded hook on its way to the backend gets its one line with the answer.
        if (ex.state === 'pending' && ex.forward?.stage !== 'sending') lines.add(ex);
      });
      server.on('held', (ex) => lines.add(ex));
      server.on('answered', (ex) => lines.add(ex));
      server.on('aborted', (ex) => lines.add(ex));
      server.on('warning', (m) => io.stderr.write(`${PREFIX}: warning: ${terminalSafe(m)}\n`));
    }
    const say = (m: string) => (ui ? ui.log(terminalSafe(m)) : io.stderr.write(`${PREFIX}: ${terminalSafe(m)}\n`));

    if (config.rulesFile && config.watchRules) watcher = watchRules(config.rulesFile, server, say);
  });
}

/** True when the log wrote everything within LOG_DRAIN_MS. */
async function drain(log: ExchangeLog | undefined): Promise<boolean> {
  if (!log) return true;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), LOG_DRAIN_MS)));
  try {
    return await Promise.race([log.close().then(() => true as const), late]);
  } finally {
    clearTimeout(timer);
  }
}

function defaultIO(): ServeIO {
  return { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env, signals: process, exit: (code) => process.exit(code) };
}

export const serveCommand: Command = {
  summary: 'run the mock hook server (default 127.0.0.1:9091)',
  run: (argv) => runServe(argv),
};
