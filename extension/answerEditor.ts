/**
 * "Edit and answer": the draft of a held hook's answer in a real editor, on the extension's own file system
 * (`wcs-hook-answer:`), so JSON language features work and saving sends.
 * - Live diagnostics while typing (JSON, the method's schema, restClientConfig, keys typed twice).
 * - A line above the draft (CodeLens): "Save sends 200 · 9 s left · Cancel", counting down (by the minute
 *   until the last one). VS Code is told it changed only when its text would, at a pace a slow editor keeps
 *   up with (lensRefresh.ts).
 * - Writing the file (auto-save, on by default in code-server and VS Code for the Web; File › Save) only keeps
 *   the text: half-typed JSON is often valid JSON. Sending is an explicit act: Ctrl+S in a draft is bound to
 *   "send what the editor shows", and the line above the draft does the same. (The reason VS Code gives for a
 *   save cannot tell them apart: its will-save event is dropped when the extension host is busy.)
 * - What is sent is the text as typed, byte for byte.
 */
import * as vscode from 'vscode';
import type { Exchange } from '../mock-server/hooks';
import type { HookView } from '../mock-server/view';
import { answerDraft, checkDraft, draftBanner, type DraftCheck } from './answerDraft';
import { lineCharacterAt } from './jsonSpan';
import { LensRefresh } from './lensRefresh';

export const ANSWER_SCHEME = 'wcs-hook-answer';
export const SEND_ANSWER_COMMAND = 'wcsHookMock.sendAnswerDraft';
export const CANCEL_ANSWER_COMMAND = 'wcsHookMock.cancelAnswerDraft';

/** Sends an edited answer (the text as typed); returns a message when it could not (nothing was sent then). */
export type SendEdited = (key: string, ex: Exchange, text: string) => string | undefined;

/**
 * `wcs-hook-answer:/EchoApp/connect #11 answer.json?<model key>`: the path is what the tab and breadcrumb
 * show, the query finds the exchange, the extension tells the editor it is JSON.
 */
export function answerUri(key: string, ex: Exchange): vscode.Uri {
  const app = ex.app.split('/').filter(Boolean).join(' ') || 'hooks';
  const method = ex.method || 'hook';
  return vscode.Uri.from({ scheme: ANSWER_SCHEME, path: `/${app.replace(/[\\/]/g, ' ')}/${method.replace(/[\\/]/g, ' ')} #${ex.id} answer.json`, query: key });
}

function keyOf(uri: vscode.Uri): string {
  return uri.query;
}

export class AnswerEditor implements vscode.FileSystemProvider, vscode.CodeLensProvider, vscode.Disposable {
  private readonly changedFiles = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.changedFiles.event;
  private readonly changedLenses = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changedLenses.event;
  /** Paces the change events so a slow editor is never starved of the line above a draft. */
  private readonly lenses = new LensRefresh({ signal: () => this.changedLenses.fire() });
  private readonly created = Date.now();
  /** Text saved but not sent (errors, auto-save, too late), by URI: reopening or reverting shows it again. */
  private readonly drafts = new Map<string, { text: string; mtime: number }>();
  private readonly checks = new Map<string, DraftCheck>();
  /** The titles of the lines VS Code last got, by draft URI: a signal is sent only when they would differ. */
  private readonly provided = new Map<string, string>();
  readonly diagnostics = vscode.languages.createDiagnosticCollection('wcs-hook-answer');
  private readonly subscriptions: { dispose(): void }[];
  private ticker: NodeJS.Timeout | undefined;

  constructor(
    private readonly model: HookView,
    private readonly send: SendEdited,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.subscriptions = [
      vscode.workspace.onDidOpenTextDocument((doc) => this.recheck(doc)),
      vscode.workspace.onDidChangeTextDocument((e) => this.recheck(e.document)),
      vscode.workspace.onDidCloseTextDocument((doc) => {
        if (doc.uri.scheme !== ANSWER_SCHEME) return;
        this.diagnostics.delete(doc.uri);
        this.checks.delete(doc.uri.toString());
        this.provided.delete(doc.uri.toString());
        this.tick();
      }),
      // An answer from elsewhere (the tree, the hold timeout) changes what the line above the draft says.
      model.on('changed', () => {
        this.dropAnsweredProblems();
        this.refreshLenses();
      }),
      this.diagnostics,
    ];
    for (const doc of vscode.workspace.textDocuments) this.recheck(doc);
  }

  private exchange(uri: vscode.Uri): Exchange {
    const ex = this.model.get(keyOf(uri));
    if (!ex) throw vscode.FileSystemError.FileNotFound(uri);
    return ex;
  }

  // ---- the file system: a draft per held exchange ----

