import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { WcsHookMockApi } from '../../../extension/extension';
import type { ExchangeNode, SessionNode } from '../../../mock-server/view';
import { body, heldNode, hookMock, postHook, treeChildren, until } from './wcsHooks';

describe('WCS Hooks view: the server, the tree and the answers', () => {
  let api: WcsHookMockApi;
  let url: string;

  before(async () => {
    api = await hookMock();
    url = api.url()!;
  });

  it('starts the hook server on activation, on the free port the workspace asks for', () => {
    const server = api.server()!;
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.notEqual(new URL(url).port, '9091');
    assert.equal(server.policy, 'hold-blockable');
  });

  it('shows a POSTed hook in the tree, held under "Waiting for you", with a badge and the status bar count', async () => {
    const sent = body('OnCallEvent');
    const answer = postHook(url, 'OnCallEvent', sent);
    const node = await heldNode(api, 'OnCallEvent', ['marker', sent.marker]);
    const item = await api.tree.getTreeItem(node);
    assert.equal(item.label, 'OnCallEvent');
    assert.match(String(item.description), /^held until \d\d:\d\d:\d\d · .*1001→1002/, 'until when first');
    await until(() => new RegExp(`^\\w+ #\\d+: \\d+ s left, then the hold timeout answers it`).test(api.treeView.message ?? ''), 'the countdown above the tree');
    assert.match(String(item.contextValue), /^wcsHook:exchange\+pending\+blockable/);
    assert.equal(item.command?.command, 'wcsHookMock.openExchange', 'a click opens, never answers');
    await until(() => /\$\(bell-dot\) \d+ held/.test(api.statusBar().text), 'the status bar to count the held hook');
    assert.match(api.statusBar().text, new RegExp(`WCS :${new URL(url).port}`));
    assert.ok((api.treeView.badge?.value ?? 0) >= 1, 'the view has a badge');

    // The same exchange sits in its session → call in the tree.
    const sessions = (await treeChildren(api)).filter((n): n is SessionNode => n.kind === 'session' && n.sessionId === sent.sessionId);
    assert.equal(sessions.length, 1);
    const [call] = await treeChildren(api, sessions[0]);
    assert.equal(call.kind, 'call');
    const [own] = (await treeChildren(api, call)) as ExchangeNode[];
    assert.equal(own.exchange, node.exchange);

    assert.equal(await vscode.commands.executeCommand('wcsHookMock.answerEcho', node), true);
    const res = await answer;
    assert.equal(res.status, 200);
    assert.equal(res.body, JSON.stringify(sent), 'echo is byte for byte');
    await until(() => !/held/.test(api.statusBar().text), 'the status bar to drop the count');
  });

  it('answers 403 from the inline action', async () => {
    const sent = body('publishStream', { name: 'room-403' });
    const answer = postHook(url, 'publishStream', sent);
    const node = await heldNode(api, 'publishStream', ['marker', sent.marker]);
    assert.equal(await vscode.commands.executeCommand('wcsHookMock.answerForbid', node), true);
    const res = await answer;
    assert.equal(res.status, 403);
    assert.equal(res.body, '');
    api.model.flush();
    const item = await api.tree.getTreeItem(api.model.nodeOf(api.model.keyOf(node))!);
    assert.match(String(item.description), /403 \(you\)/);
    assert.doesNotMatch(String(item.contextValue), /\+pending/);
  });

  it('declines with a reason WCS passes on to the client', async () => {
    const sent = body('call');
    const answer = postHook(url, 'call', sent);
    const node = await heldNode(api, 'call', ['marker', sent.marker]);
    assert.equal(await vscode.commands.executeCommand('wcsHookMock.answerForbidWithReason', node, 'line busy'), true);
    const res = await answer;
    assert.equal(res.status, 403);
    assert.deepEqual(JSON.parse(res.body), { status: 403, reason: 'line busy' });
  });

  it('answers every selected held hook when several are selected', async () => {
    const a = body('OnCallEvent');
    const b = body('OnCallEvent');
    const answers = [postHook(url, 'OnCallEvent', a), postHook(url, 'OnCallEvent', b)];
    const na = await heldNode(api, 'OnCallEvent', ['marker', a.marker]);
    const nb = await heldNode(api, 'OnCallEvent', ['marker', b.marker]);
    // What a context menu passes with two rows selected: the clicked one, then the selection.
    assert.equal(await vscode.commands.executeCommand('wcsHookMock.answerForbid', na, [na, nb]), true);
    assert.deepEqual((await Promise.all(answers)).map((r) => r.status), [403, 403]);
  });

  it('answers with any status', async () => {
    const sent = body('playStream');
    const answer = postHook(url, 'playStream', sent);
    const node = await heldNode(api, 'playStream', ['marker', sent.marker]);
    assert.equal(await vscode.commands.executeCommand('wcsHookMock.answerWithStatus', node, 503), true);
    assert.equal((await answer).status, 503);
  });

  it('refuses to answer twice, and says so instead of failing', async () => {
    const sent = body('hangup');
    const answer = postHook(url, 'hangup', sent);
    const node = await heldNode(api, 'hangup', ['marker', sent.marker]);
    assert.equal(await vscode.commands.executeCommand('wcsHookMock.answerEcho', node), true);
    assert.equal(await vscode.commands.executeCommand('wcsHookMock.answerForbid', node), false);
    assert.equal((await answer).status, 200);
  });

  it('answers every held hook at once, and holds events too in step mode', async () => {
    await vscode.commands.executeCommand('wcsHookMock.setPolicy', 'hold-all');
    try {
      assert.equal(api.server()!.policy, 'hold-all');
      const a = body('StreamStatusEvent');
      const b = body('ConnectionStatusEvent', { status: 'ESTABLISHED' });
      const answers = [postHook(url, 'StreamStatusEvent', a), postHook(url, 'ConnectionStatusEvent', b)];
      await heldNode(api, 'StreamStatusEvent', ['marker', a.marker]);
      await heldNode(api, 'ConnectionStatusEvent', ['marker', b.marker]);
      const n = await vscode.commands.executeCommand<number>('wcsHookMock.answerAllEcho');
      assert.ok(n >= 2, `answered ${n}`);
      const res = await Promise.all(answers);
      assert.deepEqual(res.map((r) => r.status), [200, 200]);
      assert.deepEqual(res.map((r) => r.body), [JSON.stringify(a), JSON.stringify(b)]);
    } finally {
      await vscode.commands.executeCommand('wcsHookMock.setPolicy', 'hold-blockable');
    }
    assert.equal(api.server()!.policy, 'hold-blockable');
    // Events are echoed by the policy again, without waiting.
    const res = await postHook(url, 'StreamStatusEvent', body('StreamStatusEvent'));
    assert.equal(res.status, 200);
  });

  it('groups a session\'s hooks and labels the session with app key, client and status', async () => {
    const connect = body('connect');
    const answer = postHook(url, 'connect', connect);
    await vscode.commands.executeCommand('wcsHookMock.answerEcho', await heldNode(api, 'connect', ['marker', connect.marker]));
    assert.equal((await answer).status, 200);
    await postHook(url, 'ConnectionStatusEvent', { ...connect, status: 'ESTABLISHED' });
    let session: SessionNode | undefined;
    await until(async () => {
      api.model.flush();
      session = (await treeChildren(api)).find((n): n is SessionNode => n.kind === 'session' && n.sessionId === connect.sessionId);
      return session?.status === 'ESTABLISHED';
    }, 'the session to be established');
    const item = await api.tree.getTreeItem(session!);
    assert.equal(item.label, `defaultApp · ${String(connect.sessionId).split('/')[1]}`);
    assert.match(String(item.description), /^ESTABLISHED · 2 hooks$/);
    const kids = (await treeChildren(api, session!)) as ExchangeNode[];
    assert.deepEqual(kids.map((k) => k.exchange.method), ['connect', 'ConnectionStatusEvent']);
  });

  it('refreshes the tree in batches, not once per hook, under a burst', async () => {
    const before = api.model.stats();
    const started = Date.now();
    const total = 2000;
    const session = body('StreamStatusEvent');
    let sent = 0;
    // 50 clients in parallel, events only (echoed by the policy at once).
    await Promise.all(Array.from({ length: 50 }, async () => {
      while (sent < total) {
        sent++;
        const res = await postHook(url, 'StreamKeepAliveEvent', { ...session, marker: `burst-${sent}` });
        assert.equal(res.status, 200);
      }
    }));
    await until(() => api.model.stats().ingested - before.ingested >= 2 * total, 'every hook and its answer to reach the model');
    api.model.flush();
    const after = api.model.stats();
    const batches = after.batches - before.batches;
    // The view's promise is at most one refresh per batch window, however long the burst took on this machine
    // (on a loaded one it can take seconds, so a fixed count would be a timing assertion); one per hook would be
    // ~2,000 here.
    const windows = Math.ceil((Date.now() - started) / api.model.batchMs);
    assert.ok(batches <= windows + 2, `${batches} tree refreshes for ${total} hooks in ${windows} windows of ${api.model.batchMs} ms`);
    // The stream renders at most 200 of its hooks, plus the "earlier" node.
    const s = (await treeChildren(api)).find((n): n is SessionNode => n.kind === 'session' && n.sessionId === session.sessionId)!;
    const [stream] = await treeChildren(api, s);
    const kids = await treeChildren(api, stream);
    assert.equal(kids.length, 201);
    assert.equal(kids[0].kind, 'more');
  });

  it('switches to a flat timeline and filters', async () => {
    try {
      await vscode.commands.executeCommand('wcsHookMock.toggleTimeline');
      const flat = await treeChildren(api);
      assert.ok(flat.every((n) => n.kind === 'exchange' || n.kind === 'waiting' || n.kind === 'more'));
      await vscode.commands.executeCommand('wcsHookMock.filterText', 'line busy');
      const hits = (await treeChildren(api)).filter((n): n is ExchangeNode => n.kind === 'exchange');
      assert.deepEqual(hits.map((n) => n.exchange.method), ['call']);
    } finally {
      await vscode.commands.executeCommand('wcsHookMock.clearFilter');
      await vscode.commands.executeCommand('wcsHookMock.showAsTree');
    }
    assert.ok((await treeChildren(api)).some((n) => n.kind === 'session'));
  });

  it('runs the filter and export commands from the view menus, which pass the tree item or nothing', async () => {
    const sent = body('OnCallEvent');
    const answer = postHook(url, 'OnCallEvent', sent);
    const node = await heldNode(api, 'OnCallEvent', ['marker', sent.marker]);
    /** Runs a command that prompts, closes its prompt as a user pressing Escape would, and returns its result. */
    async function dismissed(command: string, ...args: unknown[]): Promise<unknown> {
      let settled = false;
      const run = Promise.resolve(vscode.commands.executeCommand(command, ...args)).finally(() => { settled = true; });
      await until(async () => {
        if (!settled) await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
        return settled;
      }, `${command} to finish once its prompt is closed`);
      return run;
    }
    try {
      for (const args of [[], [node], [node, [node]]]) {
        await dismissed('wcsHookMock.filterText', ...args);
        await dismissed('wcsHookMock.filterType', ...args);
        assert.deepEqual(api.model.filter, {}, `no filter from ${args.length} argument(s)`);
      }
      assert.equal(await dismissed('wcsHookMock.exportJournal', node), undefined, 'the item is not a file: ask for one');
    } finally {
      await vscode.commands.executeCommand('wcsHookMock.clearFilter');
      await vscode.commands.executeCommand('wcsHookMock.answerEcho', node);
      await answer;
    }
  });
});
