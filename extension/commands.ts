/**
 * Every command of the extension. Item commands take the tree node they were invoked on; optional extra
 * arguments (reason, status, URL, target file) let tests and keybindings run them without prompts.
 */
import * as vscode from 'vscode';
import { POLICIES, isForwardAnswer, type AnswerSpec, type Exchange, type Policy, type RuleAnswer } from '../mock-server/hooks';
import { toCurl, toHttpFile } from '../mock-server/hooks';
import { answerLabel, answeredBy, counted, type ExchangeNode, type ModelNode, type HookView } from '../mock-server/view';
import { ANY_HOOK_TYPES, type AnyHookType } from '../mock-server/protocol';
import { POLICY_LABELS, SECTION, type Settings } from './config';
import { ExchangeDocuments, type ExchangeView } from './documents';
import { answerUri } from './answerEditor';
import { filterByTyping } from './tree';
import { defaultReplayUrl, replay, type ReplayResult } from './replay';
import type { RulesFileManager } from './rulesFile';
import { openAt } from './rulesFile';
import type { ServerController } from './serverController';
import { generateStubCommand } from './stubCommand';
import { hookTypesArg, textArg, uriArg } from './commandArgs';
import { RulesError } from '../mock-server/hooks';

export interface CommandDeps {
  readonly context: vscode.ExtensionContext;
  readonly model: HookView;
  readonly controller: ServerController;
  readonly rules: RulesFileManager;
  readonly treeView: vscode.TreeView<ModelNode>;
  readonly log: vscode.LogOutputChannel;
  readonly settings: () => Settings;
}

interface Target {
  readonly key: string;
  readonly ex: Exchange;
}


function isExchangeNode(v: unknown): v is ExchangeNode {
  return typeof v === 'object' && v !== null && (v as ExchangeNode).kind === 'exchange' && 'exchange' in v;
}

function configTarget(): vscode.ConfigurationTarget {
  return vscode.workspace.workspaceFolders ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
}

