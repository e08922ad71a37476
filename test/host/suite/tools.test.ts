import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import * as http from 'node:http';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { WcsHookMockApi } from '../../../extension/extension';
import type { ExchangeNode } from '../../../mock-server/view';
import { body, heldNode, hookMock, postHook, until } from './wcsHooks';

function workspaceDir(): string {
  const dir = process.env.WCS_HOOK_MOCK_WORKSPACE ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  if (!dir) throw new Error('the host tests need a workspace folder');
  return dir;
}

describe('Rules, documents and tools from the tree', () => {
  let api: WcsHookMockApi;
  const rulesPath = () => join(workspaceDir(), '.vscode', 'wcs-hooks.json');

  before(async () => {
    api = await hookMock();
  });

  after(async () => {
    rmSync(rulesPath(), { force: true });
    await until(async () => {
      await api.whenIdle();
      return api.server()?.currentRules === undefined;
    }, 'the deleted rules file to be unloaded');
  });

  it('"Always answer this method like this" writes a rule into the workspace rules file and answers by it', async () => {
    const sent = body('OnCallEvent', { callee: 'PPP005' });
    const answer = postHook(api.url()!, 'OnCallEvent', sent);
    const node = await heldNode(api, 'OnCallEvent', ['marker', sent.marker]);
    const uri = await vscode.commands.executeCommand<vscode.Uri>('wcsHookMock.alwaysAnswerLikeThis', node, 'forbid');
    assert.equal(uri.fsPath, rulesPath());
    assert.deepEqual(JSON.parse(readFileSync(rulesPath(), 'utf8')).rules.map((r: { method: string; answer: unknown }) => [r.method, r.answer]), [['OnCallEvent', 'forbid']]);
    assert.equal((await answer).status, 403, 'the held one got the same answer');

    // The next one is answered by the rule, without waiting.
    const next = await postHook(api.url()!, 'OnCallEvent', body('OnCallEvent'));
    assert.equal(next.status, 403);
  });

  it('runs without rules when the file is broken at start, and picks up the fixed file by itself', async () => {
    const good = readFileSync(rulesPath(), 'utf8');
    await vscode.workspace.fs.writeFile(vscode.Uri.file(rulesPath()), new TextEncoder().encode('{ "rules": [ { "answer": "maybe" } ] }'));
    await vscode.commands.executeCommand('wcsHookMock.restartServer');
    // Restarted with a broken file: it runs without rules, and says so (error message + log).
    assert.equal(api.server()?.currentRules, undefined);
    const held = postHook(api.url()!, 'OnCallEvent', body('OnCallEvent'));
    await vscode.commands.executeCommand('wcsHookMock.answerEcho', await heldNode(api, 'OnCallEvent'));
    assert.equal((await held).status, 200);
    await vscode.workspace.fs.writeFile(vscode.Uri.file(rulesPath()), new TextEncoder().encode(good));
    await until(async () => {
      await api.whenIdle();
      return api.server()?.currentRules?.rules.length === 1;
    }, 'the fixed rules file to be picked up by the watcher');
  });

  it('keeps the rules in force when the file is broken while running, and says where', async () => {
    const good = readFileSync(rulesPath(), 'utf8');
    await vscode.workspace.fs.writeFile(vscode.Uri.file(rulesPath()), new TextEncoder().encode('{\n  "rules": [\n    { "method": "call", "answer": "maybe" }\n  ]\n}\n'));
    await until(async () => {
      await api.whenIdle();
      return api.rules().kind === 'error';
    }, 'the watcher to read the broken file');
    assert.match(api.rules().message, /wcs-hooks\.json:3:\d+: rules\[0\]\.answer/);
    assert.equal(api.rules().count, 1);
    assert.equal(api.server()?.currentRules?.rules[0]?.method, 'OnCallEvent', 'the previous rules stay');
    assert.equal((await postHook(api.url()!, 'OnCallEvent', body('OnCallEvent'))).status, 403);
    await vscode.workspace.fs.writeFile(vscode.Uri.file(rulesPath()), new TextEncoder().encode(good));
    await until(async () => {
      await api.whenIdle();
      return api.rules().kind === 'ok';
    }, 'the fixed file to be read');
  });

  it('validates the rules file in the editor with the contributed JSON schema', async function () {
    this.timeout(60_000); // the JSON language server starts on first use
    const good = readFileSync(rulesPath(), 'utf8');
    const uri = vscode.Uri.file(rulesPath());
    try {
      await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode('{ "rules": [ { "method": "call", "answer": "maybe" } ] }\n'));
      const doc = await vscode.workspace.openTextDocument(uri);
      await vscode.window.showTextDocument(doc);
      await until(() => vscode.languages.getDiagnostics(uri).length > 0, 'schema diagnostics on the rules file', 50_000);
      const d = vscode.languages.getDiagnostics(uri);
      // The allowed keywords come from our schema: nothing else knows them.
      assert.ok(d.some((x) => /"echo", "forbid", "hold"/.test(x.message)), d.map((x) => x.message).join('; '));
    } finally {
      await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(good));
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    }
    await until(async () => {
      await api.whenIdle();
      return api.rules().kind === 'ok';
    }, 'the good file to be read again');
  });

  it('notices a rules file created by hand in a folder that did not exist, at the path the setting names', async () => {
    const cfg = () => vscode.workspace.getConfiguration('wcsHookMock');
    await cfg().update('rulesFile', 'hooks-config/rules.json', vscode.ConfigurationTarget.Workspace);
    try {
      const file = vscode.Uri.file(join(workspaceDir(), 'hooks-config', 'rules.json'));
      await vscode.workspace.fs.writeFile(file, new TextEncoder().encode(JSON.stringify({ rules: [{ method: 'sendDtmf', answer: 'forbid' }] })));
      await until(async () => {
        await api.whenIdle();
        return api.server()?.currentRules?.rules[0]?.method === 'sendDtmf';
      }, 'the new rules file to be loaded');
      assert.equal((await postHook(api.url()!, 'sendDtmf', body('sendDtmf'))).status, 403);
    } finally {
      await cfg().update('rulesFile', undefined, vscode.ConfigurationTarget.Workspace);
    }
    await until(async () => {
      await api.whenIdle();
      return api.server()?.currentRules?.rules[0]?.method === 'OnCallEvent';
    }, 'the default rules file to be back in force');
  });

  it('opens an exchange as a read-only JSON document with headers, body, issues and the answer', async () => {
    const sent = body('call', { callId: 42 });
    const answer = postHook(api.url()!, 'call', sent);
    const node = await heldNode(api, 'call', ['marker', sent.marker]);
    await vscode.commands.executeCommand('wcsHookMock.answerForbidWithReason', node, 'no');
    await answer;
    const uri = await vscode.commands.executeCommand<vscode.Uri>('wcsHookMock.openExchangeJson', node);
    const doc = await vscode.workspace.openTextDocument(uri);
    const shown = JSON.parse(doc.getText());
    assert.equal(shown.method, 'call');
    assert.equal(shown.request.headers['content-type'], 'application/json');
    assert.deepEqual(shown.request.body, sent);
    assert.deepEqual(shown.issues.map((i: { path: string }) => i.path), ['callId']);
    assert.deepEqual(shown.answer.body, { status: 403, reason: 'no' });
    assert.equal(shown.answer.by, 'developer');
  });

  it('copies as cURL, saves as .http, replays to a URL and exports the journal', async () => {
    const sent = body('sendMessage', { to: '1002', body: 'hi' });
    const answer = postHook(api.url()!, 'sendMessage', sent);
    const node = await heldNode(api, 'sendMessage', ['marker', sent.marker]);
    await vscode.commands.executeCommand('wcsHookMock.answerEcho', node);
    await answer;

    const curl = await vscode.commands.executeCommand<string>('wcsHookMock.copyAsCurl', node);
    assert.match(curl, new RegExp(`^curl .* '${api.url()}/EchoApp/sendMessage'`));
    assert.equal(await vscode.env.clipboard.readText(), curl);

    const httpFile = vscode.Uri.file(join(workspaceDir(), 'replay.http'));
    await vscode.commands.executeCommand('wcsHookMock.saveAsHttp', node, httpFile);
    assert.match(readFileSync(httpFile.fsPath, 'utf8'), /^POST .*\/EchoApp\/sendMessage$/m);

    const received: string[] = [];
    const backend = http.createServer((req, res) => {
      let data = '';
      req.on('data', (c) => (data += c));
      req.on('end', () => {
        received.push(`${req.url} ${data}`);
        res.writeHead(200, { 'Content-Type': 'application/json' }).end(data);
      });
    });
    await new Promise<void>((r) => backend.listen(0, '127.0.0.1', () => r()));
    try {
      const port = (backend.address() as { port: number }).port;
      const result = await vscode.commands.executeCommand<{ status: number; body: string }>('wcsHookMock.replay', node, `http://127.0.0.1:${port}/EchoApp/sendMessage`);
      assert.equal(result.status, 200);
      assert.deepEqual(received, [`/EchoApp/sendMessage ${JSON.stringify(sent)}`], 'the exact bytes');
    } finally {
      backend.close();
    }

    const jsonl = vscode.Uri.file(join(workspaceDir(), 'journal.jsonl'));
    const exported = await vscode.commands.executeCommand<{ count: number }>('wcsHookMock.exportJournal', jsonl);
    const lines = readFileSync(jsonl.fsPath, 'utf8').trim().split('\n');
    assert.equal(lines.length, exported.count);
    assert.ok(lines.map((l) => JSON.parse(l)).some((e) => e.body?.marker === sent.marker));
  });

  it('generates a handler stub carrying the decisions taken in the tree', async () => {
    const sent = body('OnCallEvent', { callee: 'PPP009' });
    await vscode.workspace.fs.delete(vscode.Uri.file(rulesPath()));
    await until(async () => {
      await api.whenIdle();
      return api.server()?.currentRules === undefined;
    }, 'the rules to be unloaded');
    const answer = postHook(api.url()!, 'OnCallEvent', sent);
    const node: ExchangeNode = await heldNode(api, 'OnCallEvent', ['marker', sent.marker]);
    await vscode.commands.executeCommand('wcsHookMock.answerForbid', node);
    assert.equal((await answer).status, 403);

    const folder = vscode.Uri.file(join(workspaceDir(), 'stub'));
    const result = await vscode.commands.executeCommand<{ written: vscode.Uri[] }>('wcsHookMock.generateStub', {
      target: 'javascript-node', methods: ['connect', 'OnCallEvent'], folder,
    });
    assert.deepEqual(result.written.map((u) => u.path.split('/').pop()), ['server.js']);
    const code = readFileSync(join(folder.fsPath, 'server.js'), 'utf8');
    assert.match(code, /you declined OnCallEvent when callee = PPP009/);
    assert.ok(existsSync(join(folder.fsPath, 'server.js')));
  });
});
