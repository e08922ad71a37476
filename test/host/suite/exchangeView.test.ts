import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { WcsHookMockApi } from '../../../extension/extension';
import type { ExchangeNode, ModelNode } from '../../../mock-server/view';
import { body, heldNode, hookMock, postHook, treeChildren, until } from './wcsHooks';

/** The tree node (not the held copy) of an exchange by the marker in its body, once the batched tree has it. */
async function ownNode(api: WcsHookMockApi, marker: unknown): Promise<ExchangeNode> {
  let found: ExchangeNode | undefined;
  await until(async () => {
    api.model.flush();
    const queue: ModelNode[] = (await treeChildren(api)).filter((n) => n.kind !== 'waiting');
    for (let n = queue.shift(); n && !found; n = queue.shift()) {
      if (n.kind === 'exchange') {
        if ((n.exchange.body as Record<string, unknown> | undefined)?.marker === marker) found = n;
      } else queue.push(...(await treeChildren(api, n)));
    }
    return found !== undefined;
  }, `the hook with marker ${String(marker)} in the tree`);
  return found!;
}

describe('Exchanges shown like a REST client, row times and the type-to-filter box', () => {
  let api: WcsHookMockApi;
  let url: string;

  before(async () => {
    api = await hookMock();
    url = api.url()!;
  });

  it('opens an exchange as an HTTP sheet: request line, headers, body, status line, validation', async () => {
    const sent = body('call', { callId: 42 });
    const answer = postHook(url, 'call', sent);
    const node = await heldNode(api, 'call', ['marker', sent.marker]);
    const uri = await vscode.commands.executeCommand<vscode.Uri>('wcsHookMock.openExchange', node);
    const doc = await vscode.workspace.openTextDocument(uri);
    assert.equal(doc.languageId, 'wcs-hook-exchange', 'the grammar colours it');
    assert.match(doc.getText(), /^# held for your answer · the hold timeout answers at \d\d:\d\d:\d\d$/m);

    await vscode.commands.executeCommand('wcsHookMock.answerForbidWithReason', node, 'no');
    assert.equal((await answer).status, 403);
    // The open sheet follows the exchange.
    await until(() => /^HTTP\/1\.1 403 Forbidden$/m.test(doc.getText()), 'the sheet to show the answer');
    const lines = doc.getText().split('\n');
    assert.ok(lines.includes('POST /EchoApp/call HTTP/1.1'), doc.getText());
    assert.ok(lines.some((l) => /^content-type: +application\/json$/.test(l)));
    assert.ok(lines.includes(`  "marker": "${String(sent.marker)}",`), 'the body, pretty-printed');
    assert.ok(lines.some((l) => /^# 403 "no" · by you · \d+(ms|\.\ds) · sent \d\d:\d\d:\d\d\.\d{3}$/.test(l)));
    assert.ok(lines.includes('  "reason": "no"'), 'the answer body');
    assert.ok(lines.some((l) => /^✗ callId: /.test(l)), 'the validation issue from the catalog');
  });

  it('opens the JSON record, and compares the received body with an edited answer in the diff editor', async () => {
    const sent = body('connect');
    const answer = postHook(url, 'connect', sent);
    const node = await heldNode(api, 'connect', ['marker', sent.marker]);
    assert.ok(api.server()!.answer(node.exchange.id, { status: 200, merge: { restClientConfig: { publishStream: { restOnError: 'FAIL' } } } }));
    await answer;
    const own = await ownNode(api, sent.marker);

    const sheetUri = await vscode.commands.executeCommand<vscode.Uri>('wcsHookMock.openExchange', own);
    const sheet = await vscode.workspace.openTextDocument(sheetUri);
    await until(() => sheet.getText().includes('### Received body vs the answer sent'), 'the diff in the sheet');
    assert.match(sheet.getText(), /^\+ {2}"restClientConfig": \{$/m);

    // From the sheet's title bar VS Code passes the document's URI.
    const pair = await vscode.commands.executeCommand<{ received: vscode.Uri; sent: vscode.Uri }>('wcsHookMock.compareAnswer', sheetUri);
    assert.ok(pair, 'the diff editor opened');
    const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
    assert.ok(tab?.input instanceof vscode.TabInputTextDiff, 'a diff editor is the active tab');
    assert.equal((tab.input as vscode.TabInputTextDiff).modified.toString(), pair.sent.toString());
    const received = JSON.parse((await vscode.workspace.openTextDocument(pair.received)).getText());
    const answered = JSON.parse((await vscode.workspace.openTextDocument(pair.sent)).getText());
    assert.deepEqual(received, sent);
    assert.deepEqual(answered, { ...sent, restClientConfig: { publishStream: { restOnError: 'FAIL' } } });

    const jsonUri = await vscode.commands.executeCommand<vscode.Uri>('wcsHookMock.openExchangeJson', sheetUri);
    const record = JSON.parse((await vscode.workspace.openTextDocument(jsonUri)).getText());
    assert.equal(record.method, 'connect');
    assert.deepEqual(record.answer.spec, { status: 200, merge: { restClientConfig: { publishStream: { restOnError: 'FAIL' } } } });
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('shows arrival time and latency in tree rows, in tree mode and in the timeline', async () => {
    const sent = body('StreamStatusEvent');
    assert.equal((await postHook(url, 'StreamStatusEvent', sent)).status, 200, 'events are echoed by the policy');
    const own = await ownNode(api, sent.marker);
    const row = await api.tree.getTreeItem(own);
    assert.match(String(row.description), /^\d\d:\d\d:\d\d · \d+(ms|\.\ds) · PUBLISHING /);
    try {
      await vscode.commands.executeCommand('wcsHookMock.toggleTimeline');
      const flat = (await treeChildren(api)).find((n): n is ExchangeNode => n.kind === 'exchange' && n.exchange.id === own.exchange.id && n.exchange.method === 'StreamStatusEvent');
      assert.ok(flat);
      assert.equal(String((await api.tree.getTreeItem(flat)).description), String(row.description), 'the same words in the timeline');
    } finally {
      await vscode.commands.executeCommand('wcsHookMock.showAsTree');
    }
  });

  // Typing itself (the tree filtering before Enter) is what the Chromium UI test does: an extension setting
  // the box's value does not go through the workbench's typing events.
  it('opens the filter box from the view with no argument; Escape restores the filter, Enter keeps the text', async () => {
    const hit = body('StreamStatusEvent');
    const miss = body('StreamStatusEvent');
    await postHook(url, 'StreamStatusEvent', hit);
    await postHook(url, 'StreamStatusEvent', miss);
    await ownNode(api, miss.marker);
    const shownSessions = async () => {
      api.model.flush();
      return (await treeChildren(api)).flatMap((n) => (n.kind === 'session' ? [n.sessionId] : []));
    };
    // The command's promise is wrapped: an async function returning it would wait for it (promises flatten).
    async function open(text: string): Promise<{ done: Promise<unknown> }> {
      const done = Promise.resolve(vscode.commands.executeCommand('wcsHookMock.filterText'));
      await until(() => api.filterBox() !== undefined, 'the filter box to open');
      assert.equal(api.filterBox()!.title, 'Filter hooks');
      api.filterBox()!.value = text;
      return { done };
    }
    /** Runs a workbench command on the box until the box has closed (the box shows asynchronously). */
    async function untilClosed(done: Promise<unknown>, command: string): Promise<unknown> {
      let settled = false;
      void done.finally(() => (settled = true));
      await until(async () => {
        if (!settled) await vscode.commands.executeCommand(command);
        return settled;
      }, `the filter box to close on ${command}`);
      return done;
    }
    try {
      const dismissed = await open(String(hit.marker));
      assert.equal(await untilClosed(dismissed.done, 'workbench.action.closeQuickOpen'), undefined);
      assert.deepEqual(api.model.filter, {}, 'Escape puts back the filter that was there');
      assert.ok((await shownSessions()).includes(String(miss.sessionId)));

      const kept = await open(String(miss.marker));
      assert.equal(await untilClosed(kept.done, 'workbench.action.acceptSelectedQuickOpenItem'), String(miss.marker));
      assert.equal(api.model.filter.text, String(miss.marker).toLowerCase(), 'Enter keeps it');
      assert.deepEqual(await shownSessions(), [String(miss.sessionId)], 'only the matching session stays');
    } finally {
      api.filterBox()?.hide();
      await vscode.commands.executeCommand('wcsHookMock.clearFilter');
    }
  });
});