  stat(uri: vscode.Uri): vscode.FileStat {
    // The folders above a draft (VS Code stats them before writing) are the same path without the file name.
    if (!uri.query || !uri.path.endsWith('.json')) return { type: vscode.FileType.Directory, ctime: this.created, mtime: this.created, size: 0 };
    const ex = this.exchange(uri);
    const d = this.drafts.get(uri.toString());
    const text = d?.text ?? answerDraft(ex);
    return { type: vscode.FileType.File, ctime: ex.receivedAt, mtime: d?.mtime ?? ex.receivedAt, size: Buffer.byteLength(text) };
  }

  readFile(uri: vscode.Uri): Uint8Array {
    const ex = this.exchange(uri);
    return new TextEncoder().encode(this.drafts.get(uri.toString())?.text ?? answerDraft(ex));
  }

  // Keeps the text, never sends, never rejects: a rejected write shows VS Code's own "Failed to save …
  // NoPermissions" error, and one thrown synchronously leaves VS Code's per-file write queue stuck.
  async writeFile(uri: vscode.Uri, content: Uint8Array): Promise<void> {
    // An auto-save that lands after the answer went out keeps nothing: the draft has done its job.
    if (this.exchange(uri).state === 'pending') this.keep(uri, new TextDecoder().decode(content));
  }

  /** Sends the text if it is a valid answer and the hook still waits; otherwise keeps it and says why. */
  private submit(uri: vscode.Uri, ex: Exchange, text: string): boolean {
    const id = uri.toString();
    // Answered meanwhile (the hold timeout, the tree): that, not the text's problems, is why nothing goes out,
    // and send() says so.
    if (ex.state === 'pending') {
      const check = checkDraft(ex.method, text);
      this.setDiagnostics(uri, text, check);
      if (!check.ok) {
        this.keep(uri, text);
        const n = check.problems.filter((p) => p.severity === 'error').length;
        vscode.window.setStatusBarMessage(`$(error) Nothing sent: the answer has ${n} problem${n === 1 ? '' : 's'} (see Problems)`, 8000);
        return false;
      }
    }
    const problem = this.send(keyOf(uri), ex, text);
    if (problem) {
      this.keep(uri, text);
      void vscode.window.showWarningMessage(`Nothing was sent: ${problem}`);
      return false;
    }
    this.drafts.delete(id);
    // The editor closes now, but VS Code disposes the document later: its problems must not outlive the tab.
    this.forget(uri);
    this.log.info(`#${ex.id} ${ex.method} answered 200 with the edited body (${Buffer.byteLength(text)} bytes, as typed)`);
    vscode.window.setStatusBarMessage(`$(check) Answered ${ex.method} #${ex.id} with 200 and your edited body`, 5000);
    return true;
  }

  private keep(uri: vscode.Uri, text: string): void {
    this.drafts.set(uri.toString(), { text, mtime: Date.now() });
  }

  watch(): vscode.Disposable {
    return new vscode.Disposable(() => undefined);
  }

  readDirectory(): [string, vscode.FileType][] {
    return [];
  }

