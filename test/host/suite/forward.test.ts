/**
 * Forward mode in the extension: with wcsHookMock.forward set, a hook goes on to a backend (one of our own,
 * inside the extension host on 127.0.0.1), the tree shows who answered, and the exchange document shows both
 * legs.
 */
import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as vscode from 'vscode';
import type { WcsHookMockApi } from '../../../extension/extension';
import type { ExchangeNode, ModelNode } from '../../../mock-server/view';
import { body, hookMock, postHook, treeChildren, until } from './wcsHooks';

async function findExchange(api: WcsHookMockApi, marker: string, under?: ModelNode): Promise<ExchangeNode | undefined> {
  for (const n of await treeChildren(api, under)) {
    if (n.kind === 'exchange' && (n.exchange.body as Record<string, unknown> | undefined)?.marker === marker) return n;
    if (n.kind !== 'exchange') {
      const found = await findExchange(api, marker, n);
      if (found) return found;
    }
  }
  return undefined;
}

describe('forward mode: wcsHookMock.forward', () => {
  let api: WcsHookMockApi;
  let backend: http.Server;
  let target: string;

  before(async () => {
    api = await hookMock();
    backend = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const got = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ ...got, seenBy: 'backend' }));
      });
    });
    await new Promise<void>((resolve) => backend.listen(0, '127.0.0.1', resolve));
    target = `http://127.0.0.1:${(backend.address() as AddressInfo).port}/wcs`;
  });

  after(async () => {
    await vscode.workspace.getConfiguration('wcsHookMock').update('forward', undefined, vscode.ConfigurationTarget.Workspace);
    await until(async () => {
      await api.whenIdle();
      return api.server() !== undefined;
    }, 'the server to run again');
    await new Promise<void>((resolve) => backend.close(() => resolve()));
  });

  it('sends the hook to the backend and shows both legs', async () => {
    const before = api.server();
    await vscode.workspace.getConfiguration('wcsHookMock').update('forward', target, vscode.ConfigurationTarget.Workspace);
    await until(async () => {
      await api.whenIdle();
      return api.server() !== undefined && api.server() !== before;
    }, 'the server to restart with the forward target');

    const sent = body('connect');
    const res = await postHook(api.url()!, 'connect', sent);
    assert.equal(res.status, 200);
    assert.deepEqual(JSON.parse(res.body), { ...sent, seenBy: 'backend' }, 'WCS got the backend\'s answer');

    let node: ExchangeNode | undefined;
    await until(async () => {
      api.model.flush();
      node = await findExchange(api, sent.marker as string);
      return node !== undefined && node.exchange.state === 'answered';
    }, 'the forwarded connect in the tree');
    const item = await api.tree.getTreeItem(node!);
    assert.match(String(item.description), /200 \(your backend\)/);

    const uri = (await vscode.commands.executeCommand('wcsHookMock.openExchange', node)) as vscode.Uri;
    const text = (await vscode.workspace.openTextDocument(uri)).getText();
    assert.match(text, /### WCS → hook mock\n\nPOST \/EchoApp\/connect HTTP\/1\.1/, 'what WCS sent');
    assert.match(text, /### hook mock → backend\n\nPOST http:\/\/127\.0\.0\.1:\d+\/wcs\/connect HTTP\/1\.1/, 'what the backend got');
    assert.match(text, /"seenBy": "backend"/, 'what the backend answered (and WCS got)');
    assert.match(text, /by your backend/, 'who answered WCS');
  });
});
