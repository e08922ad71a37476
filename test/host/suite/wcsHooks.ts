/**
 * Helpers for the extension-host tests: the extension's API, real HTTP hooks, and waiting for the
 * batched tree to catch up. Not a test file itself (no .test.ts), bundled in through the tests' imports.
 */
import * as http from 'node:http';
import * as vscode from 'vscode';
// Type-only: the suite talks to the extension instance the host loaded, never to a second bundled copy.
import type { WcsHookMockApi } from '../../../extension/extension';
import type { ExchangeNode, ModelNode } from '../../../mock-server/view';

export const EXTENSION_ID = 'wcs-hook-mock.wcs-hook-mock';

export interface HookResponse {
  readonly status: number;
  readonly body: string;
}

/** The activated extension's API with its server running on a free port (workspace setting port 0). */
export async function hookMock(): Promise<WcsHookMockApi> {
  const ext = vscode.extensions.getExtension<WcsHookMockApi>(EXTENSION_ID);
  if (!ext) throw new Error(`${EXTENSION_ID} is not loaded in this extension host`);
  const api = await ext.activate();
  const cfg = vscode.workspace.getConfiguration('wcsHookMock');
  // The code-server runner's workspace sets port 0; other runners may not, and 9091 may be taken.
  if (cfg.get('port') !== 0) await cfg.update('port', 0, vscode.ConfigurationTarget.Workspace);
  await until(async () => {
    await api.whenIdle();
    if (!api.server()) await vscode.commands.executeCommand('wcsHookMock.startServer');
    return api.server() !== undefined && api.server()!.holdTimeoutMs > 0;
  }, 'the hook server to run');
  return api;
}

/** Polls until `cond` holds; the suite's timeout bounds it, the message says what never happened. */
export async function until(cond: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const started = Date.now();
  for (;;) {
    if (await cond()) return;
    if (Date.now() - started > timeoutMs) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** POSTs a hook the way WCS does; resolves with the answer whenever it comes. */
export function postHook(baseUrl: string, method: string, body: unknown, app = '/EchoApp'): Promise<HookResponse> {
  const data = typeof body === 'string' ? body : JSON.stringify(body);
  const url = new URL(`${app}/${method}`, baseUrl);
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(data);
  });
}

/** Walks the TreeDataProvider the view uses, as the view would. */
export async function treeChildren(api: WcsHookMockApi, node?: ModelNode): Promise<ModelNode[]> {
  return (await api.tree.getChildren(node)) ?? [];
}

/** The node of a held hook under "Waiting for you", once the batched tree shows it. */
export async function heldNode(api: WcsHookMockApi, method: string, field?: [string, unknown]): Promise<ExchangeNode> {
  let found: ExchangeNode | undefined;
  await until(async () => {
    api.model.flush();
    const waiting = (await treeChildren(api)).find((n) => n.kind === 'waiting');
    if (!waiting) return false;
    found = (await treeChildren(api, waiting)).find(
      (n): n is ExchangeNode =>
        n.kind === 'exchange' && n.exchange.method === method && (!field || (n.exchange.body as Record<string, unknown>)?.[field[0]] === field[1]),
    );
    return found !== undefined;
  }, `${method} to wait in the tree`);
  return found!;
}

let counter = 0;
/** A body of the sample session with a unique marker, so tests never pick up each other's hooks. */
export function body(method: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  counter++;
  const base: Record<string, unknown> = {
    nodeId: 'host-test@127.0.0.1',
    appKey: 'defaultApp',
    sessionId: `/127.0.0.1:${40000 + counter}/127.0.0.1:8443`,
    marker: `m${counter}-${Date.now()}`,
  };
  if (/call|Call/.test(method)) Object.assign(base, { callId: `call-${counter}`, caller: '1001', callee: '1002', status: 'PENDING', incoming: method === 'OnCallEvent' });
  if (/Stream/.test(method)) Object.assign(base, { mediaSessionId: `ms-${counter}`, name: `stream-${counter}`, status: 'PUBLISHING', published: true });
  return { ...base, ...extra };
}
