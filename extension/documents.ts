/**
 * Editors on the extension's own URI schemes:
 * - `wcs-hook:` read-only views of one exchange, updated when it is answered: the HTTP sheet (`.wcs-exchange`,
 *   request and response as REST clients show them), the JSON record (`.json`), and the received and sent
 *   bodies for the diff editor (`-received.json`, `-sent.json`);
 * - `wcs-hook-answer:` the answer draft of a held exchange, a real file system: saving it sends the answer,
 *   after JSON and schema checks; a failed check sends nothing and the editor keeps the draft.
 */
import * as vscode from 'vscode';
import type { Exchange } from '../mock-server/hooks';
import { exchangeSheet, prettyBody, renderSheet, type HookView, type SheetMark } from '../mock-server/view';
import { answerDraft, checkAnswerDraft, exchangeDocument } from './exchangeText';

export const EXCHANGE_SCHEME = 'wcs-hook';
export const ANSWER_SCHEME = 'wcs-hook-answer';

/** `/<model key>/<method>.json`: the key finds the exchange, the name tells the editor it is JSON. */
function uriFor(scheme: string, key: string, name: string): vscode.Uri {
  return vscode.Uri.from({ scheme, path: `/${encodeURIComponent(key)}/${encodeURIComponent(name)}` });
}

function keyOf(uri: vscode.Uri): string {
  return decodeURIComponent(uri.path.split('/')[1] ?? '');
}

/** Which view of an exchange a `wcs-hook:` document is, by the end of its name. */
export type ExchangeView = 'sheet' | 'json' | 'received' | 'sent';

const VIEW_SUFFIX: Readonly<Record<ExchangeView, string>> = {
  sheet: '.wcs-exchange', json: '.json', received: '-received.json', sent: '-sent.json',
};

function viewOf(uri: vscode.Uri): ExchangeView {
  if (uri.path.endsWith(VIEW_SUFFIX.sheet)) return 'sheet';
  if (uri.path.endsWith(VIEW_SUFFIX.received)) return 'received';
  if (uri.path.endsWith(VIEW_SUFFIX.sent)) return 'sent';
  return 'json';
}

export class ExchangeDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  /** Open documents and the exchange state they show, to refresh them when it changes. */
  private readonly shown = new Map<string, { uri: vscode.Uri; version: string; marks?: readonly SheetMark[] }>();
  private readonly subscriptions: { dispose(): void }[];

  constructor(private readonly model: HookView) {
    this.subscriptions = [
      model.on('changed', () => this.refreshShown()),
      vscode.workspace.onDidCloseTextDocument((d) => {
        if (d.uri.scheme === EXCHANGE_SCHEME) this.shown.delete(d.uri.toString());
      }),
    ];
  }

  /** The exchange's HTTP sheet (what a click opens), or another view of it. */
  static uri(key: string, ex: Exchange, view: ExchangeView = 'sheet'): vscode.Uri {
    return uriFor(EXCHANGE_SCHEME, key, `${ex.method}-${ex.id}${VIEW_SUFFIX[view]}`);
  }

  /** The view key of a `wcs-hook:` document (what the editor title's actions are run with). */
  static keyOf(uri: vscode.Uri): string | undefined {
    return uri.scheme === EXCHANGE_SCHEME ? keyOf(uri) : undefined;
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    const ex = this.model.get(keyOf(uri));
    const view = viewOf(uri);
    if (!ex) return `${view === 'sheet' ? '#' : '//'} This exchange is no longer in memory (the journal keeps only the newest ones).\n`;
    switch (view) {
      case 'sheet': {
        const sheet = renderSheet(exchangeSheet(ex));
        this.shown.set(uri.toString(), { uri, version: versionOf(ex), marks: sheet.marks });
        return sheet.text;
      }
      case 'received':
      case 'sent':
        this.shown.set(uri.toString(), { uri, version: versionOf(ex) });
        return prettyBody(view === 'received' ? ex.rawBody : (ex.answer?.body ?? '')) + '\n';
      default:
        this.shown.set(uri.toString(), { uri, version: versionOf(ex) });
        return exchangeDocument(ex);
    }
  }

  /** Where the status lines of a sheet document are, and how each is coloured (as last rendered). */
  marksOf(uri: vscode.Uri): readonly SheetMark[] | undefined {
    return this.shown.get(uri.toString())?.marks;
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.changed.dispose();
  }

  private refreshShown(): void {
    for (const s of this.shown.values()) {
      const ex = this.model.get(keyOf(s.uri));
      if (ex && versionOf(ex) !== s.version) this.changed.fire(s.uri);
    }
  }
}

