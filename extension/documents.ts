/**
 * The read-only `wcs-hook:` document of one exchange (request, issues, answer), updated when it is answered.
 * The answer draft (`wcs-hook-answer:`) is in answerEditor.ts.
 */
import * as vscode from 'vscode';
import type { Exchange } from '../mock-server/hooks';
import type { HookView } from '../mock-server/view';
import { exchangeDocument } from './exchangeText';

export const EXCHANGE_SCHEME = 'wcs-hook';

/** `/<model key>/<method>.json`: the key finds the exchange, the name tells the editor it is JSON. */
function uriFor(scheme: string, key: string, name: string): vscode.Uri {
  return vscode.Uri.from({ scheme, path: `/${encodeURIComponent(key)}/${encodeURIComponent(name)}` });
}

function keyOf(uri: vscode.Uri): string {
  return decodeURIComponent(uri.path.split('/')[1] ?? '');
}

export class ExchangeDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  /** Open documents and the exchange state they show, to refresh them when it changes. */
  private readonly shown = new Map<string, { uri: vscode.Uri; version: string }>();
  private readonly subscriptions: { dispose(): void }[];

  constructor(private readonly model: HookView) {
    this.subscriptions = [
      model.on('changed', () => this.refreshShown()),
      vscode.workspace.onDidCloseTextDocument((d) => {
        if (d.uri.scheme === EXCHANGE_SCHEME) this.shown.delete(d.uri.toString());
      }),
    ];
  }

  static uri(key: string, ex: Exchange): vscode.Uri {
    return uriFor(EXCHANGE_SCHEME, key, `${ex.method}-${ex.id}.json`);
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    const ex = this.model.get(keyOf(uri));
    if (!ex) return '// This exchange is no longer in memory (the journal keeps only the newest ones).\n';
    this.shown.set(uri.toString(), { uri, version: versionOf(ex) });
    return exchangeDocument(ex);
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
