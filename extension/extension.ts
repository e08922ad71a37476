/**
 * The composition root: builds the session model, the server controller, the tree, documents, status bar and
 * commands, and puts every Disposable into context.subscriptions (the server's among them, so held hooks are
 * answered even if deactivate() is never awaited).
 */
import * as vscode from 'vscode';
import type { HookServer } from '../mock-server/hooks';
import type { Exchange } from '../mock-server/hooks';
import { HookView, type ModelNode } from '../mock-server/view';
import { registerCommands } from './commands';
import { RESTART_KEYS, SECTION, readSettings, type Settings } from './config';
import { EXCHANGE_SCHEME, ExchangeDocuments } from './documents';
import { ANSWER_SCHEME, AnswerEditor } from './answerEditor';
import { ExchangeSheetColours } from './exchangeSheetView';
import { RulesFileManager } from './rulesFile';
import { ServerController, type RulesStatus } from './serverController';
import { StatusBar } from './statusBar';
import { HooksTreeProvider, openFilterBox } from './tree';
import { POLICY_LABELS } from './config';
import { setupFakeWcs, type FakeWcsApi } from './wcs';

export const VIEW_ID = 'wcsHookMock.hooks';

/** What activate() returns: for tests and for other extensions that want to drive the mock. */
export interface WcsHookMockApi {
  /** The running hook server, if any. */
  server(): HookServer | undefined;
  /** The server's base URL (`http://127.0.0.1:9091`), if running. */
  url(): string | undefined;
  readonly model: HookView;
  readonly tree: vscode.TreeDataProvider<ModelNode>;
  readonly treeView: vscode.TreeView<ModelNode>;
  /** What the status bar item shows now. */
  statusBar(): { text: string; tooltip: string };
  /** Resolves when pending starts, stops and restarts (settings changes included) have finished. */
  whenIdle(): Promise<void>;
  /** What the last read of the rules file found (after a broken edit: the error, and the rules still in force). */
  rules(): RulesStatus;
  /** The status bar marker shown while the rules file is broken. */
  rulesMarker(): { text: string; tooltip: string; visible: boolean };
  /** What deactivate() does: closes the server, answering every held hook with the fallback. */
  shutdown(): Promise<void>;
  /** The Hooks view's type-to-filter box while it is open. */
  filterBox(): vscode.InputBox | undefined;
  /** The fake WCS (extension/wcs): its controller, view and status bar item. */
  readonly wcs: FakeWcsApi;
}