  createDirectory(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  delete(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  rename(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  // ---- commands behind the line above the draft ----

  /** Sends what the editor shows now (saved or not) and closes it. */
  async sendNow(uri: vscode.Uri): Promise<boolean> {
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    const ex = this.model.get(keyOf(uri));
    if (!doc || !ex) return false;
    if (!this.submit(uri, ex, doc.getText())) return false;
    await revertAndClose(uri);
    return true;
  }

  /** Closes the draft without answering; the hook stays held (answer it from the tree, or the timeout will). */
  async cancel(uri: vscode.Uri): Promise<void> {
    await revertAndClose(uri);
    // After the close: an auto-save still in flight may have kept the text meanwhile. VS Code keeps a closed
    // document's text for a while, so it is told the file changed and reads the echo again next time.
    this.drafts.delete(uri.toString());
    this.changedFiles.fire([{ type: vscode.FileChangeType.Changed, uri }]);
    this.forget(uri);
  }

  private forget(uri: vscode.Uri): void {
    this.diagnostics.delete(uri);
    this.checks.delete(uri.toString());
  }

  // ---- diagnostics and the line above the draft ----

  private recheck(doc: vscode.TextDocument): void {
    if (doc.uri.scheme !== ANSWER_SCHEME) return;
    const ex = this.model.get(keyOf(doc.uri));
    if (!ex) return;
    // Problems matter only while the draft can still be sent; the line above it says when it cannot.
    if (ex.state !== 'pending') {
      this.forget(doc.uri);
      this.tick();
      return;
    }
    const text = doc.getText();
    this.setDiagnostics(doc.uri, text, checkDraft(ex.method, text));
    this.tick();
  }

  /** Problems matter only while a draft can still be sent: a hook answered elsewhere takes its draft's away. */
  private dropAnsweredProblems(): void {
    for (const id of [...this.checks.keys()]) {
      const uri = vscode.Uri.parse(id);
      if (this.model.get(keyOf(uri))?.state !== 'pending') this.forget(uri);
    }
  }

  private setDiagnostics(uri: vscode.Uri, text: string, check: DraftCheck): void {
    this.checks.set(uri.toString(), check);
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    const at = (offset: number) => (doc && doc.getText() === text ? doc.positionAt(offset) : positionIn(text, offset));
    this.diagnostics.set(
      uri,
      check.problems.map((p) => {
        const d = new vscode.Diagnostic(
          new vscode.Range(at(p.start), at(p.end)),
          p.message,
          p.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning,
        );
        d.source = 'WCS Hook Mock';
        return d;
      }),
    );
    this.refreshLenses();
  }

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    if (doc.uri.scheme !== ANSWER_SCHEME) return [];
    this.lenses.asked(doc.uri.toString());
    const lenses = this.lensesOf(doc);
    this.provided.set(doc.uri.toString(), titlesOf(lenses));
    return lenses;
  }

  /** Tells VS Code when a shown draft's lines would read differently from what it last got. */
  private refreshLenses(): void {
    const shown = vscode.window.visibleTextEditors.map((e) => e.document).filter((d) => d.uri.scheme === ANSWER_SCHEME);
    if (shown.some((doc) => this.provided.get(doc.uri.toString()) !== titlesOf(this.lensesOf(doc)))) {
      this.lenses.request(shown.map((d) => d.uri.toString()));
    }
  }

  private lensesOf(doc: vscode.TextDocument): vscode.CodeLens[] {
    const ex = this.model.get(keyOf(doc.uri));
    const check = this.checks.get(doc.uri.toString());
    const banner = draftBanner(ex, check, Date.now());
    const top = new vscode.Range(0, 0, 0, 0);
    const hasErrors = !!check && !check.ok;
    const main = banner.live && !hasErrors
      ? { title: `$(send) ${banner.text}`, command: SEND_ANSWER_COMMAND, arguments: [doc.uri], tooltip: 'Send this text, as typed, as the 200 answer (Ctrl+S in the draft does the same)' }
      : hasErrors && banner.live
        ? { title: `$(error) ${banner.text}`, command: 'workbench.actions.view.problems', tooltip: 'Show the problems' }
        : { title: `$(info) ${banner.text}`, command: '' };
    const cancel = {
      title: banner.live ? 'Cancel' : 'Close',
      command: CANCEL_ANSWER_COMMAND,
      arguments: [doc.uri],
      tooltip: banner.live ? 'Close without answering; the hook stays held' : 'Close this draft',
    };
    return [new vscode.CodeLens(top, main), new vscode.CodeLens(top, cancel)];
  }

  /**
   * While a draft is open, looks four times a second whether its line reads differently now (the countdown,
   * an answer from elsewhere) and tells VS Code as soon as the pace allows; nothing when it reads the same.
   */
  private tick(): void {
    const open = vscode.workspace.textDocuments.some((d) => d.uri.scheme === ANSWER_SCHEME && !d.isClosed);
    if (open && !this.ticker) {
      this.ticker = setInterval(() => this.refreshLenses(), 250);
    } else if (!open && this.ticker) {
      clearInterval(this.ticker);
      this.ticker = undefined;
    }
  }

  dispose(): void {
    if (this.ticker) clearInterval(this.ticker);
    for (const s of this.subscriptions) s.dispose();
    this.changedFiles.dispose();
    this.changedLenses.dispose();
  }
}

function titlesOf(lenses: readonly vscode.CodeLens[]): string {
  return lenses.map((l) => l.command?.title ?? '').join('\n');
}

function positionIn(text: string, offset: number): vscode.Position {
  const { line, character } = lineCharacterAt(text, offset);
  return new vscode.Position(line, character);
}

/**
 * Closes every tab of a draft, dropping unsaved edits. Through "revert and close" one tab at a time: closing a
 * tab that is dirty (or turns dirty in a race with auto-save) would ask "Save changes?" and wait for a person.
 */
async function revertAndClose(uri: vscode.Uri): Promise<void> {
  const same = (t: vscode.Tab) => t.input instanceof vscode.TabInputText && t.input.uri.toString() === uri.toString();
  for (const group of vscode.window.tabGroups.all) {
    const open = group.tabs.filter(same).length;
    for (let i = 0; i < open; i++) {
      await vscode.window.showTextDocument(uri, { viewColumn: group.viewColumn, preview: false });
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    }
  }
}
