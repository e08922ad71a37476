/**
 * The TreeDataProvider: maps the session model's nodes to TreeItems through the pure presentation, and
 * forwards the model's batched change events, so only the nodes that changed are refreshed.
 */
import * as vscode from 'vscode';
import type { ModelNode, HookView } from '../../mock-server/view';
import { exchangeTooltip, present, type ItemPresentation } from './presentation';
import { CountdownTracker } from './countdown';

const COLLAPSIBLE: Record<ItemPresentation['collapsible'], vscode.TreeItemCollapsibleState> = {
  none: vscode.TreeItemCollapsibleState.None,
  collapsed: vscode.TreeItemCollapsibleState.Collapsed,
  expanded: vscode.TreeItemCollapsibleState.Expanded,
};

export class HooksTreeProvider implements vscode.TreeDataProvider<ModelNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ModelNode | ModelNode[] | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscription: { dispose(): void };
  private ticker: ReturnType<typeof setInterval> | undefined;
  private readonly countdown = new CountdownTracker();

  constructor(
    private readonly model: HookView,
    private readonly now: () => number = Date.now,
  ) {
    this.subscription = this.model.on('changed', (nodes) => {
      this.changed.fire(nodes);
      this.updateTicker();
    });
  }

  getTreeItem(node: ModelNode): vscode.TreeItem {
    const p = present(node, { now: this.now() });
    const item = new vscode.TreeItem(p.label, COLLAPSIBLE[p.collapsible]);
    item.id = p.id;
    item.description = p.description;
    if (node.kind === 'exchange' && node.exchange.state === 'pending') this.countdown.rendered(node.id, p.description);
    item.iconPath = new vscode.ThemeIcon(p.iconId, p.colorId ? new vscode.ThemeColor(p.colorId) : undefined);
    item.contextValue = p.contextValue;
    // A held row's tooltip is made when it opens (resolveTreeItem), which is how the countdown learns
    // which row not to repaint; other rows carry theirs from the start.
    const held = node.kind === 'exchange' && node.exchange.state === 'pending';
    if (p.tooltip && !held) item.tooltip = new vscode.MarkdownString(p.tooltip);
    if (node.kind === 'exchange') {
      // Clicking opens the exchange; answering is always an explicit action.
      item.command = { command: 'wcsHookMock.openExchange', title: 'Open Exchange', arguments: [node] };
    }
    return item;
  }

  resolveTreeItem(item: vscode.TreeItem, node: ModelNode): vscode.TreeItem {
    if (node.kind === 'exchange' && item.tooltip === undefined) {
      const now = this.now();
      item.tooltip = new vscode.MarkdownString(exchangeTooltip(node.exchange, now));
      if (node.exchange.state === 'pending') this.countdown.hovered(node.id, now);
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

  /** While hooks are held, their "N s left" is refreshed once a second (only those nodes). */
  private updateTicker(): void {
    const held = this.model.stats().pending > 0;
    if (held && !this.ticker) {
      this.ticker = setInterval(() => this.tick(), 1000);
    } else if (!held && this.ticker) {
      clearInterval(this.ticker);
      this.ticker = undefined;
      this.countdown.clear();
    }
  }

  private tick(): void {
    const waiting = this.model.roots().find((n) => n.kind === 'waiting');
    if (!waiting) return this.updateTicker();
    const ctx = { now: this.now() };
    const candidates: { id: string; node: ModelNode; description: string | undefined }[] = [];
    const add = (n: ModelNode) => candidates.push({ id: n.id, node: n, description: present(n, ctx).description });
    for (const copy of this.model.children(waiting)) {
      add(copy);
      if (copy.kind === 'exchange') {
        const own = this.model.nodeOf(this.model.keyOf(copy));
        if (own) add(own);
      }
    }
    // Only rows whose shown text changes, and not the one whose tooltip is open: a repaint closes it.
    const due = this.countdown.due(candidates, ctx.now);
    if (due.length > 0) this.changed.fire(due);
  }
}
