import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { WcsHookMockApi } from '../../../extension/extension';
import { body, heldNode, hookMock, postHook } from './wcsHooks';

describe('Edit and answer', () => {
  let api: WcsHookMockApi;

  before(async () => {
    api = await hookMock();
  });

  it('opens the echo body in an editor on its own scheme; saving sends the edited body', async () => {
    const sent = body('connect');
    const answer = postHook(api.url()!, 'connect', sent);
    const node = await heldNode(api, 'connect', ['marker', sent.marker]);
    const uri = await vscode.commands.executeCommand<vscode.Uri>('wcsHookMock.editAndAnswer', node);
    assert.equal(uri.scheme, 'wcs-hook-answer');
    const doc = await vscode.workspace.openTextDocument(uri);
    assert.deepEqual(JSON.parse(doc.getText()), sent, 'pre-filled with the echo');
    assert.equal(doc.languageId, 'json');

    const edited = { ...sent, restClientConfig: { publishStream: { restOnError: 'FAIL' } } };
    const edit = new vscode.WorkspaceEdit();
    edit.replace(uri, new vscode.Range(0, 0, doc.lineCount, 0), JSON.stringify(edited, null, 2));
    assert.equal(await vscode.workspace.applyEdit(edit), true);
    assert.equal(await doc.save(), true);

    const res = await answer;
    assert.equal(res.status, 200);
    assert.deepEqual(JSON.parse(res.body), edited);
    assert.equal(node.exchange.answer?.by, 'developer');
  });

  it('sends nothing when the edited body is not JSON or does not fit the method', async () => {
    const sent = body('call');
    const answer = postHook(api.url()!, 'call', sent);
    const node = await heldNode(api, 'call', ['marker', sent.marker]);
    const uri = await vscode.commands.executeCommand<vscode.Uri>('wcsHookMock.editAndAnswer', node);
    await assert.rejects(Promise.resolve(vscode.workspace.fs.writeFile(uri, new TextEncoder().encode('{ "callId": '))), /not valid JSON/);
    await assert.rejects(Promise.resolve(vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(JSON.stringify({ ...sent, callId: 5 })))), /callId/);
    assert.equal(node.exchange.state, 'pending', 'nothing was sent');

    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(JSON.stringify({ ...sent, custom: { ok: true } })));
    const res = await answer;
    assert.equal(res.status, 200);
    assert.deepEqual(JSON.parse(res.body), { ...sent, custom: { ok: true } });
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});