export function registerCommands(d: CommandDeps): vscode.Disposable[] {
  const { model, controller, treeView, log } = d;

  /** The exchange a command is about: its argument, else the tree selection, else a pick among held ones. */
  async function target(arg: unknown, heldOnly: boolean): Promise<Target | undefined> {
    if (isExchangeNode(arg)) {
      const key = model.keyOf(arg);
      return { key, ex: model.get(key) ?? arg.exchange };
    }
    // From an exchange document's title bar VS Code passes the document's URI.
    const docKey = arg instanceof vscode.Uri ? ExchangeDocuments.keyOf(arg) : undefined;
    if (docKey !== undefined) return target(docKey, heldOnly);
    if (typeof arg === 'string') {
      const ex = model.get(arg);
      if (ex) return { key: arg, ex };
      void vscode.window.showErrorMessage(`No hook ${arg} in the WCS Hooks view.`);
      return undefined;
    }
    const selected = treeView.selection.find(isExchangeNode);
    if (selected && (!heldOnly || selected.exchange.state === 'pending')) return target(selected, heldOnly);
    const waiting = model.roots().find((n) => n.kind === 'waiting');
    const held = waiting ? model.children(waiting).filter(isExchangeNode) : [];
    if (!heldOnly || held.length === 0) {
      void vscode.window.showInformationMessage(heldOnly ? 'No hook is waiting for an answer.' : 'Select a hook in the WCS Hooks view first.');
      return undefined;
    }
    const pick = await vscode.window.showQuickPick(
      held.map((n) => ({ label: n.exchange.method, description: `#${n.exchange.id} ${n.exchange.app}`, node: n })),
      { placeHolder: 'Which held hook?' },
    );
    return pick ? target(pick.node, heldOnly) : undefined;
  }

  /** Opens one view of an exchange (the HTTP sheet, or its JSON record) beside the tree, keeping focus there. */
  async function openExchangeAs(arg: unknown, view: ExchangeView): Promise<vscode.Uri | undefined> {
    const t = await target(arg, false);
    if (!t) return undefined;
    const uri = ExchangeDocuments.uri(t.key, t.ex, view);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc, { preview: true, preserveFocus: true });
    return uri;
  }

  /**
   * The held exchanges a menu command is about: with several selected in the tree, VS Code passes the clicked
   * node and the selection; the clicked one alone otherwise.
   */
  async function targets(arg: unknown, selection: unknown): Promise<Target[]> {
    if (Array.isArray(selection) && selection.length > 1) {
      const held = selection.filter(isExchangeNode).filter((n) => n.exchange.state === 'pending');
      // The copy under "Waiting for you" and the tree node are the same exchange: answer it once.
      const unique = [...new Map(held.map((n) => [model.keyOf(n), n])).values()];
      const out: Target[] = [];
      for (const n of unique) {
        const t = await target(n, true);
        if (t) out.push(t);
      }
      return out;
    }
    const t = await target(arg, true);
    return t ? [t] : [];
  }

  /** Sends an answer to a held exchange of the running server; explains why when it cannot. */
  function send(t: Target, spec: AnswerSpec): boolean {
    const { ex } = t;
    if (ex.state !== 'pending') {
      const how = ex.answer ? `${answerLabel(ex.answer)} by ${answeredBy(ex.answer)}` : 'the client went away';
      void vscode.window.showInformationMessage(`${ex.method} #${ex.id} is no longer waiting (${how}).`);
      return false;
    }
    const server = controller.server;
    if (!server || !server.pending().includes(ex)) {
      void vscode.window.showWarningMessage(`${ex.method} #${ex.id} belongs to a server that is no longer running.`);
      return false;
    }
    let ok: boolean;
    try {
      ok = server.answer(ex.id, spec);
    } catch (err) {
      void vscode.window.showErrorMessage((err as Error).message);
      return false;
    }
    if (!ok) void vscode.window.showWarningMessage(`${ex.method} #${ex.id} could not be answered: the client went away.`);
    else log.info(`#${ex.id} ${ex.method} answered ${ex.answer ? answerLabel(ex.answer) : ''} by you`);
    return ok;
  }

  async function askReason(value?: string): Promise<string | undefined> {
    return vscode.window.showInputBox({
      title: 'Decline with a reason',
      prompt: 'WCS passes the reason on to the client (sent as {"status":403,"reason":"…"})',
      value,
      validateInput: (v) => (v.trim() === '' ? 'A reason is needed (use "Answer 403" for an empty body)' : undefined),
    });
  }

  function baseUrl(): string {
    const s = d.settings();
    return controller.server?.url ?? `http://${s.host}:${s.port}`;
  }

  async function applyPolicy(policy: Policy): Promise<void> {
    controller.setPolicy(policy);
    await vscode.workspace.getConfiguration(SECTION).update('policy', policy, configTarget());
  }

  async function writeText(uri: vscode.Uri, text: string): Promise<void> {
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
  }

  function defaultUri(name: string): vscode.Uri | undefined {
    const folder = vscode.workspace.workspaceFolders?.[0];
    return folder ? vscode.Uri.joinPath(folder.uri, name) : undefined;
  }

  const handlers: Record<string, (...args: never[]) => unknown> = {
    'wcsHookMock.answerEcho': async (arg?: unknown, selection?: unknown) => {
      const ts = await targets(arg, selection);
      return ts.length > 0 && ts.map((t) => send(t, 'echo')).every(Boolean);
    },
    'wcsHookMock.answerForbid': async (arg?: unknown, selection?: unknown) => {
      const ts = await targets(arg, selection);
      return ts.length > 0 && ts.map((t) => send(t, 'forbid')).every(Boolean);
    },
    // Forward mode: a hook held at a breakpoint goes on (to the backend, or the backend's held answer to WCS).
    'wcsHookMock.passThrough': async (arg?: unknown, selection?: unknown) => {
      const ts = await targets(arg, selection);
      return ts.length > 0 && ts.map(({ ex }) => {
        const ok = controller.server?.pass(ex.id) ?? false;
        if (!ok) void vscode.window.showInformationMessage(`${ex.method} #${ex.id} is not a forwarded hook held at a breakpoint (see wcsHookMock.forward).`);
        else log.info(`#${ex.id} ${ex.method} let through`);
        return ok;
      }).every(Boolean);
    },
    // From a menu the second argument is the tree selection; from code it may be the reason.
    'wcsHookMock.answerForbidWithReason': async (arg?: unknown, selectionOrReason?: unknown) => {
      const ts = await targets(arg, selectionOrReason);
      if (ts.length === 0) return false;
      const r = typeof selectionOrReason === 'string' ? selectionOrReason : await askReason();
      return !!r && ts.map((t) => send(t, { status: 403, reason: r })).every(Boolean);
    },
    // From an item's menu the second argument is the selection, not a status.
    'wcsHookMock.answerWithStatus': async (arg?: unknown, status?: unknown, reasonArg?: unknown) => {
      const t = await target(arg, true);
      if (!t) return false;
      let code = typeof status === 'number' ? status : undefined;
      let reason = textArg(reasonArg);
      if (code === undefined) {
        const input = await vscode.window.showInputBox({
          title: `Answer ${t.ex.method} #${t.ex.id} with status`,
          prompt: 'WCS treats anything but 200 as an interaction error (see the tooltip for what that does here)',
          value: '500',
          validateInput: (v) => (/^[1-5]\d\d$/.test(v.trim()) ? undefined : 'An HTTP status from 100 to 599'),
        });
        if (!input) return false;
        code = Number(input.trim());
        if (code !== 200) reason = await vscode.window.showInputBox({ prompt: 'Reason (optional; empty sends no body)' });
      }
      if (code === 200) return send(t, 'echo');
      return send(t, reason ? { status: code, reason } : { status: code });
    },
    'wcsHookMock.editAndAnswer': async (arg?: unknown) => {
      const t = await target(arg, true);
      if (!t) return undefined;
      const uri = answerUri(t.key, t.ex);
      await vscode.window.showTextDocument(uri, { preview: false });
      return uri;
    },
    'wcsHookMock.alwaysAnswerLikeThis': async (arg?: unknown, answer?: RuleAnswer) => {
      const t = await target(arg, false);
      if (!t) return undefined;
      let chosen = answer;
      if (chosen === undefined) {
        type Item = vscode.QuickPickItem & { answer?: RuleAnswer; ask?: 'reason' };
        const items: Item[] = [];
        if (t.ex.answer) items.push({ label: `Like this: ${answerLabel(t.ex.answer)}`, answer: t.ex.answer.spec });
        items.push(
          { label: '200 (echo)', answer: 'echo' },
          { label: '403', answer: 'forbid' },
          { label: '403 with reason…', ask: 'reason' },
          { label: 'Hold for me', description: 'wait for an answer from the tree', answer: 'hold' },
        );
        const pick = await vscode.window.showQuickPick(items, { title: `Always answer ${t.ex.method}` });
        if (!pick) return undefined;
        if (pick.ask) {
          const r = await askReason();
          if (!r) return undefined;
          chosen = { status: 403, reason: r };
        } else chosen = pick.answer;
      }
      if (chosen === undefined) return undefined;
      let uri: vscode.Uri;
      try {
        uri = await d.rules.addRule({ name: `${t.ex.method}: always (from the WCS Hooks view)`, method: t.ex.method, answer: chosen });
      } catch (err) {
        if (err instanceof RulesError) {
          const fileUri = d.rules.uri();
          void vscode.window.showErrorMessage(`The rules file is not valid, so no rule was added: ${err.message}`, 'Open File').then((p) => {
            if (p && fileUri) void openAt(fileUri, err.line, err.column);
          });
        } else void vscode.window.showErrorMessage((err as Error).message);
        return undefined;
      }
      await controller.reloadRules();
      if (t.ex.state === 'pending' && chosen !== 'hold' && !isForwardAnswer(chosen)) send(t, chosen);
      void vscode.window.showInformationMessage(`${t.ex.method} is now always answered by a rule in ${vscode.workspace.asRelativePath(uri)}.`, 'Open Rules File').then((p) => {
        if (p) void vscode.window.showTextDocument(uri);
      });
      return uri;
    },
    'wcsHookMock.answerAllEcho': () => {
      const server = controller.server;
      if (!server) return 0;
      let n = 0;
      for (const ex of server.pending()) if (server.answer(ex.id, 'echo')) n++;
      log.info(`answered ${counted(n, 'held hook')} with 200 echo`);
      return n;
    },
    'wcsHookMock.setPolicy': async (policy?: Policy) => {
      let p = policy;
      if (p === undefined) {
        const current = controller.server?.policy ?? d.settings().policy;
        const pick = await vscode.window.showQuickPick(
          POLICIES.map((x) => ({ label: POLICY_LABELS[x], description: x === current ? 'current' : undefined, policy: x })),
          { title: 'Which hooks wait for your answer?' },
        );
        p = pick?.policy;
      }
      if (!p) return undefined;
      if (!POLICIES.includes(p)) throw new Error(`unknown policy ${String(p)}`);
      await applyPolicy(p);
      return p;
    },
    'wcsHookMock.policyHoldAll': () => applyPolicy('hold-all'),
    'wcsHookMock.policyHoldBlockable': () => applyPolicy('hold-blockable'),
    'wcsHookMock.policyEchoAll': () => applyPolicy('echo-all'),
    'wcsHookMock.startServer': () => controller.start(),
    'wcsHookMock.stopServer': () => controller.stop(),
    'wcsHookMock.restartServer': () => controller.restart(),
    'wcsHookMock.openExchange': (arg?: unknown) => openExchangeAs(arg, 'sheet'),
    'wcsHookMock.openExchangeJson': (arg?: unknown) => openExchangeAs(arg, 'json'),
    'wcsHookMock.compareAnswer': async (arg?: unknown) => {
      const t = await target(arg, false);
      if (!t) return undefined;
      if (!t.ex.answer) {
        void vscode.window.showInformationMessage(`${t.ex.method} #${t.ex.id} has no answer to compare yet.`);
        return undefined;
      }
      const [received, sent] = [ExchangeDocuments.uri(t.key, t.ex, 'received'), ExchangeDocuments.uri(t.key, t.ex, 'sent')];
      await vscode.commands.executeCommand('vscode.diff', received, sent, `${t.ex.method} #${t.ex.id}: received ↔ sent (${answerLabel(t.ex.answer)})`, { preview: true });
      return { received, sent };
    },
    'wcsHookMock.copyAsCurl': async (arg?: unknown) => {
      const t = await target(arg, false);
      if (!t) return undefined;
      const text = toCurl(t.ex, baseUrl());
      await vscode.env.clipboard.writeText(text);
      void vscode.window.setStatusBarMessage('$(clippy) cURL command copied', 3000);
      return text;
    },
    'wcsHookMock.saveAsHttp': async (arg?: unknown, to?: vscode.Uri) => {
      const t = await target(arg, false);
      if (!t) return undefined;
      const uri = to ?? (await vscode.window.showSaveDialog({
        defaultUri: defaultUri(`${t.ex.method}-${t.ex.id}.http`), filters: { 'HTTP requests': ['http', 'rest'] },
      }));
      if (!uri) return undefined;
      await writeText(uri, toHttpFile(t.ex, baseUrl()));
      if (!to) await vscode.window.showTextDocument(uri);
      return uri;
    },
    'wcsHookMock.replay': async (arg?: unknown, url?: string): Promise<ReplayResult | undefined> => {
      const t = await target(arg, false);
      if (!t) return undefined;
      const last = d.context.workspaceState.get<string>('replayBase');
      const to = url ?? (await vscode.window.showInputBox({
        title: `Replay ${t.ex.method} #${t.ex.id}`,
        prompt: 'POSTs the received body, byte for byte, to this URL',
        value: defaultReplayUrl(t.ex, last),
        validateInput: (v) => (/^https?:\/\/\S+$/.test(v.trim()) ? undefined : 'An http:// or https:// URL'),
      }));
      if (!to) return undefined;
      try {
        const u = new URL(to.trim());
        await d.context.workspaceState.update('replayBase', u.origin);
        const res = await replay(t.ex, u.toString());
        log.info(`replayed #${t.ex.id} ${t.ex.method} to ${u} → ${res.status} in ${res.ms} ms`);
        if (!url) {
          void vscode.window.showInformationMessage(`${t.ex.method} replayed to ${u}: ${res.status} in ${res.ms} ms`, 'Show Response').then(async (p) => {
            if (p) await vscode.window.showTextDocument(await vscode.workspace.openTextDocument({ content: res.body, language: 'json' }));
          });
        }
        return res;
      } catch (err) {
        const message = `Replay of ${t.ex.method} #${t.ex.id} to ${to} failed: ${(err as Error).message}`;
        log.warn(message);
        void vscode.window.showErrorMessage(message);
        return undefined;
      }
    },
    // From view/title VS Code passes nothing; from an item's menu, the item: only a Uri names the file.
    'wcsHookMock.exportJournal': async (arg?: unknown) => {
      const to = uriArg<vscode.Uri>(arg);
      const exchanges = model.history();
      const uri = to ?? (await vscode.window.showSaveDialog({
        defaultUri: defaultUri(`wcs-hooks-${new Date().toISOString().replace(/[:.]/g, '-')}.jsonl`),
        filters: { 'JSON Lines': ['jsonl'] },
      }));
      if (!uri) return undefined;
      await writeText(uri, exchanges.map((ex) => JSON.stringify(ex)).join('\n') + (exchanges.length ? '\n' : ''));
      if (!to) void vscode.window.showInformationMessage(`Exported ${counted(exchanges.length, 'exchange')} to ${vscode.workspace.asRelativePath(uri)}.`);
      return { uri, count: exchanges.length };
    },
    'wcsHookMock.generateStub': (arg?: unknown, selection?: unknown) => generateStubCommand({ model, log }, arg, selection),
    'wcsHookMock.toggleTimeline': () => model.setMode(model.mode === 'timeline' ? 'tree' : 'timeline'),
    'wcsHookMock.showAsTree': () => model.setMode('tree'),
    'wcsHookMock.filterHeld': () => model.setFilter({ ...model.filter, heldOnly: !model.filter.heldOnly }),
    'wcsHookMock.filterType': async (arg?: unknown) => {
      let chosen = hookTypesArg(arg);
      if (!chosen) {
        const current = model.filter.types ?? [];
        const picks = await vscode.window.showQuickPick(
          ANY_HOOK_TYPES.map((t) => ({ label: t, picked: current.includes(t) })),
          { canPickMany: true, title: 'Show only these hook types (none: all)' },
        );
        if (!picks) return;
        chosen = picks.map((p) => p.label as AnyHookType);
      }
      model.setFilter({ ...model.filter, types: chosen });
    },
    'wcsHookMock.filterText': async (arg?: unknown) => {
      const given = textArg(arg);
      // Without a text (palette, title button, menus) the box filters live as the user types.
      if (given === undefined) return filterByTyping(model);
      model.setFilter({ ...model.filter, text: given });
      return given;
    },
    'wcsHookMock.clearFilter': () => model.setFilter({}),
    'wcsHookMock.clear': () => model.clear(),
    'wcsHookMock.focus': () => vscode.commands.executeCommand('wcsHookMock.hooks.focus'),
    'wcsHookMock.showLog': () => log.show(),
    'wcsHookMock.copyUrl': async () => {
      const url = `${baseUrl()}/EchoApp`;
      await vscode.env.clipboard.writeText(url);
      void vscode.window.showInformationMessage(`Copied ${url}. On WCS (ssh -p 2001 admin@<wcs>): update app -l ${url} defaultApp`);
      return url;
    },
    'wcsHookMock.openRulesFile': async () => {
      const uri = d.rules.uri();
      if (!uri) {
        void vscode.window.showErrorMessage('Open a folder first: the rules file lives in the workspace.');
        return undefined;
      }
      if ((await d.rules.read()) === undefined) {
        await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(uri, '..'));
        await writeText(uri, JSON.stringify({ rules: [] }, null, 2) + '\n');
      }
      await vscode.window.showTextDocument(uri);
      return uri;
    },
  };

  return Object.entries(handlers).map(([id, fn]) => vscode.commands.registerCommand(id, fn as (...args: unknown[]) => unknown));
}
