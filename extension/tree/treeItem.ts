/** A TreeItem from a pure item presentation: one mapping for both views (Hooks and Fake WCS). */
import * as vscode from 'vscode';
import type { ItemPresentation } from './presentation';

const COLLAPSIBLE: Record<ItemPresentation['collapsible'], vscode.TreeItemCollapsibleState> = {
  none: vscode.TreeItemCollapsibleState.None,
  collapsed: vscode.TreeItemCollapsibleState.Collapsed,
  expanded: vscode.TreeItemCollapsibleState.Expanded,
};

export function toTreeItem(p: ItemPresentation): vscode.TreeItem {
  const item = new vscode.TreeItem(p.label, COLLAPSIBLE[p.collapsible]);
  item.id = p.id;
  item.description = p.description;
  item.iconPath = new vscode.ThemeIcon(p.iconId, p.colorId ? new vscode.ThemeColor(p.colorId) : undefined);
  item.contextValue = p.contextValue;
  if (p.tooltip) item.tooltip = new vscode.MarkdownString(p.tooltip);
  return item;
}
