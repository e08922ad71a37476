/**
 * The servers the throughput bench compares, each started in its own process and configured to answer
 * `POST /EchoApp/StreamKeepAliveEvent` with the received JSON body. A peer that is not installed or will not
 * start is reported with the reason; it never gets a number it did not earn.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { buildBaseline, buildCliBaseline, buildServers, bundlePath } from './build';
import type { ServerReply } from './protocol';
import { forkTs, freePort, ROOT, sleep, spawnLogged, stopChild } from './proc';
import { startServe, type LogCount } from './serveCli';

export const PEERS_DIR = path.join(ROOT, '.cache/bench-peers');
export const HOOK_PATH = '/EchoApp/StreamKeepAliveEvent';

export interface Running {
  readonly id: string;
  readonly url: string;
  readonly child: ChildProcess;
  /** Node servers answer IPC stats requests; external ones are measured through /proc. */
  readonly ipc: boolean;
  stop(): Promise<void>;
  /** For servers whose log the bench reads: the lines counted so far (final once `stop` resolved). */
  log?(): LogCount;
}

export interface Contender {
  readonly id: string;
  readonly label: string;
  /** What makes it echo, for the report. */
  readonly how: string;
  /** Runs only when named in `--only` (diagnostic variants). */
  readonly optIn?: boolean;
  start(workDir: string, execArgv?: string[]): Promise<Running>;
}

function nodeServer(id: string, bundle: 'ours' | 'oursView' | 'bare' | 'mockttp', args: string[] = [], hookPath = HOOK_PATH) {
  return async (_workDir: string, execArgv: string[] = []): Promise<Running> => {
    await buildServers();
    const { child, ready } = await forkTs<ServerReply>(bundlePath(bundle), args, execArgv);
    const port = (ready as { port: number }).port;
    return { id, url: `http://127.0.0.1:${port}${hookPath}`, child, ipc: true, stop: () => stopChild(child) };
  };
}

/** The shipped CLI, `serve --port 0`, stdout read from a pipe and counted (see serveCli.ts). */
function serveCli(id: string, hookPath: string, rev?: string) {
  return async (_workDir: string, execArgv: string[] = []): Promise<Running> => {
    const s = await startServe([], execArgv, rev ? await buildCliBaseline(rev) : undefined);
    let final: LogCount | undefined;
    return {
      id,
      url: `${s.baseUrl}${hookPath}`,
      child: s.child,
      ipc: false,
      stop: async () => {
        final = await s.stop();
      },
      log: () => final ?? s.count(),
    };
  };
}

/** Polls until the server answers the hook path with 200, or the child dies, or time runs out. */
async function waitHttp(child: ChildProcess, url: string, body: string, timeoutMs: number, log: string): Promise<void> {
  const until = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`exited with code ${child.exitCode} (log: ${log})`);
    try {
      const r = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
      await r.arrayBuffer();
      if (r.status === 200) return;
      last = `HTTP ${r.status}`;
    } catch (err) {
      last = String((err as Error).cause ?? err);
    }
    await sleep(200);
  }
  child.kill('SIGKILL');
  throw new Error(`not answering within ${timeoutMs} ms (${last}; log: ${log})`);
}

function peerRequire(): NodeJS.Require {
  return createRequire(path.join(PEERS_DIR, 'package.json'));
}

export function peerInstalled(name: string): boolean {
  return existsSync(path.join(PEERS_DIR, 'node_modules', name, 'package.json'));
}

function mockoonEnvironment(port: number): object {
  // Built with the installed Mockoon's own builders, so the file always matches the version that reads it.
  const c = peerRequire()('@mockoon/commons') as {
    BuildEnvironment(o: object): Record<string, unknown> & { routes: unknown[]; rootChildren: unknown[] };
    BuildHTTPRoute(hasDefault: boolean, o: object): Record<string, unknown> & { uuid: string; responses: Array<Record<string, unknown>> };
  };
  const env = c.BuildEnvironment({ hasDefaultRoute: false, hasDefaultHeader: false, port });
  env.name = 'wcs-hook-mock bench echo';
  env.hostname = '127.0.0.1';
  env.cors = false;
  const route = c.BuildHTTPRoute(true, { body: '{{body}}' });
  route.method = 'post';
  route.endpoint = HOOK_PATH.slice(1);
  route.responses[0]!.headers = [{ key: 'Content-Type', value: 'application/json' }];
  env.routes = [route];
  env.rootChildren = [{ type: 'route', uuid: route.uuid }];
  return env;
}

