/**
 * Owns the hook server's lifecycle in the extension: start, stop, restart on settings changes, live rules
 * reloads. Operations run one after another, so a settings change during a start cannot leave two servers
 * or none. Stopping closes the server, which answers every held hook with the fallback.
 */
import * as vscode from 'vscode';
import { createHookServer, type HookServer } from '../mock-server/hooks';
import type { RulesFile } from '../mock-server/hooks';
import type { Policy } from '../mock-server/hooks';
import { counted, type HookView } from '../mock-server/view';
import type { Disposable as CoreDisposable } from '../mock-server/util';
import { POLICY_LABELS, isLoopback, serverOptions, type Settings } from './config';
import type { RulesFileManager } from './rulesFile';
import { freePort, whoHolds } from './portProbe';

import type { ServerState } from './statusText';
import { SerialQueue } from './serialQueue';

export type { ServerState } from './statusText';

/** What the last read of the rules file found; `count` is the rules in force afterwards. */
export interface RulesStatus {
  readonly kind: 'none' | 'ok' | 'error';
  readonly message: string;
  readonly count?: number;
}

export class ServerController implements vscode.Disposable {
  private current: HookServer | undefined;
  private attachment: CoreDisposable | undefined;
  private readonly queue = new SerialQueue();
  private stateValue: ServerState = { kind: 'stopped' };
  private rulesInForce: RulesFile | undefined;
  private lastRules: RulesStatus = { kind: 'none', message: 'not loaded yet' };
  /** A port chosen for this window only (a busy port in a window without a folder). */
  private portOverride: number | undefined;
  private readonly changed = new vscode.EventEmitter<ServerState>();
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly model: HookView,
    private readonly log: vscode.LogOutputChannel,
    private readonly rules: RulesFileManager,
    private readonly settings: () => Settings,
  ) {}

  get state(): ServerState {
    return this.stateValue;
  }

  /** The running server, if any. */
  get server(): HookServer | undefined {
    return this.stateValue.kind === 'running' ? this.current : undefined;
  }

  start(): Promise<boolean> {
    return this.queue.run(() => this.doStart());
  }

  stop(): Promise<void> {
    return this.queue.run(() => this.doStop());
  }

  restart(): Promise<boolean> {
    return this.queue.run(async () => {
      await this.doStop();
      return this.doStart();
    });
  }

  /** Resolves when every queued start/stop/reload has finished. */
  async idle(): Promise<void> {
    await this.queue.idle();
  }

  /** Re-reads the rules file into the running server; a broken file keeps the previous rules. */
  reloadRules(): Promise<void> {
    return this.queue.run(async () => {
      const server = this.server;
      if (!server) return;
      const load = await this.rules.load();
      if (load.kind === 'error') {
        this.rules.reportError(load, this.rulesInForce ? 'The previous rules stay in force until it is fixed.' : 'No rules are in force until it is fixed.');
        this.lastRules = { kind: 'error', message: load.error.message, count: this.rulesInForce?.rules.length };
        this.changed.fire(this.stateValue);
        return;
      }
      this.rules.reportFine();
      const before = JSON.stringify(this.rulesInForce ?? null);
      this.rulesInForce = load.kind === 'ok' ? load.rules : undefined;
      this.lastRules = this.statusOf(load);
      server.setRules(this.rulesInForce);
      // A save that changed nothing the server reads (whitespace, a second write of the same text) is not news.
      if (JSON.stringify(this.rulesInForce ?? null) !== before) {
        this.log.info(load.kind === 'ok' ? `rules reloaded: ${counted(load.rules.rules.length, 'rule')} from ${load.uri.fsPath}` : `no rules: ${load.why}`);
      }
      this.changed.fire(this.stateValue);
    });
  }

  /** Applies a policy to the running server without a restart (held hooks stay held). */
  setPolicy(policy: Policy): void {
    this.current?.setPolicy(policy);
    this.log.info(`policy: ${POLICY_LABELS[policy]}`);
    this.changed.fire(this.stateValue);
  }

  get ruleCount(): number | undefined {
    return this.rulesInForce?.rules.length;
  }

  get rulesStatus(): RulesStatus {
    return this.lastRules;
  }

  private statusOf(load: Awaited<ReturnType<RulesFileManager['load']>>): RulesStatus {
    if (load.kind === 'ok') return { kind: 'ok', message: load.uri.fsPath, count: load.rules.rules.length };
    if (load.kind === 'none') return { kind: 'none', message: load.why };
    return { kind: 'error', message: load.error.message, count: this.rulesInForce?.rules.length };
  }

  dispose(): void {
    void this.stop();
    this.changed.dispose();
  }

  private setState(s: ServerState): void {
    this.stateValue = s;
    this.changed.fire(s);
  }

  private async doStart(): Promise<boolean> {
    if (this.current) return this.stateValue.kind === 'running';
    const configured = this.settings();
    const settings = this.portOverride === undefined ? configured : { ...configured, port: this.portOverride };
    this.setState({ kind: 'starting' });

    const load = await this.rules.load();
    if (load.kind === 'error') this.rules.reportError(load, 'The server runs without rules until it is fixed.', true);
    else this.rules.reportFine();
    this.rulesInForce = load.kind === 'ok' ? load.rules : undefined;
    this.lastRules = this.statusOf(load);

    let server: HookServer;
    try {
      server = createHookServer({ ...serverOptions(settings), rules: this.rulesInForce });
    } catch (err) {
      return this.failed(`Cannot create the hook server: ${(err as Error).message}`);
    }
    server.on('warning', (m) => this.log.warn(m));
    // Formatting a line per hook costs under a flood; only when someone set the channel to Debug or Trace.
    const debug = () => this.log.logLevel !== vscode.LogLevel.Off && this.log.logLevel <= vscode.LogLevel.Debug;
    server.on('received', (ex) => {
      if (debug()) this.log.debug(`#${ex.id} ${ex.method} ${ex.state === 'pending' ? 'held' : 'answered by rule'}`);
    });
    server.on('answered', (ex) => {
      if (debug() && ex.answer) this.log.debug(`#${ex.id} ${ex.method} → ${ex.answer.status} (${ex.answer.by})`);
    });
    server.on('aborted', (ex) => this.log.info(`#${ex.id} ${ex.method}: the client went away before an answer`));
    // Attached before listening so not even the first hook is missed.
    const attachment = this.model.attach(server);
    try {
      const addr = await server.listen();
      this.current = server;
      this.attachment = attachment;
      this.log.info(`listening on ${addr.url} (policy ${POLICY_LABELS[server.policy]}, hold timeout ${settings.holdTimeoutSeconds} s, fallback ${settings.fallback}, ${this.rulesInForce ? counted(this.rulesInForce.rules.length, 'rule') : 'no rules'})`);
      this.setState({ kind: 'running', url: addr.url, host: addr.host, port: addr.port });
      if (!isLoopback(settings.host)) this.warnExposed(settings.host, addr.url);
      return true;
    } catch (err) {
      attachment.dispose();
      await server.close().catch(() => undefined);
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE' && settings.port !== 0) return this.portBusy(settings.host, settings.port);
      return this.failed(`The WCS hook server did not start: ${(err as Error).message}`);
    }
  }

  private async doStop(): Promise<void> {
    const server = this.current;
    if (!server) {
      if (this.stateValue.kind !== 'stopped') this.setState({ kind: 'stopped' });
      return;
    }
    const held = server.pending().length;
    // Still attached while closing: the model must see the shutdown answers of the held hooks.
    await server.close();
    this.attachment?.dispose();
    this.attachment = undefined;
    this.current = undefined;
    server.removeAllListeners();
    this.log.info(`stopped${held > 0 ? `; ${counted(held, 'held hook')} answered with the fallback` : ''}`);
    this.setState({ kind: 'stopped' });
  }

  private failed(message: string): false {
    this.log.error(message);
    this.setState({ kind: 'failed', message });
    void vscode.window.showErrorMessage(message, 'Open Settings').then(async (pick) => {
      if (pick) await vscode.commands.executeCommand('workbench.action.openSettings', 'wcsHookMock');
    });
    return false;
  }

  /**
   * The port is taken. Usually by a wcs-hook-mock in another VS Code window (each window runs its own server,
   * and all default to 9091): WCS sends its hooks to that one, and they show in that window. Offer a port of
   * this workspace's own, so both can run, with the URL to give WCS; or not starting here at all.
   */
  private async portBusy(host: string, port: number): Promise<false> {
    const holder = await whoHolds(host, port);
    const message = holder === 'wcs-hook-mock'
      ? `Port ${port} is already served by another WCS hook mock (another VS Code window, or wcs-hook-mock serve): hooks sent to :${port} show there.`
      : `Port ${port} is in use by another program (not a WCS hook mock), so the WCS hook server did not start.`;
    this.log.warn(message);
    this.setState({ kind: 'failed', message });
    let free: number;
    try {
      free = await freePort(host);
    } catch {
      return this.failed(`${message} No free port was found on ${host} either.`);
    }
    const useFree = `Use Port ${free} Here`;
    const actions = holder === 'wcs-hook-mock' ? [useFree, "Don't Start in This Workspace", 'Open Settings'] : [useFree, 'Open Settings'];
    void vscode.window.showWarningMessage(message, ...actions).then(async (pick) => {
      const cfg = vscode.workspace.getConfiguration('wcsHookMock');
      if (pick === useFree) {
        // Saved in the workspace, so the URL given to WCS stays the same next time this folder is opened.
        // Without a folder there is no workspace setting, and the user setting is every window's: this
        // window only, until it closes.
        if (vscode.workspace.workspaceFolders) await cfg.update('port', free, vscode.ConfigurationTarget.Workspace);
        else {
          this.portOverride = free;
          await this.restart();
        }
        await this.idle();
        const running = this.server;
        if (running) {
          const url = `${running.url}/EchoApp`;
          const copy = 'Copy URL';
          const p = await vscode.window.showInformationMessage(`This workspace's hook server now listens on ${running.url}. Point WCS at ${url} for its hooks to show here.`, copy);
          if (p === copy) await vscode.env.clipboard.writeText(url);
        }
      } else if (pick === "Don't Start in This Workspace") {
        await cfg.update('autoStart', false, vscode.workspace.workspaceFolders ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global);
        this.log.info(`autoStart turned off for this workspace: the hook server on :${port} elsewhere gets the hooks`);
      } else if (pick === 'Open Settings') {
        await vscode.commands.executeCommand('workbench.action.openSettings', 'wcsHookMock.port');
      }
    });
    return false;
  }

  private warnExposed(host: string, url: string): void {
    const message =
      `The WCS hook server listens on ${host} (${url}): anyone who can reach this machine can send it hooks and ` +
      'read your answers. Use 127.0.0.1 unless WCS runs on another machine.';
    this.log.warn(message);
    void vscode.window.showWarningMessage(message, 'Open Settings').then((pick) => {
      if (pick) void vscode.commands.executeCommand('workbench.action.openSettings', 'wcsHookMock.host');
    });
  }
}
