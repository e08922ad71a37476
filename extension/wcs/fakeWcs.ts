/**
 * Runs the WCS mock (the engine behind `wcs-hook-mock wcs`) inside the extension host, on 127.0.0.1: its
 * WebSocket port for the web app and its REST port for the WCS REST API and the control API. Starts and
 * stops run one after another (as the hook server's do), the session snapshot is refreshed from the
 * engine's own events, and the levers go through the control API's in-process handler, so they behave and
 * log exactly as `wcs-hook-mock ctl` against `wcs` does. Why in-process: docs/extension.md.
 */
import * as vscode from 'vscode';
import {
  CONTROL_PREFIX,
  formatWcsLogEntry,
  startRestServer,
  startWcsServer,
  type ControlAction,
  type RestServer,
  type WcsEngine,
  type WcsRestApi,
  type WcsServer,
  type WcsSessionInfo,
} from '../../mock-server/wcs';
import { terminalSafe } from '../../mock-server/util';
import type { Endpoint } from './presentation';
import { backendUrl, type WcsSettings } from './settings';
import { SerialQueue } from '../serialQueue';

export type FakeWcsState =
  | { readonly kind: 'stopped' }
  | { readonly kind: 'starting' }
  | { readonly kind: 'running'; readonly endpoint: Endpoint }
  | { readonly kind: 'failed'; readonly message: string; readonly fix?: 'port' | 'restPort' | 'backend' };

/** A lever the WCS mock refused (its control API's error text), or one that could not run at all. */
export class LeverError extends Error {
  override name = 'LeverError';
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export interface FakeWcsDeps {
  readonly log: vscode.LogOutputChannel;
  readonly settings: () => WcsSettings;
  /** The hook server's base URL when it runs. */
  readonly hookServerUrl: () => string | undefined;
  /** Starts the hook server if it is not running; its URL, or undefined when it could not start. */
  readonly ensureHookServer: () => Promise<string | undefined>;
}

/** How long engine events are coalesced before the view re-reads the sessions (as the hook view batches). */
const REFRESH_MS = 100;

export class FakeWcs implements vscode.Disposable {
  private ws: WcsServer | undefined;
  private restServer: RestServer | undefined;
  private api: WcsRestApi | undefined;
  private watching: { dispose(): void }[] = [];
  private stateValue: FakeWcsState = { kind: 'stopped' };
  private readonly queue = new SerialQueue();
  private snapshot: WcsSessionInfo[] = [];
  private signature = '[]';
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  /** Whether the backend is the hook server's URL (and so follows it when it moves to another port). */
  private followsHookServer = false;
  private readonly stateChanged = new vscode.EventEmitter<FakeWcsState>();
  private readonly sessionsChanged = new vscode.EventEmitter<void>();
  readonly onDidChangeState = this.stateChanged.event;
  readonly onDidChangeSessions = this.sessionsChanged.event;

  constructor(private readonly d: FakeWcsDeps) {}

  get state(): FakeWcsState {
    return this.stateValue;
  }

  get engine(): WcsEngine | undefined {
    return this.ws?.engine;
  }

  /** Sessions not yet closed, as of the last refresh (at most REFRESH_MS behind the engine). */
  sessions(): readonly WcsSessionInfo[] {
    return this.snapshot;
  }

  start(): Promise<boolean> {
    return this.queue.run(() => this.doStart());
  }

  /** Closes the clients (their disconnect hooks still go out), then both ports. */
  stop(opts: { abortHooks?: boolean } = {}): Promise<void> {
    return this.queue.run(() => this.doStop(opts));
  }

  restart(): Promise<boolean> {
    return this.queue.run(async () => {
      await this.doStop({});
      return this.doStart();
    });
  }

  async idle(): Promise<void> {
    await this.queue.idle();
  }

  /** Re-reads the engine's sessions now; fires onDidChangeSessions when anything differs. */
  refresh(): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.refreshTimer = undefined;
    const next = this.ws?.engine.sessions() ?? [];
    const sig = JSON.stringify(next.map((s) => [s.sessionId, s.state, s.sipLogin, s.streams, s.calls]));
    this.snapshot = next;
    if (sig === this.signature) return;
    this.signature = sig;
    this.sessionsChanged.fire();
  }

  /** A control API action (`incoming-call`, `fail-stream` ...) on the running mock; its JSON answer. */
  control(action: ControlAction, body: Record<string, unknown>): Promise<unknown> {
    return this.call(`${CONTROL_PREFIX}${action}`, body);
  }

  /** A WCS REST API method (`data/send` ...) on the running mock, as a backend would call it. */
  rest(path: string, body: Record<string, unknown>): Promise<unknown> {
    return this.call(`/rest-api/${path}`, body);
  }

  /**
   * The hook server moved (a restart on another port): apps still posting to the old URL post to the new
   * one from their next session on, as after WCS's `update app`. Sessions already open keep the old URL.
   */
  followHookServer(url: string | undefined): void {
    const engine = this.ws?.engine;
    const s = this.stateValue;
    if (!engine || s.kind !== 'running' || !this.followsHookServer || url === undefined) return;
    const next = backendUrl(this.d.settings(), url);
    if (next === undefined || next === s.endpoint.backend) return;
    for (const app of engine.apps()) {
      if (app.backend !== 'engine backend' && app.backend !== s.endpoint.backend) continue;
      engine.setApp(app.appKey, { backend: { url: next }, methods: app.methods, ...(app.builtIn ? { builtIn: app.builtIn } : {}) });
    }
    this.d.log.info(`fake WCS: hooks now go to ${next} (the hook server moved); open sessions keep ${s.endpoint.backend}`);
    this.setState({ kind: 'running', endpoint: { ...s.endpoint, backend: next } });
  }