function versionOf(ex: Exchange): string {
  return `${ex.state}:${ex.answer?.at ?? ''}`;
}

/** Sends an edited answer; returns a message when it could not (nothing was sent then). */
export type SendEdited = (key: string, ex: Exchange, body: unknown) => string | undefined;

export class AnswerFileSystem implements vscode.FileSystemProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.changed.event;
  private readonly created = Date.now();
  /** Drafts whose answer went out; their editors close once VS Code has finished saving them. */
  private readonly sent = new Set<string>();
  private readonly onSave: vscode.Disposable;

  constructor(
    private readonly model: HookView,
    private readonly send: SendEdited,
  ) {
    this.onSave = vscode.workspace.onDidSaveTextDocument((doc) => {
      if (this.sent.delete(doc.uri.toString())) void closeTabsOf(doc.uri);
    });
  }

  static uri(key: string, ex: Exchange): vscode.Uri {
    return uriFor(ANSWER_SCHEME, key, `${ex.method}-${ex.id}-answer.json`);
  }

  private exchange(uri: vscode.Uri): Exchange {
    const ex = this.model.get(keyOf(uri));
    if (!ex) throw vscode.FileSystemError.FileNotFound(uri);
    return ex;
  }

  stat(uri: vscode.Uri): vscode.FileStat {
    if (uri.path === '/' || uri.path.split('/').length === 2) {
      return { type: vscode.FileType.Directory, ctime: this.created, mtime: this.created, size: 0 };
    }
    const ex = this.exchange(uri);
    return { type: vscode.FileType.File, ctime: ex.receivedAt, mtime: ex.receivedAt, size: Buffer.byteLength(answerDraft(ex)) };
  }

  readFile(uri: vscode.Uri): Uint8Array {
    return new TextEncoder().encode(answerDraft(this.exchange(uri)));
  }

  // async, so a refusal is a rejected promise: VS Code queues writes per file, and a synchronous throw from a
  // provider leaves that queue stuck, so every later save of the draft would hang.
  async writeFile(uri: vscode.Uri, content: Uint8Array): Promise<void> {
    const key = keyOf(uri);
    const ex = this.exchange(uri);
    const check = checkAnswerDraft(ex.method, new TextDecoder().decode(content));
    const problem = check.ok ? this.send(key, ex, check.body) : check.message;
    if (problem) {
      void vscode.window.showErrorMessage(`Nothing was sent: ${problem}`);
      throw vscode.FileSystemError.NoPermissions(`Nothing was sent: ${problem}`);
    }
    void vscode.window.showInformationMessage(`Answered ${ex.method} #${ex.id} with 200 and your edited body.`);
    // Saved means sent: the draft has done its job.
    this.sent.add(uri.toString());
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

  dispose(): void {
    this.onSave.dispose();
    this.changed.dispose();
  }
}

async function closeTabsOf(uri: vscode.Uri): Promise<void> {
  const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter(
    (t) => t.input instanceof vscode.TabInputText && t.input.uri.toString() === uri.toString() && !t.isDirty,
  );
  if (tabs.length > 0) await vscode.window.tabGroups.close(tabs);
}
