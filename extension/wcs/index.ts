/**
 * The fake WCS in VS Code: wires the in-process WCS mock (fakeWcs.ts) to its view, status bar item,
 * commands and `wcsHookMock.wcs.*` settings, and follows the hook server (auto start, backend URL).
 * extension.ts calls setupFakeWcs once; everything it makes is disposed with the returned object.
 */
import * as vscode from 'vscode';
import type { ServerController } from '../serverController';
import { registerWcsCommands } from './commands';
import { FakeWcs, type FakeWcsState } from './fakeWcs';
import type { WcsNode } from './presentation';
import { WCS_RESTART_KEYS, WCS_SUBSECTION, readWcsSettings, type WcsSettings } from './settings';
import { FakeWcsTreeProvider } from './tree';

export { FakeWcs, LeverError, type FakeWcsState } from './fakeWcs';
export type { WcsNode } from './presentation';
export { DEFAULT_WCS_SETTINGS, type WcsSettings } from './settings';

export const WCS_VIEW_ID = 'wcsHookMock.wcs';
const SECTION = `wcsHookMock.${WCS_SUBSECTION}`;

/** What activate() hands tests and other extensions about the fake WCS. */
export interface FakeWcsApi {
  readonly fake: FakeWcs;
  readonly tree: vscode.TreeDataProvider<WcsNode>;
  readonly treeView: vscode.TreeView<WcsNode>;
  statusBar(): { text: string; tooltip: string; visible: boolean };
}

export interface FakeWcsSetup extends vscode.Disposable {
  readonly api: FakeWcsApi;
  /** Deactivation: closes the fake WCS while `stopHooks` answers what the hook server holds, so neither waits on the other. */
  shutdown(stopHooks: (() => Promise<void>) | undefined): Promise<void>;
}

function configTarget(): vscode.ConfigurationTarget {
  return vscode.workspace.workspaceFolders ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
}

export function setupFakeWcs(d: { readonly controller: ServerController; readonly log: vscode.LogOutputChannel }): FakeWcsSetup {
  const { controller, log } = d;
  const read = () => {
    const cfg = vscode.workspace.getConfiguration(SECTION);
    return readWcsSettings((k) => cfg.get(k));
  };
  const settings = (): WcsSettings => read().settings;
  const fake = new FakeWcs({
    log,
    settings,
    hookServerUrl: () => controller.server?.url,
    ensureHookServer: async () => ((await controller.start()) ? controller.server?.url : undefined),
  });
  const tree = new FakeWcsTreeProvider(fake);
  const treeView = vscode.window.createTreeView(WCS_VIEW_ID, { treeDataProvider: tree, showCollapseAll: true });
  const item = vscode.window.createStatusBarItem('wcsHookMock.wcsStatus', vscode.StatusBarAlignment.Left, 9);
  item.name = 'WCS Hook Mock: fake WCS';
  // The user's own stop holds until they start it again: auto start would undo it on every hook server restart.
  let stoppedByUser = false;
  const disposables: vscode.Disposable[] = [fake, tree, treeView, item, ...registerWcsCommands(fake, (stopped) => (stoppedByUser = stopped))];

  const update = () => {
    const s = fake.state;
    const n = fake.sessions().length;
    void vscode.commands.executeCommand('setContext', 'wcsHookMock.wcsRunning', s.kind === 'running');
    treeView.description = s.kind === 'running' ? `:${new URL(s.endpoint.wsUrl).port} · ${n} session${n === 1 ? '' : 's'}` : s.kind;
    if (s.kind === 'running') {
      item.text = `$(broadcast) fake WCS :${new URL(s.endpoint.wsUrl).port}${n > 0 ? ` · ${n}` : ''}`;
      item.tooltip = `Fake WCS on ${s.endpoint.wsUrl} (${n} session${n === 1 ? '' : 's'}); REST ${s.endpoint.restUrl ?? 'off'}; hooks to ${s.endpoint.backend}\nClick to copy the ws:// URL`;
      item.command = 'wcsHookMock.wcs.copyUrl';
      item.backgroundColor = undefined;
      item.show();
    } else if (s.kind === 'failed') {
      item.text = '$(error) fake WCS';
      item.tooltip = `${s.message}\nClick to try again`;
      item.command = 'wcsHookMock.wcs.start';
      item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
      item.show();
    } else item.hide();
  };

  const reportFailure = (s: FakeWcsState) => {
    if (s.kind !== 'failed') return;
    const key = s.fix === 'restPort' ? 'restPort' : 'port';
    const actions = s.fix === 'port' || s.fix === 'restPort' ? ['Use a Free Port', 'Choose Port…', 'Open Settings'] : ['Open Settings'];
    void vscode.window.showErrorMessage(s.message, ...actions).then(async (pick) => {
      const cfg = vscode.workspace.getConfiguration(SECTION);
      if (pick === 'Open Settings') await vscode.commands.executeCommand('workbench.action.openSettings', s.fix === 'backend' ? SECTION : `${SECTION}.${key}`);
      else if (pick === 'Use a Free Port') await cfg.update(key, 0, configTarget());
      else if (pick === 'Choose Port…') {
        const port = await vscode.window.showInputBox({
          title: key === 'port' ? 'WebSocket port of the fake WCS' : 'REST port of the fake WCS',
          prompt: '1–65535 (0: any free port; the status bar shows it)',
          validateInput: (v) => (/^\d+$/.test(v.trim()) && Number(v) <= 65535 ? undefined : 'A port number from 0 to 65535'),
        });
        if (port !== undefined) await cfg.update(key, Number(port.trim()), configTarget());
      }
    });
  };

  /** A bad value falls back to its default with one warning, as the hook server's settings do. */
  const reportProblems = () => {
    const { problems } = read();
    for (const p of problems) log.warn(p);
    if (problems.length > 0) {
      void vscode.window.showWarningMessage(`WCS Hook Mock: ${problems.join('; ')}`, 'Open Settings').then((pick) => {
        if (pick) void vscode.commands.executeCommand('workbench.action.openSettings', SECTION);
      });
    }
  };
  const autoStart = () => {
    if (settings().autoStart && !stoppedByUser && fake.state.kind === 'stopped' && controller.state.kind === 'running') void fake.start();
  };
  disposables.push(
    fake.onDidChangeState((s) => {
      update();
      reportFailure(s);
    }),
    fake.onDidChangeSessions(update),
    controller.onDidChange((s) => {
      if (s.kind !== 'running') return;
      fake.followHookServer(s.url);
      autoStart();
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration(SECTION)) return;
      reportProblems();
      const k = fake.state.kind;
      if (WCS_RESTART_KEYS.some((key) => e.affectsConfiguration(`${SECTION}.${key}`)) && (k === 'running' || k === 'failed')) {
        log.info('fake WCS settings changed: restarting it (connected clients are closed)');
        void fake.restart();
      }
      if (e.affectsConfiguration(`${SECTION}.autoStart`)) autoStart();
    }),
  );
  update();
  reportProblems();
  autoStart();

  return {
    api: {
      fake,
      tree,
      treeView,
      statusBar: () => ({ text: item.text, tooltip: String(item.tooltip ?? ''), visible: fake.state.kind === 'running' || fake.state.kind === 'failed' }),
    },
    async shutdown(stopHooks) {
      const closing = fake.stop();
      await stopHooks?.();
      await closing;
    },
    dispose() {
      for (const x of disposables.splice(0).reverse()) x.dispose();
    },
  };
}
