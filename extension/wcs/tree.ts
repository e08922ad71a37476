/**
 * The "Fake WCS" view: the endpoint row, then the sessions with their streams and calls, from the fake WCS's
 * session snapshot. Item ids are the WCS ids, so expansion and selection survive each refresh.
 */
import * as vscode from 'vscode';
import { toTreeItem } from '../tree';
import type { FakeWcs } from './fakeWcs';
import { presentWcs, rootChildren, sessionChildren, type WcsNode } from './presentation';

export class FakeWcsTreeProvider implements vscode.TreeDataProvider<WcsNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<WcsNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly wcs: FakeWcs) {
    // A session's change may add or drop a stream or call under it; the view is small: refresh it whole.
    this.subscriptions = [wcs.onDidChangeSessions(() => this.changed.fire(undefined)), wcs.onDidChangeState(() => this.changed.fire(undefined))];
  }

  getTreeItem(node: WcsNode): vscode.TreeItem {
    const p = presentWcs(node);
    const item = toTreeItem(p);
    return item;
  }

  getChildren(node?: WcsNode): WcsNode[] {
    const s = this.wcs.state;
    if (!node) return rootChildren(s.kind === 'running' ? s.endpoint : undefined, this.wcs.sessions());
    if (node.kind !== 'session') return [];
    // The snapshot may be newer than the node VS Code hands back.
    const fresh = this.wcs.sessions().find((x) => x.sessionId === node.session.sessionId) ?? node.session;
    return sessionChildren(fresh);
  }

  getParent(node: WcsNode): WcsNode | undefined {
    if (node.kind !== 'stream' && node.kind !== 'call') return undefined;
    const session = this.wcs.sessions().find((x) => x.sessionId === node.sessionId);
    return session ? { kind: 'session', session } : undefined;
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.changed.dispose();
  }
}
