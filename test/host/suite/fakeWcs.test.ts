import assert from 'node:assert/strict';
import * as net from 'node:net';
import * as vscode from 'vscode';
import type { WcsHookMockApi } from '../../../extension/extension';
import type { WcsNode } from '../../../extension/wcs';
import type { ExchangeNode, ModelNode, SessionNode } from '../../../mock-server/view';
import type { ScriptedClient } from '../../../mock-server/wcs/scriptedClient';
// The client side: the repo's scripted WebSDK stand-in over a real WebSocket to the fake WCS's ws:// URL.
import { wsClient } from '../../unit/wcs-rest/wsLink';
import { hookMock, treeChildren, until } from './wcsHooks';

const wcsCfg = () => vscode.workspace.getConfiguration('wcsHookMock.wcs');

/** Runs a command that prompts; `respond` plays the user on its prompt until the command settles. */
async function prompted(respond: string, command: string, ...args: unknown[]): Promise<unknown> {
  let settled = false;
  const run = Promise.resolve(vscode.commands.executeCommand(command, ...args)).finally(() => (settled = true));
  await until(async () => {
    if (!settled) await vscode.commands.executeCommand(respond);
    return settled;
  }, `${command} to finish once its prompt is answered`);
  return run;
}

describe('The fake WCS run from VS Code', () => {
  let api: WcsHookMockApi;
  let client: ScriptedClient | undefined;
  let developer: Promise<void> | undefined;
  let answering = false;
  const answered: string[] = [];

  /** Finds a node of the Fake WCS view, walking it as VS Code does. */
  async function wcsNode(test: (n: WcsNode) => boolean, what: string): Promise<WcsNode> {
    let found: WcsNode | undefined;
    await until(async () => {
      const roots = (await api.wcs.tree.getChildren()) ?? [];
      const all = [...roots, ...(await Promise.all(roots.map(async (r) => (await api.wcs.tree.getChildren(r)) ?? []))).flat()];
      found = all.find(test);
      return found !== undefined;
    }, what);
    return found!;
  }

  /** The hook view's session node for a WCS session id, with its hooks (and its calls'/streams' hooks). */
  async function hookMethods(sessionId: string): Promise<string[]> {
    api.model.flush();
    const session = (await treeChildren(api)).find((n): n is SessionNode => n.kind === 'session' && n.sessionId === sessionId);
    if (!session) return [];
    const out: string[] = [];
    const walk = async (n: ModelNode): Promise<void> => {
      for (const k of await treeChildren(api, n)) {
        if (k.kind === 'exchange') out.push(`${(k as ExchangeNode).exchange.method}${(k as ExchangeNode).exchange.state === 'pending' ? ' (held)' : ''}`);
        else await walk(k);
      }
    };
    await walk(session);
    return out;
  }

  before(async () => {
    api = await hookMock();
    // Free ports: a developer's own WCS (or another test run) may hold 8080/8081.
    await wcsCfg().update('port', 0, vscode.ConfigurationTarget.Workspace);
    await wcsCfg().update('restPort', 0, vscode.ConfigurationTarget.Workspace);
    // The developer: answers held hooks from the tree with the inline echo, as they arrive.
    answering = true;
    developer = (async () => {
      while (answering) {
        api.model.flush();
        const waiting = (await treeChildren(api)).find((n) => n.kind === 'waiting');
        for (const n of waiting ? await treeChildren(api, waiting) : []) {
          if (n.kind === 'exchange' && (await vscode.commands.executeCommand('wcsHookMock.answerEcho', n))) answered.push(n.exchange.method);
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
  });

  after(async () => {
    answering = false;
    await developer;
    client?.link.closed();
    await vscode.commands.executeCommand('wcsHookMock.wcs.stop');
    await wcsCfg().update('port', undefined, vscode.ConfigurationTarget.Workspace);
    await wcsCfg().update('restPort', undefined, vscode.ConfigurationTarget.Workspace);
  });

  it('starts from the command, shows a client session and stream in its view and their hooks in the hook view', async () => {
    assert.equal(await vscode.commands.executeCommand('wcsHookMock.wcs.start'), true);
    const s = api.wcs.fake.state;
    assert.equal(s.kind, 'running');
    if (s.kind !== 'running') return;
    assert.match(s.endpoint.wsUrl, /^ws:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(s.endpoint.backend, `${api.url()}/EchoApp`, 'hooks go to the running hook server by default');
    assert.ok(api.wcs.statusBar().visible);
    assert.match(api.wcs.statusBar().text, /fake WCS :\d+/);
    assert.equal(await vscode.commands.executeCommand('wcsHookMock.wcs.copyUrl'), s.endpoint.wsUrl);
    assert.equal(await vscode.env.clipboard.readText(), s.endpoint.wsUrl);

    client = wsClient(s.endpoint.wsUrl);
    const connected = await client.connect({ sip: { login: 'host-1001' } });
    assert.ok(connected.established, JSON.stringify(connected));
    const published = await client.publish('host-cam');
    assert.equal(published.status, 'PUBLISHING');

    const sessionNode = await wcsNode((n) => n.kind === 'session' && n.session.sipLogin === 'host-1001' && n.session.streams.length === 1, 'the session and its stream in the Fake WCS view');
    assert.equal(sessionNode.kind, 'session');
    if (sessionNode.kind !== 'session') return;
    const item = api.wcs.tree.getTreeItem(sessionNode) as vscode.TreeItem;
    assert.match(String(item.description), /ESTABLISHED · 1 stream/);
    const stream = await wcsNode((n) => n.kind === 'stream' && n.stream.name === 'host-cam' && n.stream.status === 'PUBLISHING', 'the stream PUBLISHING');
    assert.equal((api.wcs.tree.getTreeItem(stream) as vscode.TreeItem).contextValue, 'wcsMock:stream+published');

    const id = sessionNode.session.sessionId;
    await until(async () => {
      const m = await hookMethods(id);
      return m.includes('connect') && m.includes('publishStream') && m.includes('ConnectionStatusEvent');
    }, 'connect, ConnectionStatusEvent and publishStream in the hook view, under the same session');
    assert.ok(answered.includes('connect'), `connect was held and answered from the tree: ${answered.join(',')}`);
  });

  it('runs levers from an item context menu (item as argument) and the palette (asks, or fails clearly)', async () => {
    const c = client!;
    const stream = await wcsNode((n) => n.kind === 'stream' && n.stream.name === 'host-cam', 'the stream');
    const failed = c.waitFor((f) => f.message === 'notifyStreamStatusEvent' && (f.data[0] as { status?: string }).status === 'FAILED', 'the stream FAILED');
    const r = (await vscode.commands.executeCommand('wcsHookMock.wcs.failStream', stream, 'Failed by host test')) as { affected: string[] };
    assert.equal(stream.kind === 'stream' && r.affected[0], stream.kind === 'stream' && stream.stream.mediaSessionId);
    assert.match(JSON.stringify((await failed).data[0]), /Failed by host test/, 'the client got FAILED with the info given');
    const session = await wcsNode((n) => n.kind === 'session' && n.session.sipLogin === 'host-1001' && n.session.streams.length === 0, 'the failed stream to leave the view');
    if (session.kind !== 'session') return;
    await until(async () => (await hookMethods(session.session.sessionId)).includes('StreamStatusEvent'), 'StreamStatusEvent FAILED in the hook view');

    // An incoming call to this session, from its context menu: OnCallEvent is held until the tree answers it.
    const ringing = c.waitFor((f) => f.message === 'notifyIncomingCall', 'the incoming call');
    const call = (await vscode.commands.executeCommand('wcsHookMock.wcs.incomingCall', session, 'host-bob')) as { callId: string; offered: boolean };
    assert.ok(call?.offered, JSON.stringify(call));
    await ringing;
    assert.ok(answered.includes('OnCallEvent'), answered.join(','));
    const callNode = await wcsNode((n) => n.kind === 'call' && n.call.callId === call.callId, 'the call in the Fake WCS view');
    assert.match(String((api.wcs.tree.getTreeItem(callNode) as vscode.TreeItem).description), /^incoming · /);
    await until(async () => (await hookMethods(session.session.sessionId)).includes('OnCallEvent'), 'OnCallEvent in the hook view');
    assert.ok(await vscode.commands.executeCommand('wcsHookMock.wcs.hangup', callNode), 'the far end hangs up');
    await wcsNode((n) => n.kind === 'session' && n.session.sipLogin === 'host-1001' && n.session.calls.length === 0, 'the call to end');

    // From the palette, no argument: a stream lever with no stream fails at once (no picker left open) ...
    assert.equal(await vscode.commands.executeCommand('wcsHookMock.wcs.failStream'), undefined);
    // ... and a session lever asks which session; the user picks the only one.
    const closed = c.whenClosed();
    const dropped = (await prompted('workbench.action.acceptSelectedQuickOpenItem', 'wcsHookMock.wcs.dropSession')) as { affected: string[] };
    assert.deepEqual(dropped?.affected, [session.session.sessionId]);
    await closed;
    await until(() => api.wcs.fake.sessions().length === 0, 'the dropped session to leave the view');
    await until(async () => (await hookMethods(session.session.sessionId)).filter((m) => m === 'ConnectionStatusEvent').length >= 2, 'the DISCONNECTED hook');
  });

  it('says a busy port clearly, recovers on a free one, and stops from the command', async () => {
    const blocker = await new Promise<net.Server>((resolve, reject) => {
      const srv = net.createServer();
      srv.once('error', reject);
      srv.listen(0, '127.0.0.1', () => resolve(srv));
    });
    const busy = (blocker.address() as net.AddressInfo).port;
    try {
      await wcsCfg().update('port', busy, vscode.ConfigurationTarget.Workspace);
      await until(async () => {
        await api.wcs.fake.idle();
        return api.wcs.fake.state.kind === 'failed';
      }, 'the restart on a busy port to fail');
      const s = api.wcs.fake.state;
      assert.ok(s.kind === 'failed' && s.fix === 'port', JSON.stringify(s));
      assert.match(s.kind === 'failed' ? s.message : '', new RegExp(`127\\.0\\.0\\.1:${busy}: the port is in use`));
      assert.doesNotMatch(s.kind === 'failed' ? s.message : '', /\n\s+at /, 'no stack trace');
      assert.match(api.wcs.statusBar().text, /error/);
      // Not running: a lever says so instead of hanging.
      assert.equal(await vscode.commands.executeCommand('wcsHookMock.wcs.incomingCall'), undefined);
    } finally {
      blocker.close();
      await wcsCfg().update('port', 0, vscode.ConfigurationTarget.Workspace);
    }
    await until(async () => {
      await api.wcs.fake.idle();
      return api.wcs.fake.state.kind === 'running';
    }, 'the fake WCS to run again on a free port (the way out the error offers)');

    // The hook server restarts on another free port: the fake WCS's hooks follow it.
    await vscode.commands.executeCommand('wcsHookMock.restartServer');
    await until(async () => {
      await api.whenIdle();
      const s = api.wcs.fake.state;
      return api.url() !== undefined && s.kind === 'running' && s.endpoint.backend === `${api.url()}/EchoApp`;
    }, 'the fake WCS to post to the restarted hook server');

    await vscode.commands.executeCommand('wcsHookMock.wcs.stop');
    assert.equal(api.wcs.fake.state.kind, 'stopped');
    assert.equal(api.wcs.statusBar().visible, false);
    assert.deepEqual((await api.wcs.tree.getChildren()) ?? [], [], 'the view shows its welcome text again');
  });
});
