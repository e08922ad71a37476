/** The status bar item: where the server listens and how many hooks wait for an answer. */
import * as vscode from 'vscode';
import type { HookView } from '../mock-server/view';
import type { Settings } from './config';
import { statusText } from './statusText';
import type { ServerController } from './serverController';

export class StatusBar implements vscode.Disposable {
  readonly item = vscode.window.createStatusBarItem('wcsHookMock.status', vscode.StatusBarAlignment.Left, 10);
  private readonly subscriptions: { dispose(): void }[];

  constructor(
    private readonly controller: ServerController,
    private readonly model: HookView,
    private readonly settings: () => Settings,
  ) {
    this.item.name = 'WCS Hook Mock';
    this.item.command = 'wcsHookMock.focus';
    this.subscriptions = [controller.onDidChange(() => this.update()), model.on('changed', () => this.update())];
    this.update();
    this.item.show();
  }

  update(): void {
    const s = statusText(this.controller.state, this.model.stats().pending, this.settings(), this.controller.ruleCount);
    this.item.text = s.text;
    this.item.tooltip = s.tooltip;
    this.item.backgroundColor = s.background ? new vscode.ThemeColor(`statusBarItem.${s.background}Background`) : undefined;
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.item.dispose();
  }
}