  dispose(): void {
    void this.stop({ abortHooks: true });
    this.stateChanged.dispose();
    this.sessionsChanged.dispose();
  }

  private async call(path: string, body: Record<string, unknown>): Promise<unknown> {
    const api = this.api;
    if (!api || this.stateValue.kind !== 'running') throw new LeverError('the fake WCS is not running', 0);
    const res = await api.call(path, body);
    this.refresh();
    if (res.status >= 200 && res.status < 300) return res.json;
    const error = (res.json as { error?: unknown } | undefined)?.error;
    throw new LeverError(typeof error === 'string' ? error : res.text || `HTTP ${res.status}`, res.status);
  }

  private setState(s: FakeWcsState): void {
    this.stateValue = s;
    this.stateChanged.fire(s);
  }

  private async doStart(): Promise<boolean> {
    if (this.ws) return true;
    const settings = this.d.settings();
    this.setState({ kind: 'starting' });
    this.followsHookServer = settings.backend === '';
    let backend = backendUrl(settings, this.d.hookServerUrl());
    if (backend === undefined) backend = backendUrl(settings, await this.d.ensureHookServer());
    if (backend === undefined) {
      return this.failed('The fake WCS needs somewhere to send its hooks: the hook server did not start (see above), and wcsHookMock.wcs.backend is empty.', 'backend');
    }
    let ws: WcsServer;
    try {
      ws = await startWcsServer({ host: '127.0.0.1', port: settings.port, backend: { url: backend }, warn: (l) => this.d.log.warn(`fake WCS: ${l}`) });
    } catch (err) {
      return this.failed(`The fake WCS did not start: ${(err as Error).message}.`, /in use/.test((err as Error).message) ? 'port' : undefined);
    }
    let rest: RestServer;
    try {
      rest = await startRestServer({ engine: ws.engine, host: '127.0.0.1', port: settings.restPort });
    } catch (err) {
      await ws.close().catch(() => undefined);
      return this.failed(`The fake WCS's REST port did not open: ${(err as Error).message}.`, /in use/.test((err as Error).message) ? 'restPort' : undefined);
    }
    this.ws = ws;
    this.restServer = rest;
    // The REST port's own API: REST-started calls made by a backend and by a lever are one set.
    this.api = rest.api;
    this.watching = this.watch(ws.engine, backend);
    const endpoint: Endpoint = { wsUrl: ws.url, restUrl: rest.origin, backend };
    this.d.log.info(`fake WCS on ${ws.url} (REST ${rest.url}, control API ${rest.origin}/wcs-mock/), hooks to ${backend}`);
    this.setState({ kind: 'running', endpoint });
    this.refresh();
    return true;
  }

  private watch(engine: WcsEngine, backend: string): { dispose(): void }[] {
    const log = this.d.log;
    let backendDown = false;
    const onSession = engine.on('session', () => this.scheduleRefresh());
    const onLog = engine.on('log', (e) => {
      this.scheduleRefresh();
      if (e.kind === 'hook-answer') {
        // One line per outage, not one per hook (as the `wcs` command does).
        if (e.failure === 'unreachable' && !backendDown) {
          backendDown = true;
          log.warn(terminalSafe(`fake WCS: the backend ${backend} is unreachable (${e.error ?? 'no answer'}); hooks fail until it answers, the fake WCS keeps running`));
        } else if (!e.failure && backendDown) {
          backendDown = false;
          log.info(`fake WCS: the backend ${backend} answers again`);
        }
      }
      if (e.kind === 'client-message' || e.kind === 'client-frame') {
        if (log.logLevel === vscode.LogLevel.Trace) log.trace(terminalSafe(`fake WCS: ${formatWcsLogEntry(e)}`));
        return;
      }
      // Levers and session changes at Info; a backend polling the REST API would flood it, so REST calls at Debug.
      if (e.kind === 'session' || e.kind === 'warning' || (e.kind === 'rest' && e.api === 'control')) log.info(terminalSafe(`fake WCS: ${formatWcsLogEntry(e)}`));
      else if (log.logLevel !== vscode.LogLevel.Off && log.logLevel <= vscode.LogLevel.Debug) log.debug(terminalSafe(`fake WCS: ${formatWcsLogEntry(e)}`));
    });
    return [onSession, onLog];
  }

  private scheduleRefresh(): void {
    this.refreshTimer ??= setTimeout(() => this.refresh(), REFRESH_MS);
  }

  private async doStop(opts: { abortHooks?: boolean }): Promise<void> {
    const ws = this.ws;
    if (!ws) {
      if (this.stateValue.kind !== 'stopped') this.setState({ kind: 'stopped' });
      return;
    }
    const sessions = ws.engine.sessions().length;
    if (opts.abortHooks) void ws.engine.close({ abortHooks: true });
    await this.restServer?.close().catch(() => undefined);
    await ws.close().catch((err: unknown) => this.d.log.warn(`fake WCS: closing: ${(err as Error).message}`));
    for (const w of this.watching.splice(0)) w.dispose();
    this.ws = undefined;
    this.restServer = undefined;
    this.api = undefined;
    this.d.log.info(`fake WCS stopped${sessions > 0 ? `; ${sessions} session(s) closed` : ''}`);
    this.setState({ kind: 'stopped' });
    this.refresh();
  }

  private failed(message: string, fix?: 'port' | 'restPort' | 'backend'): false {
    this.d.log.error(message);
    this.setState({ kind: 'failed', message, fix });
    return false;
  }
}
