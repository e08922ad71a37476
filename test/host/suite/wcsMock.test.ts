import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { WcsHookMockApi } from '../../../extension/extension';
import type { CallNode, ExchangeNode, ModelNode, SessionNode } from '../../../mock-server/view';
// The WCS mock runs in the test (the client side); the hook server it talks to is the extension's.
import { runScenario } from '../../../mock-server/wcs/scenarios';
import { hookMock, treeChildren } from './wcsHooks';

describe('A WCS mock session stepped through from the tree', () => {
  let api: WcsHookMockApi;

  before(async () => {
    api = await hookMock();
  });

  it('groups an incoming-call session and completes it as the held hooks are answered in the tree', async () => {
    let running = true;
    const answered: string[] = [];
    // The developer: answers whatever waits, with the inline echo, as it appears.
    const developer = (async () => {
      while (running) {
        api.model.flush();
        const waiting = (await treeChildren(api)).find((n) => n.kind === 'waiting');
        for (const n of waiting ? await treeChildren(api, waiting) : []) {
          if (n.kind !== 'exchange') continue;
          if (await vscode.commands.executeCommand('wcsHookMock.answerEcho', n)) answered.push(n.exchange.method);
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    let result;
    try {
      result = await runScenario('incoming-call', { backend: { url: `${api.url()}/EchoApp` } });
    } finally {
      running = false;
      await developer;
    }
    assert.equal(result.completed, 1, JSON.stringify(result.errors));
    assert.ok(answered.includes('connect') && answered.includes('OnCallEvent'), answered.join(','));

    api.model.flush();
    const sessionId = result.transcripts[0]?.sessionId;
    const session = (await treeChildren(api)).find((n): n is SessionNode => n.kind === 'session' && n.sessionId === sessionId);
    assert.ok(session, `no session ${sessionId} in the tree`);
    const kids = await treeChildren(api, session);
    const call = kids.find((n): n is CallNode => n.kind === 'call');
    assert.ok(call, 'the call has its own node');
    const methods = (nodes: ModelNode[]) => nodes.filter((n): n is ExchangeNode => n.kind === 'exchange').map((n) => n.exchange.method);
    assert.equal(methods(kids)[0], 'connect');
    const callHooks = methods(await treeChildren(api, call));
    assert.equal(callHooks[0], 'OnCallEvent');
    assert.ok(callHooks.includes('CallStatusEvent'), callHooks.join(','));
    assert.equal(call.incoming, true);
  });
});
