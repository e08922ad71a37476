import assert from 'node:assert/strict';
import * as vscode from 'vscode';

const EXTENSION_ID = 'wcs-hook-mock.wcs-hook-mock';

describe('extension in a real host', () => {
  it('activates', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is not loaded in this extension host`);
    await ext.activate();
    assert.equal(ext.isActive, true);
  });

  it('registers every command its manifest contributes', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    await ext.activate();
    const contributed = ((ext.packageJSON.contributes?.commands ?? []) as { command: string }[]).map((c) => c.command);
    // The inline answers of the tree; the UI test clicks them by these ids' titles.
    for (const id of ['wcsHookMock.answerEcho', 'wcsHookMock.answerForbid']) assert.ok(contributed.includes(id), `${id} not contributed`);
    const registered = new Set(await vscode.commands.getCommands(true));
    assert.deepEqual(contributed.filter((c) => !registered.has(c)), []);
  });
});
