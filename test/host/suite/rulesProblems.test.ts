import assert from 'node:assert/strict';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { WcsHookMockApi } from '../../../extension/extension';
import { hookMock, until } from './wcsHooks';

const FILE = 'extui-rules.json';

function rulesUri(): vscode.Uri {
  const dir = process.env.WCS_HOOK_MOCK_WORKSPACE ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  if (!dir) throw new Error('the host tests need a workspace folder');
  return vscode.Uri.file(join(dir, FILE));
}

async function write(text: string): Promise<void> {
  await vscode.workspace.fs.writeFile(rulesUri(), new TextEncoder().encode(text));
}

function ours(): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(rulesUri()).filter((d) => d.source === 'WCS Hook Mock');
}

/** The text a diagnostic underlines, read from the file on disk (an open editor may not have reloaded yet). */
async function underlined(d: vscode.Diagnostic): Promise<string> {
  const lines = new TextDecoder().decode(await vscode.workspace.fs.readFile(rulesUri())).split('\n');
  const { start, end } = d.range;
  assert.equal(start.line, end.line, 'one line');
  return (lines[start.line] ?? '').slice(start.character, end.character);
}

describe('Rules file problems', function () {
  this.timeout(120_000);
  let api: WcsHookMockApi;
  const cfg = () => vscode.workspace.getConfiguration('wcsHookMock');

  before(async () => {
    api = await hookMock();
    await write(JSON.stringify({ rules: [{ method: 'sendDtmf', answer: 'forbid' }] }));
    await cfg().update('rulesFile', FILE, vscode.ConfigurationTarget.Workspace);
    await until(async () => {
      await api.whenIdle();
      return api.server()?.currentRules?.rules[0]?.method === 'sendDtmf';
    }, 'the test rules file to be in force');
  });

  after(async () => {
    await cfg().update('rulesFile', undefined, vscode.ConfigurationTarget.Workspace);
    await vscode.workspace.fs.delete(rulesUri()).then(undefined, () => undefined);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('puts a bad field and a JSON error in the Problems panel at their exact range, with a status bar marker', async () => {
    await write('{\n  "rules": [\n    { "method": "call", "answer": "maybe" }\n  ]\n}\n');
    await until(() => ours().length === 1, 'a diagnostic on the rules file', 40_000);
    const [field] = ours();
    assert.equal(field!.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(await underlined(field!), '"maybe"');
    assert.match(field!.message, /^rules\[0\]\.answer: .*\(The previous rules stay in force until it is fixed\.\)$/);
    assert.equal(api.rulesMarker().visible, true);
    assert.match(api.rulesMarker().text, /WCS rules/);
    assert.match(api.rulesMarker().tooltip, /extui-rules\.json:3:\d+: rules\[0\]\.answer/);
    assert.equal(api.server()?.currentRules?.rules[0]?.method, 'sendDtmf', 'the previous rules stay');

    await write('{ "rules": [ { "method": "call", "answer": echo } ] }\n');
    await until(() => /invalid JSON/.test(ours()[0]?.message ?? ''), 'the JSON error as a diagnostic', 40_000);
    assert.equal(ours().length, 1, 'one problem at a time, not one per save');
    assert.equal(await underlined(ours()[0]!), 'echo');

    await write(JSON.stringify({ rules: [{ method: 'sendDtmf', answer: 'echo' }] }));
    await until(() => ours().length === 0 && !api.rulesMarker().visible, 'the problem and the marker to go', 40_000);
    await until(() => api.server()?.currentRules?.rules[0]?.answer === 'echo', 'the fixed rules in force', 40_000);
  });

  it('reloads once for a burst of saves', async () => {
    const server = api.server()!;
    let reloads = 0;
    const setRules = server.setRules.bind(server);
    server.setRules = (r) => {
      reloads++;
      setRules(r);
    };
    try {
      for (let i = 1; i <= 6; i++) await write(JSON.stringify({ rules: [{ method: 'sendDtmf', answer: { status: 400 + i } }] }));
      await until(() => JSON.stringify(server.currentRules?.rules[0]?.answer) === '{"status":406}', 'the last save in force', 40_000);
      // Whatever the watcher still delivers for this burst arrives within this time; then count.
      await new Promise((r) => setTimeout(r, 1500));
      await api.whenIdle();
      assert.ok(reloads >= 1 && reloads <= 2, `6 saves in a row reloaded ${reloads} times`);
    } finally {
      server.setRules = setRules;
    }
  });
});
