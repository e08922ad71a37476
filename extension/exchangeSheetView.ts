/**
 * Colours the status lines of open exchange sheets by what happened (200 green, a decline red, a timeout
 * orange, held yellow), with the theme colours the tree's icons use. The grammar colours the rest of the
 * sheet; a grammar cannot tell a timeout's 200 from a developer's 200, the sheet's marks can.
 */
import * as vscode from 'vscode';
import type { StatusTone } from '../mock-server/view';
import { EXCHANGE_SCHEME, type ExchangeDocuments } from './documents';

/** The theme colour of each tone: the same ids as the tree's icons (tree/presentation.ts). */
export const TONE_COLOR_ID: Readonly<Record<StatusTone, string>> = {
  success: 'testing.iconPassed',
  declined: 'testing.iconFailed',
  error: 'errorForeground',
  timeout: 'charts.orange',
  held: 'charts.yellow',
  aborted: 'disabledForeground',
};

export class ExchangeSheetColours implements vscode.Disposable {
  private readonly types = new Map<StatusTone, vscode.TextEditorDecorationType>();
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly documents: ExchangeDocuments) {
    for (const [tone, id] of Object.entries(TONE_COLOR_ID) as [StatusTone, string][]) {
      const color = new vscode.ThemeColor(id);
      this.types.set(tone, vscode.window.createTextEditorDecorationType({
        color, fontWeight: 'bold', overviewRulerColor: color, overviewRulerLane: vscode.OverviewRulerLane.Left,
      }));
    }
    this.subscriptions = [
      vscode.window.onDidChangeVisibleTextEditors((editors) => editors.forEach((e) => this.paint(e))),
      // A sheet's text changes when its exchange is answered: its status line moves and changes tone.
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document.uri.scheme !== EXCHANGE_SCHEME) return;
        for (const editor of vscode.window.visibleTextEditors) if (editor.document === e.document) this.paint(editor);
      }),
    ];
    vscode.window.visibleTextEditors.forEach((e) => this.paint(e));
  }

  private paint(editor: vscode.TextEditor): void {
    if (editor.document.uri.scheme !== EXCHANGE_SCHEME) return;
    const marks = this.documents.marksOf(editor.document.uri) ?? [];
    for (const [tone, type] of this.types) {
      const lines = marks.filter((m) => m.tone === tone && m.line < editor.document.lineCount);
      editor.setDecorations(type, lines.map((m) => editor.document.lineAt(m.line).range));
    }
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    for (const t of this.types.values()) t.dispose();
  }
}
