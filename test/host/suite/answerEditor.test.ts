import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { WcsHookMockApi } from '../../../extension/extension';
import { body, heldNode, hookMock, postHook, until } from './wcsHooks';

/** The titles of the lines above a draft, as the editor shows them. */
async function lenses(uri: vscode.Uri): Promise<string[]> {
  const found = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
  return (found ?? []).map((l) => l.command?.title ?? '');
}

async function replaceAll(doc: vscode.TextDocument, text: string): Promise<void> {
  const edit = new vscode.WorkspaceEdit();
  edit.replace(doc.uri, new vscode.Range(0, 0, doc.lineCount, 0), text);
  assert.equal(await vscode.workspace.applyEdit(edit), true);
}

function ours(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'WCS Hook Mock');
}

/**
 * Closes every editor without a "Save changes?" dialog (in the test workbench a dialog never gets an answer):
 * a draft a failed test left changed is reverted first.
 */
async function closeAll(): Promise<void> {
  for (let i = 0; i < 20 && vscode.window.activeTextEditor; i++) {
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  }
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

/**
 * A hold timeout long enough that a stalled extension host cannot let the default 12 s run out mid-test (the
 * hook would be echoed and the draft rightly refuse to send); `undefined` restores the default.
 */
async function holdFor(api: WcsHookMockApi, seconds: number | undefined): Promise<void> {
  await vscode.workspace.getConfiguration('wcsHookMock').update('holdTimeoutSeconds', seconds, vscode.ConfigurationTarget.Workspace);
  await until(async () => {
    await api.whenIdle();
    return api.server()?.holdTimeoutMs === (seconds ?? 12) * 1000;
  }, 'the server to restart with the new hold timeout', 40_000);
}

/** Posts a `method` hook, waits for it to be held, and opens "Edit and answer" on it (the draft's URI). */
async function openDraft(api: WcsHookMockApi, method: string) {
  const sent = body(method);
  const answer = postHook(api.url()!, method, sent);
  const node = await heldNode(api, method, ['marker', sent.marker]);
  const uri = await vscode.commands.executeCommand<vscode.Uri>('wcsHookMock.editAndAnswer', node);
  return { sent, answer, node, uri };
}

/** Waits long enough for a loaded 2-core machine, where the extension host stalls for seconds at a time. */
const SLOW = 40_000;

describe('Edit and answer', function () {
  this.timeout(120_000);
  let api: WcsHookMockApi;

  before(async () => {
    api = await hookMock();
    await holdFor(api, 600);
  });

  after(() => holdFor(api, undefined));

  afterEach(closeAll);

  it('opens the echo body in a readable editor that says what saving does; saving sends the text exactly as typed', async () => {
    const { sent, answer, node, uri } = await openDraft(api, 'connect');
    assert.equal(uri.scheme, 'wcs-hook-answer');
    assert.equal(uri.path, `/EchoApp/connect #${node.exchange.id} answer.json`, 'the breadcrumb and tab read like the tree');
    const doc = await vscode.workspace.openTextDocument(uri);
    assert.deepEqual(JSON.parse(doc.getText()), sent, 'pre-filled with the echo');
    assert.equal(doc.languageId, 'json');
    let titles: string[] = [];
    await until(async () => {
      titles = await lenses(uri);
      return titles.length === 2;
    }, 'the line above the draft', SLOW);
    assert.match(titles[0]!, /Save sends 200 · \d+ min left/);
    assert.equal(titles[1], 'Cancel');

    // Compact, odd spacing and a key typed twice: sent byte for byte, not re-serialised.
    const typed = JSON.stringify(sent).replace(/}$/, ',  "restClientConfig" : {"publishStream":{"restOnError":"FAIL"}}, "note": 1, "note": 2}');
    await replaceAll(doc, typed);
    await until(() => ours(uri).length === 1, 'the warning about the key typed twice', SLOW);
    const warning = ours(uri)[0]!;
    assert.equal(warning.severity, vscode.DiagnosticSeverity.Warning);
    assert.equal(doc.getText(warning.range), '"note"');
    // Ctrl+S in a draft: the keybinding runs this command on the active editor, saved or not.
    await vscode.window.showTextDocument(doc);
    assert.equal(await vscode.commands.executeCommand('wcsHookMock.sendAnswerDraft'), true);

    const res = await answer;
    assert.equal(res.status, 200);
    assert.equal(res.body, typed);
    assert.equal(node.exchange.answer?.by, 'developer');
    await until(() => !vscode.window.tabGroups.all.some((g) => g.tabs.some((t) => t.input instanceof vscode.TabInputText && t.input.uri.toString() === uri.toString())), 'the sent draft to close', SLOW);
    assert.deepEqual(ours(uri), [], 'its problems went with it');
  });

  it('shows what is wrong while typing; a draft with errors is kept, sends nothing and raises no save error', async () => {
    const { sent, answer, node, uri } = await openDraft(api, 'call');
    const doc = await vscode.workspace.openTextDocument(uri);

    await replaceAll(doc, JSON.stringify({ ...sent, callId: 5 }, null, 2));
    await until(() => ours(uri).some((d) => /callId/.test(d.message)), 'a live diagnostic on callId', SLOW);
    const bad = ours(uri).find((d) => /callId/.test(d.message))!;
    assert.equal(bad.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(doc.getText(bad.range), '5', 'the exact value');
    await until(async () => /Fix 1 problem to send/.test((await lenses(uri))[0] ?? ''), 'the line above the draft to say it cannot send', SLOW);

    // Writing the file (auto-save, File › Save) keeps the draft and sends nothing, with no save error.
    await doc.save();
    assert.equal(doc.isDirty, false, 'saved');
    assert.equal(node.exchange.state, 'pending', 'nothing was sent');
    assert.equal(await vscode.commands.executeCommand('wcsHookMock.sendAnswerDraft', uri), false, 'Ctrl+S sends nothing either');
    assert.ok(vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString() && !d.isClosed), 'the draft stays open');
    await replaceAll(doc, '{ "callId": ');
    await until(() => ours(uri).some((d) => /Not valid JSON/.test(d.message)), 'a live JSON syntax diagnostic', SLOW);

    const fixed = JSON.stringify({ ...sent, custom: { ok: true } }, null, 2);
    await replaceAll(doc, fixed);
    await until(() => ours(uri).length === 0, 'the diagnostics to clear', SLOW);
    assert.equal(await vscode.commands.executeCommand('wcsHookMock.sendAnswerDraft', uri), true);
    const res = await answer;
    assert.equal(res.status, 200);
    assert.equal(res.body, fixed);
  });

  it('Cancel closes the draft without answering; the hook stays held', async () => {
    const { sent, answer, node, uri } = await openDraft(api, 'OnCallEvent');
    const doc = await vscode.workspace.openTextDocument(uri);
    await replaceAll(doc, '{ "half typed": ');
    await vscode.commands.executeCommand('wcsHookMock.cancelAnswerDraft', uri);
    await until(() => !vscode.window.visibleTextEditors.some((e) => e.document.uri.toString() === uri.toString()), 'the draft to close', SLOW);
    assert.equal(node.exchange.state, 'pending');
    assert.equal(await vscode.commands.executeCommand('wcsHookMock.answerEcho', node), true);
    assert.equal((await answer).body, JSON.stringify(sent));
  });

  it('the line above the draft sends what the editor shows, saved or not', async () => {
    const { sent, answer, uri } = await openDraft(api, 'publishStream');
    const doc = await vscode.workspace.openTextDocument(uri);
    const typed = JSON.stringify({ ...sent, note: 'from the lens' });
    await replaceAll(doc, typed);
    assert.equal(await vscode.commands.executeCommand('wcsHookMock.sendAnswerDraft', uri), true);
    assert.equal((await answer).body, typed);
    await until(() => !vscode.window.visibleTextEditors.some((e) => e.document.uri.toString() === uri.toString()), 'the draft to close without a save prompt', SLOW);
    // Once answered, reopening says so instead of offering to send.
    await vscode.workspace.openTextDocument(uri);
    await until(async () => /Already answered \(.*\): saving sends nothing/.test((await lenses(uri))[0] ?? ''), 'the draft to say it was answered', SLOW);
  });

  it('a draft answered meanwhile says so when sent, not what is wrong with its text', async () => {
    const { answer, node, uri } = await openDraft(api, 'publishStream');
    const doc = await vscode.workspace.openTextDocument(uri);
    await replaceAll(doc, '{ "name": ');
    await until(() => ours(uri).some((d) => /Not valid JSON/.test(d.message)), 'a live JSON syntax diagnostic', SLOW);
    assert.equal(api.server()!.answer(node.exchange.id, { status: 403 }), true);
    assert.equal((await answer).status, 403);
    await until(() => ours(uri).length === 0, 'the answered draft to drop its problems', SLOW);
    assert.equal(await vscode.commands.executeCommand('wcsHookMock.sendAnswerDraft', uri), false, 'nothing sent');
    assert.deepEqual(ours(uri), [], 'its problems are not put back: they are not why nothing was sent');
  });
});