let shutdown: (() => Promise<void>) | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<WcsHookMockApi> {
  const log = vscode.window.createOutputChannel('WCS Hook Mock', { log: true });
  context.subscriptions.push(log);

  const settings = (): Settings => {
    const cfg = vscode.workspace.getConfiguration(SECTION);
    return readSettings((k) => cfg.get(k)).settings;
  };
  const reportSettingProblems = () => {
    const cfg = vscode.workspace.getConfiguration(SECTION);
    const { problems } = readSettings((k) => cfg.get(k));
    for (const p of problems) log.warn(p);
    if (problems.length > 0) {
      void vscode.window.showWarningMessage(`WCS Hook Mock: ${problems.join('; ')}`, 'Open Settings').then((pick) => {
        if (pick) void vscode.commands.executeCommand('workbench.action.openSettings', SECTION);
      });
    }
  };

  const model = new HookView({ batchMs: 100, maxPerNode: 200, limit: settings().journalSize });
  context.subscriptions.push(model);
  const rules = new RulesFileManager(() => settings().rulesFile, log);
  context.subscriptions.push(rules);
  const controller = new ServerController(model, log, rules, settings);
  // Registered before anything that could fail, so the server is closed whatever happens next.
  context.subscriptions.push(controller);

  const tree = new HooksTreeProvider(model);
  const treeView = vscode.window.createTreeView(VIEW_ID, { treeDataProvider: tree, showCollapseAll: true, canSelectMany: true });
  context.subscriptions.push(tree, treeView);
  tree.showCountdownIn((text) => (treeView.message = text));

  const exchangeDocs = new ExchangeDocuments(model);
  // The edited text goes out as typed: a string body is sent byte for byte (answer.ts), not re-serialised.
  const sendEdited = (_key: string, ex: Exchange, text: string): string | undefined => {
    if (ex.state !== 'pending') return `${ex.method} #${ex.id} is no longer waiting for an answer.`;
    const server = controller.server;
    if (!server || !server.pending().includes(ex)) return `${ex.method} #${ex.id} belongs to a server that is no longer running.`;
    try {
      if (!server.answer(ex.id, { status: 200, body: text })) return `${ex.method} #${ex.id} could not be answered: the client went away.`;
    } catch (err) {
      return (err as Error).message;
    }
    return undefined;
  };
  const answerEditor = new AnswerEditor(model, sendEdited, log);
  context.subscriptions.push(
    exchangeDocs,
    answerEditor,
    vscode.workspace.registerTextDocumentContentProvider(EXCHANGE_SCHEME, exchangeDocs),
    new ExchangeSheetColours(exchangeDocs),
    vscode.workspace.registerFileSystemProvider(ANSWER_SCHEME, answerEditor, { isCaseSensitive: true }),
    vscode.languages.registerCodeLensProvider({ scheme: ANSWER_SCHEME }, answerEditor),
    vscode.commands.registerCommand('wcsHookMock.sendAnswerDraft', (uri?: vscode.Uri) => {
      const u = uri instanceof vscode.Uri ? uri : vscode.window.activeTextEditor?.document.uri;
      return u?.scheme === ANSWER_SCHEME ? answerEditor.sendNow(u) : false;
    }),
    vscode.commands.registerCommand('wcsHookMock.cancelAnswerDraft', (uri?: vscode.Uri) => {
      const u = uri instanceof vscode.Uri ? uri : vscode.window.activeTextEditor?.document.uri;
      return u?.scheme === ANSWER_SCHEME ? answerEditor.cancel(u) : undefined;
    }),
  );

  const statusBar = new StatusBar(controller, model, settings);
  context.subscriptions.push(statusBar);

  // View title, badge and context keys follow the server and the model.
  const updateView = () => {
    const s = controller.state;
    const held = model.stats().pending;
    treeView.badge = held > 0 ? { value: held, tooltip: `${held} hook${held === 1 ? '' : 's'} waiting for you` } : undefined;
    const policy = controller.server?.policy ?? settings().policy;
    const parts = [s.kind === 'running' ? `:${s.port} · ${POLICY_LABELS[policy]}` : s.kind];
    if (model.filtered) parts.push('filtered');
    treeView.description = parts.join(' · ');
    void vscode.commands.executeCommand('setContext', 'wcsHookMock.running', s.kind === 'running');
    void vscode.commands.executeCommand('setContext', 'wcsHookMock.policy', policy);
    void vscode.commands.executeCommand('setContext', 'wcsHookMock.timeline', model.mode === 'timeline');
    void vscode.commands.executeCommand('setContext', 'wcsHookMock.filtered', model.filtered);
    void vscode.commands.executeCommand('setContext', 'wcsHookMock.heldOnly', !!model.filter.heldOnly);
    void vscode.commands.executeCommand('setContext', 'wcsHookMock.held', held > 0);
  };
  const modelSub = model.on('changed', updateView);
  context.subscriptions.push({ dispose: () => modelSub.dispose() }, controller.onDidChange(updateView));
  updateView();

  context.subscriptions.push(...registerCommands({ context, model, controller, rules, treeView, log, settings }));

  context.subscriptions.push(
    rules.onDidChange(() => void controller.reloadRules()),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration(SECTION)) return;
      reportSettingProblems();
      const s = settings();
      if (e.affectsConfiguration(`${SECTION}.rulesFile`)) {
        rules.rewatch();
        void controller.reloadRules();
      }
      if (e.affectsConfiguration(`${SECTION}.policy`)) controller.setPolicy(s.policy);
      if (e.affectsConfiguration(`${SECTION}.journalSize`)) model.setLimit(s.journalSize);
      if (RESTART_KEYS.some((k) => e.affectsConfiguration(`${SECTION}.${k}`))) {
        if (controller.state.kind !== 'stopped') {
          log.info('settings changed: restarting the hook server');
          void controller.restart();
        }
      }
      if (e.affectsConfiguration(`${SECTION}.autoStart`) && s.autoStart && controller.state.kind === 'stopped') void controller.start();
    }),
  );

  shutdown = () => controller.stop();
  // The fake WCS (extension/wcs): its own view, status bar item, commands and wcsHookMock.wcs.* settings.
  const fakeWcs = setupFakeWcs({ controller, log });
  context.subscriptions.push(fakeWcs);
  const stopHookServer = shutdown;
  shutdown = () => fakeWcs.shutdown(stopHookServer);
  reportSettingProblems();
  if (settings().autoStart) void controller.start();

  return {
    server: () => controller.server,
    url: () => controller.server?.url,
    model,
    tree,
    treeView,
    statusBar: () => ({ text: statusBar.item.text, tooltip: String(statusBar.item.tooltip ?? '') }),
    whenIdle: () => controller.idle(),
    rules: () => controller.rulesStatus,
    rulesMarker: () => rules.marker(),
    shutdown: () => controller.stop(),
    filterBox: openFilterBox,
    wcs: fakeWcs.api,
  };
}

export function deactivate(): Promise<void> | undefined {
  // Awaited by VS Code (within its time limit): held hooks get their fallback answer before the host exits.
  const s = shutdown;
  shutdown = undefined;
  return s?.();
}
