/**
 * The workspace rules file (`wcsHookMock.rulesFile`, default `.vscode/wcs-hooks.json`): finding it, reading
 * it, watching it, and saying exactly where it is wrong. The same file the CLI's `--rules` reads.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { RulesError, parseRulesText, type Rule, type RulesFile } from '../mock-server/hooks';
import { withRule } from './rulesEdit';
import { RulesProblems } from './rulesProblems';

export type RulesLoad =
  | { readonly kind: 'none'; readonly why: string }
  | { readonly kind: 'ok'; readonly rules: RulesFile; readonly uri: vscode.Uri }
  | { readonly kind: 'error'; readonly error: RulesError; readonly uri: vscode.Uri; readonly text?: string };

/** Saves within this window are one change: auto-save and editors that write twice must reload once. */
export const RULES_RELOAD_DEBOUNCE_MS = 300;

export class RulesFileManager implements vscode.Disposable {
  private watcher: vscode.Disposable | undefined;
  private readonly changed = new vscode.EventEmitter<void>();
  private debounce: NodeJS.Timeout | undefined;
  /** The file was created, changed or deleted on disk (once per burst of changes). */
  readonly onDidChange = this.changed.event;
  private readonly problems: RulesProblems;

  constructor(
    private readonly setting: () => string,
    log: vscode.LogOutputChannel,
  ) {
    this.problems = new RulesProblems(log);
    this.rewatch();
  }

  private fireSoon(): void {
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = setTimeout(() => {
      this.debounce = undefined;
      this.changed.fire();
    }, RULES_RELOAD_DEBOUNCE_MS);
  }

  /** Where the rules file is: the setting, relative to the first workspace folder unless absolute. */
  uri(): vscode.Uri | undefined {
    const p = this.setting();
    if (!p) return undefined;
    if (path.isAbsolute(p)) return vscode.Uri.file(p);
    const folder = vscode.workspace.workspaceFolders?.[0];
    return folder ? vscode.Uri.joinPath(folder.uri, ...p.split(/[\\/]+/)) : undefined;
  }

  /** Watches the file named by the current setting (call again when the setting changes). */
  rewatch(): void {
    this.watcher?.dispose();
    const uri = this.uri();
    if (!uri) {
      this.watcher = undefined;
      return;
    }
    // Relative to the workspace folder when inside it: that folder exists (".vscode" may not, yet) and VS Code
    // watches it anyway, so a rules file created later by hand is noticed too.
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    const pattern = folder
      ? new vscode.RelativePattern(folder, path.posix.relative(folder.uri.path, uri.path))
      : new vscode.RelativePattern(vscode.Uri.joinPath(uri, '..'), path.posix.basename(uri.path));
    const w = vscode.workspace.createFileSystemWatcher(pattern);
    const fire = () => this.fireSoon();
    this.watcher = vscode.Disposable.from(w, w.onDidChange(fire), w.onDidCreate(fire), w.onDidDelete(fire), this.untilExists(uri));
  }

  /**
   * A file watcher starts asynchronously (in code-server, on the server side), so a file created right after
   * the setting changed can be missed, and some file systems report nothing at all. While the file does not
   * exist, one stat a second notices it appearing; that stops once it exists or the watch is replaced.
   */
  private untilExists(uri: vscode.Uri): vscode.Disposable {
    let stopped = false;
    const timer = setInterval(() => {
      void vscode.workspace.fs.stat(uri).then(
        () => {
          if (stopped) return;
          stopped = true;
          clearInterval(timer);
          this.fireSoon();
        },
        () => undefined,
      );
    }, 1_000);
    void vscode.workspace.fs.stat(uri).then(
      () => {
        // It already exists: the watcher covers changes from here on.
        stopped = true;
        clearInterval(timer);
      },
      () => undefined,
    );
    return new vscode.Disposable(() => {
      stopped = true;
      clearInterval(timer);
    });
  }

  async read(): Promise<string | undefined> {
    const uri = this.uri();
    if (!uri) return undefined;
    try {
      return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    } catch (err) {
      if (err instanceof vscode.FileSystemError && err.code === 'FileNotFound') return undefined;
      throw err;
    }
  }

  async load(): Promise<RulesLoad> {
    const uri = this.uri();
    if (!uri) return { kind: 'none', why: 'no workspace folder is open' };
    let text: string | undefined;
    try {
      text = await this.read();
    } catch (err) {
      const e = new RulesError(`${uri.fsPath}: cannot read rules file: ${(err as Error).message}`, '', uri.fsPath);
      return { kind: 'error', error: e, uri };
    }
    if (text === undefined) return { kind: 'none', why: `${vscode.workspace.asRelativePath(uri)} does not exist` };
    try {
      return { kind: 'ok', rules: parseRulesText(text, vscode.workspace.asRelativePath(uri)), uri };
    } catch (err) {
      if (err instanceof RulesError) return { kind: 'error', error: err, uri, text };
      throw err;
    }
  }

  /**
   * Shows what is wrong with the file: a diagnostic at the bad field, a status bar marker, one log line.
   * `atStart`: the server starts without rules, which is worth one message (once per distinct problem);
   * a file broken while editing never raises one (auto-save would raise one per pause).
   */
  reportError(load: Extract<RulesLoad, { kind: 'error' }>, consequence: string, atStart = false): void {
    const isNew = this.problems.report(load.uri, load.error, load.text, consequence);
    if (atStart && isNew) {
      void vscode.window.showErrorMessage(`WCS rules file: ${load.error.message}. ${consequence}`, 'Open File').then((pick) => {
        if (pick === 'Open File') void openAt(load.uri, load.error.line, load.error.column);
      });
    }
  }

  /** The status bar marker of a broken rules file, as shown now (for tests and other extensions). */
  marker(): { text: string; tooltip: string; visible: boolean } {
    return this.problems.markerState();
  }

  /** The file read fine (or there is none): no problem to show. */
  reportFine(): void {
    this.problems.clear();
  }

  /** Puts a method rule into the file (creating it), replacing an earlier plain rule for the same method. */
  async addRule(rule: Rule & { method: string }): Promise<vscode.Uri> {
    const uri = this.uri();
    if (!uri) throw new Error('Open a folder first: the rules file lives in the workspace.');
    const next = withRule(await this.read(), rule);
    await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(uri, '..'));
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(next));
    return uri;
  }

  dispose(): void {
    if (this.debounce) clearTimeout(this.debounce);
    this.watcher?.dispose();
    this.changed.dispose();
    this.problems.dispose();
  }
}

/** Opens a file with the cursor at a 1-based line and column. */
export async function openAt(uri: vscode.Uri, line?: number, column?: number): Promise<void> {
  const pos = new vscode.Position(Math.max(0, (line ?? 1) - 1), Math.max(0, (column ?? 1) - 1));
  await vscode.window.showTextDocument(uri, { selection: new vscode.Range(pos, pos) });
}
