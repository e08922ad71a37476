/**
 * What the user sees while the rules file is broken: a diagnostic at the bad field (Problems panel, squiggle
 * in the editor), a status bar marker that opens the file there, and one log line per distinct problem.
 * No toast per save: with auto-save on, every keystroke pause would raise one.
 */
import * as vscode from 'vscode';
import type { RulesError } from '../mock-server/hooks';
import { lineCharacterAt, offsetOf, spanAt } from './jsonSpan';

export class RulesProblems implements vscode.Disposable {
  readonly diagnostics = vscode.languages.createDiagnosticCollection('wcs-hooks-rules');
  readonly marker = vscode.window.createStatusBarItem('wcsHookMock.rulesProblem', vscode.StatusBarAlignment.Left, 9);
  /** The problem last reported, so a save that changes nothing about it is not logged again. */
  private last: string | undefined;

  constructor(private readonly log: vscode.LogOutputChannel) {
    this.marker.name = 'WCS rules file problem';
    this.marker.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
  }

  /**
   * Shows a broken rules file. `text` is what was read (undefined when it could not be read). Returns whether
   * this problem is new (not the one already shown).
   */
  report(uri: vscode.Uri, error: RulesError, text: string | undefined, consequence: string): boolean {
    const range = rangeOf(text, error);
    const diag = new vscode.Diagnostic(range, `${withoutLocation(error)} (${consequence})`, vscode.DiagnosticSeverity.Error);
    diag.source = 'WCS Hook Mock';
    this.diagnostics.set(uri, [diag]);
    this.marker.text = '$(error) WCS rules';
    this.marker.tooltip = `${error.message}\n${consequence}\nClick to open the file at the problem`;
    this.marker.command = { title: 'Open the rules file at the problem', command: 'vscode.open', arguments: [uri, { selection: range }] };
    this.marker.show();
    const key = `${uri.toString()}\n${error.message}\n${consequence}`;
    if (key === this.last) return false;
    this.last = key;
    this.log.error(`${error.message} (${consequence})`);
    return true;
  }

  /** The file is fine again (or gone, or another file is named): nothing to show. */
  clear(): void {
    if (this.last !== undefined) this.log.info('rules file problem fixed');
    this.last = undefined;
    this.diagnostics.clear();
    this.marker.hide();
  }

  markerState(): { text: string; tooltip: string; visible: boolean } {
    return { text: this.marker.text, tooltip: String(this.marker.tooltip ?? ''), visible: this.last !== undefined };
  }

  dispose(): void {
    this.diagnostics.dispose();
    this.marker.dispose();
  }
}

function rangeOf(text: string | undefined, error: RulesError): vscode.Range {
  if (text === undefined || error.line === undefined) return new vscode.Range(0, 0, 0, 0);
  const { start, end } = spanAt(text, offsetOf(text, error.line, error.column ?? 1));
  return new vscode.Range(positionIn(text, start), positionIn(text, end));
}

function positionIn(text: string, offset: number): vscode.Position {
  const { line, character } = lineCharacterAt(text, offset);
  return new vscode.Position(line, character);
}

/** The Problems panel shows file, line and column itself: the message without its `file:line:col: ` prefix. */
function withoutLocation(error: RulesError): string {
  if (!error.file) return error.message;
  const prefix = new RegExp(`^${escapeRegExp(error.file)}(?::\\d+:\\d+)?: `);
  return error.message.replace(prefix, '');
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
