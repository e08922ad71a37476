import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { WcsHookMockApi } from '../../../extension/extension';
import { body, heldNode, hookMock, postHook, until } from './wcsHooks';

describe('WCS hook server lifecycle', () => {
  let api: WcsHookMockApi;

  before(async () => {
    api = await hookMock();
  });

  it('answers a held hook with the fallback when the hold timeout runs out', async () => {
    const cfg = () => vscode.workspace.getConfiguration('wcsHookMock');
    await cfg().update('holdTimeoutSeconds', 0.3, vscode.ConfigurationTarget.Workspace);
    try {
      // A settings change restarts the server with the new timeout.
      await until(async () => {
        await api.whenIdle();
        return api.server()?.holdTimeoutMs === 300;
      }, 'the server to restart with a 300 ms hold timeout');
      const sent = body('OnCallEvent');
      const res = await postHook(api.url()!, 'OnCallEvent', sent);
      assert.equal(res.status, 200);
      assert.equal(res.body, JSON.stringify(sent), 'fallback echo');
      const ex = api.server()!.journal.all().find((e) => (e.body as { marker?: string })?.marker === sent.marker);
      assert.equal(ex?.answer?.by, 'timeout');
      api.model.flush();
      const item = await api.tree.getTreeItem(await treeNodeOf(api, String(sent.marker)));
      assert.match(String(item.description), /200 echo \(hold timeout\)/);
    } finally {
      await cfg().update('holdTimeoutSeconds', undefined, vscode.ConfigurationTarget.Workspace);
      await until(async () => {
        await api.whenIdle();
        return api.server()?.holdTimeoutMs === 12_000;
      }, 'the server to restart with the default hold timeout');
    }
  });

  it('answers held hooks when the extension shuts down, and starts again by command', async () => {
    const url = api.url()!;
    const sent = body('publishStream');
    const answer = postHook(url, 'publishStream', sent);
    await heldNode(api, 'publishStream', ['marker', sent.marker]);
    await api.shutdown(); // what deactivate() runs
    const res = await answer;
    assert.equal(res.status, 200, 'the held hook got the fallback, not a dropped connection');
    assert.equal(res.body, JSON.stringify(sent));
    assert.equal(api.server(), undefined);
    await until(() => /off/.test(api.statusBar().text), 'the status bar to show the server off');
    api.model.flush();
    assert.equal(api.model.stats().pending, 0, 'nothing is left waiting in the tree');

    assert.equal(await vscode.commands.executeCommand('wcsHookMock.startServer'), true);
    assert.ok(api.url());
    await until(() => /WCS :\d+/.test(api.statusBar().text), 'the status bar to show the port again');
  });

  it('reports a busy port instead of failing silently, and recovers on a free one', async () => {
    const cfg = () => vscode.workspace.getConfiguration('wcsHookMock');
    // Another server of ours holds the port: the restart on the new setting must fail visibly.
    const blocker = await import('node:net').then(
      (net) =>
        new Promise<import('node:net').Server>((resolve, reject) => {
          const s = net.createServer();
          s.once('error', reject);
          s.listen(0, '127.0.0.1', () => resolve(s));
        }),
    );
    const busy = (blocker.address() as { port: number }).port;
    try {
      await cfg().update('port', busy, vscode.ConfigurationTarget.Workspace);
      await until(async () => {
        await api.whenIdle();
        return /\$\(error\)/.test(api.statusBar().text);
      }, 'the status bar to show the failure');
      assert.equal(api.server(), undefined);
      assert.match(api.statusBar().tooltip, /in use/);
    } finally {
      blocker.close();
      await cfg().update('port', 0, vscode.ConfigurationTarget.Workspace);
    }
    await until(async () => {
      await api.whenIdle();
      return api.server() !== undefined;
    }, 'the server to run again on a free port');
    assert.notEqual(new URL(api.url()!).port, String(busy));
  });
});

/** The tree node (session → call/stream → exchange) of the exchange with this marker. */
async function treeNodeOf(api: WcsHookMockApi, marker: string) {
  const ex = api.model.all().find((e) => (e.body as { marker?: string })?.marker === marker);
  assert.ok(ex, 'the exchange is in the model');
  const roots = await api.tree.getChildren();
  for (const r of roots ?? []) {
    for (const c of (await api.tree.getChildren(r)) ?? []) {
      for (const n of [c, ...((await api.tree.getChildren(c)) ?? [])]) if (n.kind === 'exchange' && n.exchange === ex) return n;
    }
  }
  throw new Error('the exchange is not in the tree');
}
