import assert from 'node:assert/strict';
import * as net from 'node:net';
import * as vscode from 'vscode';
import type { WcsHookMockApi } from '../../../extension/extension';
import { createHookServer } from '../../../mock-server/hooks';
import { hookMock, until } from './wcsHooks';

type Show = (message: string, ...items: string[]) => Thenable<string | undefined>;

/**
 * Answers the extension's notifications as a user clicking a button would: `pick` chooses among the offered
 * buttons. The suite shares the extension's `vscode` API object, so this sees the extension's calls.
 */
function clickThrough(kind: 'showWarningMessage' | 'showInformationMessage', pick: (message: string, items: string[]) => string | undefined) {
  const w = vscode.window as unknown as Record<string, Show>;
  const original = w[kind]!;
  const seen: { message: string; items: string[] }[] = [];
  w[kind] = (message: string, ...items: unknown[]) => {
    const labels = items.filter((i): i is string => typeof i === 'string');
    seen.push({ message, items: labels });
    return Promise.resolve(pick(message, labels));
  };
  return { seen, restore: () => (w[kind] = original) };
}

describe('A second window: the hook port is busy', function () {
  this.timeout(120_000);
  let api: WcsHookMockApi;
  const cfg = () => vscode.workspace.getConfiguration('wcsHookMock');

  before(async () => {
    api = await hookMock();
  });

  afterEach(async () => {
    await cfg().update('port', 0, vscode.ConfigurationTarget.Workspace);
    await until(async () => {
      await api.whenIdle();
      return api.server() !== undefined;
    }, 'the server to run on a free port again');
  });

  it('when another WCS hook mock serves the port, offers a port of its own and gives the URL for WCS', async () => {
    // The "other window": a hook server of the same kind on its own port.
    const other = createHookServer({ host: '127.0.0.1', port: 0 });
    const { port: busy } = await other.listen();
    const warn = clickThrough('showWarningMessage', (m, items) => (/already served/.test(m) ? items.find((i) => /^Use Port \d+ Here$/.test(i)) : undefined));
    const info = clickThrough('showInformationMessage', () => undefined);
    try {
      await cfg().update('port', busy, vscode.ConfigurationTarget.Workspace);
      await until(() => warn.seen.some((s) => /already served by another WCS hook mock/.test(s.message)), 'the busy-port warning', 40_000);
      const offer = warn.seen.find((s) => /already served/.test(s.message))!;
      assert.match(offer.message, new RegExp(`^Port ${busy} is already served by another WCS hook mock`));
      assert.ok(offer.items.includes("Don't Start in This Workspace"), offer.items.join(', '));
      const chosen = Number(/^Use Port (\d+) Here$/.exec(offer.items[0]!)![1]);
      await until(() => cfg().get('port') === chosen && api.server() !== undefined, 'the server on the offered port', 40_000);
      assert.equal(new URL(api.url()!).port, String(chosen));
      await until(() => info.seen.length > 0, 'the URL to give WCS', 40_000);
      assert.match(info.seen[0]!.message, new RegExp(`Point WCS at http://127\\.0\\.0\\.1:${chosen}/EchoApp`));
      assert.deepEqual(info.seen[0]!.items, ['Copy URL']);
    } finally {
      warn.restore();
      info.restore();
      await other.close();
    }
  });

  it('when another program holds the port, says so', async () => {
    const blocker = await new Promise<net.Server>((resolve, reject) => {
      const s = net.createServer((sock) => sock.end('SSH-2.0-not-http\r\n'));
      s.once('error', reject);
      s.listen(0, '127.0.0.1', () => resolve(s));
    });
    const busy = (blocker.address() as net.AddressInfo).port;
    const warn = clickThrough('showWarningMessage', () => undefined);
    try {
      await cfg().update('port', busy, vscode.ConfigurationTarget.Workspace);
      await until(() => warn.seen.some((s) => s.message.startsWith(`Port ${busy} is in use by another program`)), 'the warning', 40_000);
      const offer = warn.seen.find((s) => s.message.startsWith(`Port ${busy}`))!;
      assert.ok(!offer.items.includes("Don't Start in This Workspace"), 'nothing of ours runs there to leave it to');
      await until(() => /\$\(error\)/.test(api.statusBar().text), 'the status bar to show the failure', 40_000);
      assert.match(api.statusBar().tooltip, /in use by another program/);
    } finally {
      warn.restore();
      blocker.close();
    }
  });
});
