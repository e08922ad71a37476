/**
 * The fake WCS as a user meets it: the packaged extension (.vsix) in a fresh code-server with
 * `wcsHookMock.wcs.autoStart` on, a WebSDK client (the scripted one, over a real WebSocket) connecting and
 * publishing, the "Fake WCS" view showing the session and its stream, and a lever run from the session's
 * context menu (an incoming call, asked for a caller, answered by the client's ring). Screenshots go to
 * `resultsDir`: fake-wcs-view.png, fake-wcs-menu.png, fake-wcs-call.png.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, installVsix, isNoise, openWorkbench, startCodeServer, type CodeServer, type Workbench } from '../../../scripts/vscode-host/host';
import { packageVsix } from '../../../scripts/vscode-host/vsix';
import type { ScriptedClient } from '../../../mock-server/wcs/scriptedClient';
import { wsClient } from '../../unit/wcs-rest/wsLink';
import { waitForListener } from './http';
import { expandRows, openViewContainer, sideBarRows, waitForWorkbench } from './workbench';

export const INCOMING_CALL_TITLE = 'Incoming call to this session…';

export interface FakeWcsViewResult {
  screenshots: { view: string; menu: string; call: string };
  /** What the client saw: the incoming call's ring frame, when it came. */
  rang: boolean;
  log: string[];
}

export async function fakeWcsFromTheView(opts: { extensionRoot: string; resultsDir: string; step?: (what: string) => void }): Promise<FakeWcsViewResult> {
  const step = opts.step ?? (() => undefined);
  const tmp = mkdtempSync(join(tmpdir(), 'wcs-ui-fake-'));
  const log: string[] = [];
  let server: CodeServer | undefined;
  let workbench: Workbench | undefined;
  let client: ScriptedClient | undefined;
  try {
    step('packaging and installing the .vsix');
    const extensionsDir = await installVsix(await packageVsix(opts.extensionRoot, join(tmp, 'wcs-hook-mock.vsix')), join(tmp, 'install'));
    const [hookPort, wsPort] = [await freePort(), await freePort()];
    const workspace = join(tmp, 'workspace');
    mkdirSync(join(workspace, '.vscode'), { recursive: true });
    writeFileSync(join(workspace, '.vscode', 'settings.json'), JSON.stringify({
      'wcsHookMock.port': hookPort, 'wcsHookMock.policy': 'echo-all',
      'wcsHookMock.wcs.autoStart': true, 'wcsHookMock.wcs.port': wsPort, 'wcsHookMock.wcs.restPort': 0,
    }, null, 2));

    step('starting code-server');
    server = await startCodeServer({ workspaceDir: workspace, extensionsDir, env: { WCS_HOOK_MOCK_TEST: '1' } });
    workbench = await openWorkbench(server, { onLog: (e) => isNoise(e.text) || log.push(`[${e.type}] ${e.text}`) });
    const { page } = workbench;
    await waitForWorkbench(page);
    await openViewContainer(page, 'WCS Hooks');
    step(`waiting for the fake WCS on 127.0.0.1:${wsPort}`);
    await waitForListener(wsPort, 30_000);

    step('connecting a client and publishing');
    client = wsClient(`ws://127.0.0.1:${wsPort}`);
    await client.connect({ sip: { login: 'alice-1001' } });
    await client.publish('alice-cam');
    await sideBarRows(page, /alice-cam/).filter({ hasText: /PUBLISHING/ }).first().waitFor({ state: 'visible', timeout: 30_000 });
    // The same session's hooks in the Hooks view above, from the fake WCS through the hook server.
    await expandRows(page, /defaultApp · 127\.0\.0\.1/);
    await sideBarRows(page, /alice-cam\s*published/).first().waitFor({ state: 'visible', timeout: 30_000 });
    await expandRows(page, /alice-cam\s*published/);
    await sideBarRows(page, /publishStream/).first().waitFor({ state: 'visible', timeout: 30_000 });
    mkdirSync(opts.resultsDir, { recursive: true });
    const view = join(opts.resultsDir, 'fake-wcs-view.png');
    await page.mouse.move(800, 600);
    await page.screenshot({ path: view });

    step('the session row\'s context menu');
    await sideBarRows(page, /alice-1001/).first().click({ button: 'right' });
    const entry = page.locator('.context-view .action-label', { hasText: INCOMING_CALL_TITLE }).first();
    await entry.waitFor({ state: 'visible', timeout: 20_000 });
    const menu = join(opts.resultsDir, 'fake-wcs-menu.png');
    await page.screenshot({ path: menu });
    const ring = client.waitFor((f) => f.message === 'notifyIncomingCall', 'the incoming call');
    ring.catch(() => undefined);
    await entry.click();
    step('answering the caller prompt');
    const input = page.locator('.quick-input-widget input').first();
    await input.waitFor({ state: 'visible', timeout: 20_000 });
    await input.fill('bob');
    await input.press('Enter');
    const rang = await ring.then(() => true, () => false);
    await sideBarRows(page, /bob → /).filter({ hasText: /incoming/ }).first().waitFor({ state: 'visible', timeout: 30_000 });
    // A tooltip left over from the menu would cover the call row: move off the side bar and let it close.
    await page.mouse.move(800, 600);
    await page.locator('.workbench-hover, .monaco-hover').first().waitFor({ state: 'hidden', timeout: 5_000 }).catch(() => undefined);
    const call = join(opts.resultsDir, 'fake-wcs-call.png');
    await page.screenshot({ path: call });
    return { screenshots: { view, menu, call }, rang, log };
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    if (workbench) {
      mkdirSync(opts.resultsDir, { recursive: true });
      await workbench.page.screenshot({ path: join(opts.resultsDir, 'fake-wcs-failure.png') }).catch(() => undefined);
    }
    err.message += `\n--- workbench log ---\n${log.slice(-60).join('\n')}`;
    if (server) err.message += `\n--- code-server ---\n${server.output().split('\n').slice(-30).join('\n')}`;
    throw err;
  } finally {
    client?.link.closed();
    await workbench?.close().catch(() => undefined);
    await server?.stop();
    rmSync(tmp, { recursive: true, force: true, maxRetries: 3 });
  }
}