export function contenders(body: string, baseline?: string, hookPath = HOOK_PATH): Contender[] {
  const list: Contender[] = [
    {
      id: 'serve',
      label: 'wcs-hook-mock serve (CLI)',
      how: '`node bin/wcs-hook-mock.js serve --port 0`, no TTY, default journal and log, stdout a pipe read and counted by the bench',
      optIn: true,
      start: serveCli('serve', hookPath),
    },
    {
      id: 'ours',
      label: 'wcs-hook-mock',
      how: 'rules {"rules":[],"default":"echo"}, in-memory journal on (default cap 10,000)',
      start: nodeServer('ours', 'ours', [], hookPath),
    },
    {
      id: 'ours-journal1',
      label: 'wcs-hook-mock, journal cap 1',
      how: 'as ours, but the in-memory journal keeps 1 exchange: what keeping 10,000 costs',
      optIn: true,
      start: nodeServer('ours-journal1', 'ours', ['--journal-limit', '1'], hookPath),
    },
    {
      id: 'ours-view',
      label: 'wcs-hook-mock, hook view attached',
      how: "as ours, with the extension's hook view attached and its changed nodes re-read each batch",
      optIn: true,
      start: nodeServer('ours-view', 'oursView', [], hookPath),
    },
    {
      id: 'bare',
      label: 'bare node:http',
      how: 'collects the body, writes it back (the ceiling)',
      start: nodeServer('bare', 'bare', [], hookPath),
    },
    {
      id: 'mockttp',
      label: 'mockttp',
      how: 'forAnyRequest().thenCallback(req => ({headers: {content-type, content-length}, rawBody: req.body.buffer}))',
      start: async (workDir, execArgv) => {
        if (!peerInstalled('mockttp')) throw new Error('not installed (bench/peers/install.sh)');
        return nodeServer('mockttp', 'mockttp', [PEERS_DIR])(workDir, execArgv);
      },
    },
    {
      id: 'mockoon',
      label: 'Mockoon CLI',
      how: 'environment with one POST route, body template {{body}}, -X (no log file), stdout to a file',
      start: async (workDir) => {
        if (!peerInstalled('@mockoon/cli')) throw new Error('not installed (bench/peers/install.sh)');
        const port = await freePort();
        const envFile = path.join(workDir, 'mockoon-env.json');
        writeFileSync(envFile, JSON.stringify(mockoonEnvironment(port)));
        const log = path.join(workDir, 'mockoon.log');
        const bin = path.join(PEERS_DIR, 'node_modules/@mockoon/cli/bin/run.js');
        const child = spawnLogged(process.execPath, [bin, 'start', '-d', envFile, '-p', String(port), '-l', '127.0.0.1', '-X', '--disable-admin-api'], openSync(log, 'w'));
        const url = `http://127.0.0.1:${port}${HOOK_PATH}`;
        await waitHttp(child, url, body, 60_000, log);
        return { id: 'mockoon', url, child, ipc: false, stop: () => stopChild(child) };
      },
    },
  ];
  // `--baseline=REV[,REV…]`: our server as of earlier commits, each one more contender; in the serve section
  // (ids `serve-baseline`, …) the CLI as of those commits.
  for (const [i, rev] of (baseline ? baseline.split(',') : []).entries()) {
    const sid = i === 0 ? 'serve-baseline' : `serve-baseline${i + 1}`;
    list.splice(1 + i, 0, {
      id: sid,
      label: `serve @${rev}`,
      how: `the CLI as of commit ${rev}, run as serve is`,
      optIn: true,
      start: serveCli(sid, hookPath, rev),
    });
    const id = i === 0 ? 'baseline' : `baseline${i + 1}`;
    list.splice(2 + 2 * i, 0, {
      id,
      label: `wcs-hook-mock @${rev}`,
      how: `our server as of commit ${rev}, same rules and journal`,
      start: async (_workDir, execArgv = []) => {
        const bundle = await buildBaseline(rev);
        const { child, ready } = await forkTs<ServerReply>(bundle, [], execArgv);
        return { id, url: `http://127.0.0.1:${(ready as { port: number }).port}${HOOK_PATH}`, child, ipc: true, stop: () => stopChild(child) };
      },
    });
  }
  for (const journal of [true, false]) {
    const id = journal ? 'wiremock' : 'wiremock-nojournal';
    list.push({
      id,
      label: journal ? 'WireMock (journal on)' : 'WireMock (journal off)',
      how: `standalone jar, mapping body {{request.body}}, --global-response-templating${journal ? '' : ' --no-request-journal'}`,
      start: async (workDir) => {
        const dir = path.join(PEERS_DIR, 'node_modules/wiremock/build');
        const jar = existsSync(dir) ? readdirSync(dir).find((f) => f.endsWith('.jar')) : undefined;
        if (!jar) throw new Error('not installed (bench/peers/install.sh)');
        const root = path.join(workDir, id);
        mkdirSync(path.join(root, 'mappings'), { recursive: true });
        writeFileSync(
          path.join(root, 'mappings/echo.json'),
          JSON.stringify({
            request: { method: 'POST', urlPath: HOOK_PATH },
            // WireMock's Handlebars does not HTML-escape, so the plain form sends the body back byte for byte.
            response: { status: 200, headers: { 'Content-Type': 'application/json' }, body: '{{request.body}}' },
          }),
        );
        const port = await freePort();
        const log = path.join(workDir, `${id}.log`);
        const args = ['-jar', path.join(dir, jar), '--port', String(port), '--bind-address', '127.0.0.1', '--root-dir', root, '--global-response-templating', '--disable-banner'];
        if (!journal) args.push('--no-request-journal');
        const child = spawnLogged('java', args, openSync(log, 'w'));
        const spawnError = new Promise<never>((_, reject) => child.once('error', (e) => reject(new Error(`cannot run java: ${e.message}`))));
        const url = `http://127.0.0.1:${port}${HOOK_PATH}`;
        await Promise.race([waitHttp(child, url, body, 90_000, log), spawnError]);
        return { id, url, child, ipc: false, stop: () => stopChild(child) };
      },
    });
  }
  return list;
}
