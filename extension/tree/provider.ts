/**
 * The TreeDataProvider: maps the hook view's nodes to TreeItems through the pure presentation, and forwards
 * the view's batched change events, so only the nodes that changed are refreshed.
 */
import * as vscode from 'vscode';
import type { ModelNode, HookView } from '../../mock-server/view';
import { countdownMessage, present } from './presentation';
import { toTreeItem } from './treeItem';

export class HooksTreeProvider implements vscode.TreeDataProvider<ModelNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ModelNode | ModelNode[] | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscription: { dispose(): void };
  private ticker: ReturnType<typeof setInterval> | undefined;
  private showMessage: (text: string | undefined) => void = () => undefined;
  private message: string | undefined;

  constructor(
    private readonly model: HookView,
    private readonly now: () => number = Date.now,
  ) {
    this.subscription = this.model.on('changed', (nodes) => {
      this.changed.fire(nodes);
      this.updateTicker();
    });
  }

  /**
   * Where the countdown of held hooks goes (the tree view's message). Rows are never repainted for it:
   * a repaint closes the row's tooltip, which is what a developer reads before answering.
   */
  showCountdownIn(show: (text: string | undefined) => void): void {
    this.showMessage = show;
    this.message = undefined;
    this.tick();
  }

  getTreeItem(node: ModelNode): vscode.TreeItem {
    const p = present(node, { now: this.now() });
    const item = toTreeItem(p);
    if (node.kind === 'exchange') {
      // Clicking opens the exchange; answering is always an explicit action.
      item.command = { command: 'wcsHookMock.openExchange', title: 'Open Exchange', arguments: [node] };
    }
    return item;
  }

  getChildren(node?: ModelNode): ModelNode[] {
    return this.model.children(node);
  }

  getParent(node: ModelNode): ModelNode | undefined {
    return this.model.parent(node);
  }

  /** Refreshes everything (after a mode or filter change the model reports that itself). */
  refresh(): void {
    this.changed.fire(undefined);
  }

  dispose(): void {
    this.subscription.dispose();
    if (this.ticker) clearInterval(this.ticker);
    this.changed.dispose();
  }

  /** While hooks are held, the countdown message is updated once a second (and at once on a change). */
  private updateTicker(): void {
    const held = this.model.stats().pending > 0;
    if (held && !this.ticker) this.ticker = setInterval(() => this.tick(), 1000);
    else if (!held && this.ticker) {
      clearInterval(this.ticker);
      this.ticker = undefined;
    }
    this.tick();
  }

  private tick(): void {
    const text = countdownMessage(this.model.pending(), this.now());
    if (text === this.message) return;
    this.message = text;
    this.showMessage(text);
  }
}