describe('Edit and answer with auto-save', function () {
  this.timeout(120_000);
  let api: WcsHookMockApi;
  const files = () => vscode.workspace.getConfiguration('files');

  before(async () => {
    api = await hookMock();
    await holdFor(api, 600);
    await files().update('autoSave', 'afterDelay', vscode.ConfigurationTarget.Workspace);
    await files().update('autoSaveDelay', 100, vscode.ConfigurationTarget.Workspace);
  });

  after(async () => {
    await holdFor(api, undefined);
    await files().update('autoSave', undefined, vscode.ConfigurationTarget.Workspace);
    await files().update('autoSaveDelay', undefined, vscode.ConfigurationTarget.Workspace);
    await closeAll();
  });

  it('an auto-save keeps the typed text but does not send it; Ctrl+S does', async () => {
    const { sent, answer, node, uri } = await openDraft(api, 'OnCallEvent');
    const doc = await vscode.workspace.openTextDocument(uri);
    const typed = JSON.stringify({ ...sent, callee: 'PPP00' });
    await replaceAll(doc, typed);
    await until(() => !doc.isDirty, 'the auto-save', SLOW);
    assert.equal(node.exchange.state, 'pending', 'valid half-typed JSON was not sent by the auto-save');
    assert.equal(await vscode.commands.executeCommand('wcsHookMock.sendAnswerDraft', uri), true);
    assert.equal((await answer).body, typed);
  });
});
