/**
 * Editors on the extension's own URI schemes:
 * - `wcs-hook:` read-only views of one exchange, updated when it is answered: the HTTP sheet (`.wcs-exchange`,
 *   request and response as REST clients show them), the JSON record (`.json`), and the received and sent
 *   bodies for the diff editor (`-received.json`, `-sent.json`);
 * The answer draft (`wcs-hook-answer:`) is in answerEditor.ts.
 */
import * as vscode from 'vscode';
import type { Exchange } from '../mock-server/hooks';
import { exchangeSheet, prettyBody, renderSheet, type HookView, type SheetMark } from '../mock-server/view';
import { exchangeDocument } from './exchangeText';

export const EXCHANGE_SCHEME = 'wcs-hook';

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
