/**
 * The UI scenario, usable against any extension folder: package it as a user gets it (.vsix), install it
 * into a fresh code-server, open the "WCS Hooks" view, POST a held `connect` hook, click the row's inline
 * "Answer 403" and return what the HTTP client received. Screenshots go to `resultsDir`.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { freePort, installVsix, isNoise, openWorkbench, startCodeServer, type CodeServer, type Workbench } from '../../../scripts/vscode-host/host';
import { packageVsix } from '../../../scripts/vscode-host/vsix';
import { postHook, waitForListener, type HookResponse } from './http';
import { clickInlineAction, expandRows, openViewContainer, sideBarRows, waitForWorkbench } from './workbench';

export const VIEW_CONTAINER_TITLE = 'WCS Hooks';
export const ANSWER_403_TITLE = 'Answer 403';
const CONNECT_BODY = join(__dirname, '..', '..', 'fixtures', 'examples', 'connect.json');

export interface Answer403Result {
  response: HookResponse;
  screenshots: { held: string; answered: string };
  /** Workbench log lines (noise filtered), for failure messages. */
  log: string[];
}

export interface Answer403Options {
  extensionRoot: string;
  resultsDir: string;
  /** Extra workspace settings (e.g. a hold timeout long enough for a slow machine). */
  settings?: Record<string, unknown>;
  /** Called with progress notes so a stuck run shows where it stopped. */
  step?: (what: string) => void;
}

export async function answer403FromTree(opts: Answer403Options): Promise<Answer403Result> {
  const step = opts.step ?? (() => undefined);
  const tmp = mkdtempSync(join(tmpdir(), 'wcs-ui-'));
  const log: string[] = [];
  let server: CodeServer | undefined;
  let workbench: Workbench | undefined;
  try {
    step('packaging the .vsix');
    const vsix = await packageVsix(opts.extensionRoot, join(tmp, 'wcs-hook-mock.vsix'));
    step('installing it with code-server --install-extension');
    const extensionsDir = await installVsix(vsix, join(tmp, 'install'));

    // The extension's server needs a port the test knows before it starts; code-server's own port is
    // still chosen by code-server itself.
    const hookPort = await freePort();
    const workspace = join(tmp, 'workspace');
    mkdirSync(join(workspace, '.vscode'), { recursive: true });
    writeFileSync(join(workspace, '.vscode', 'settings.json'), JSON.stringify({ 'wcsHookMock.port': hookPort, ...opts.settings }, null, 2));

    step('starting code-server');
    server = await startCodeServer({ workspaceDir: workspace, extensionsDir, env: { WCS_HOOK_MOCK_TEST: '1' } });
    workbench = await openWorkbench(server, { onLog: (e) => isNoise(e.text) || log.push(`[${e.type}] ${e.text}`) });
    const { page } = workbench;
    step('waiting for the workbench');
    await waitForWorkbench(page);
    step(`opening the "${VIEW_CONTAINER_TITLE}" view`);
    await openViewContainer(page, VIEW_CONTAINER_TITLE);
    step(`waiting for the extension's hook server on 127.0.0.1:${hookPort}`);
    await waitForListener(hookPort, 30_000);

    step('POSTing connect');
    const answer = postHook(hookPort, '/EchoApp/connect', readFileSync(CONNECT_BODY, 'utf8'));
    answer.catch(() => undefined); // awaited below; a connection error must not surface as unhandled meanwhile
    const heldRow = heldConnectRows(page).first();
    await heldRow.waitFor({ state: 'visible', timeout: 15_000 });
    mkdirSync(opts.resultsDir, { recursive: true });
    const held = join(opts.resultsDir, 'ui-held-connect.png');

    step(`clicking "${ANSWER_403_TITLE}"`);
    await clickInlineAction(heldRow, ANSWER_403_TITLE, () => page.screenshot({ path: held }));
    const response = await withTimeout(answer, 15_000, 'the HTTP client got no answer after the click');
    // The row stops offering answers once it is answered and moves out of "Waiting for you" into its
    // session; open the session so the screenshot shows the connect with its 403.
    await heldConnectRows(page).first().waitFor({ state: 'detached', timeout: 10_000 });
    await expandRows(page, /defaultApp/);
    await sideBarRows(page, /connect/).filter({ hasText: /403/ }).first().waitFor({ state: 'visible', timeout: 10_000 });
    await page.mouse.move(0, 0);
    const answered = join(opts.resultsDir, 'ui-answer-403.png');
    await page.screenshot({ path: answered });
    return { response, screenshots: { held, answered }, log };
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    if (workbench) {
      mkdirSync(opts.resultsDir, { recursive: true });
      await workbench.page.screenshot({ path: join(opts.resultsDir, 'ui-failure.png') }).catch(() => undefined);
    }
    err.message += `\n--- workbench log ---\n${log.slice(-60).join('\n')}`;
    if (server) err.message += `\n--- code-server ---\n${server.output().split('\n').slice(-30).join('\n')}`;
    throw err;
  } finally {
    await workbench?.close().catch(() => undefined);
    await server?.stop();
    rmSync(tmp, { recursive: true, force: true, maxRetries: 3 });
  }
}

/** Rows about `connect` that still offer the inline 403: the held exchange (not its session or group). */
function heldConnectRows(page: Page) {
  return sideBarRows(page, /connect/).filter({ has: page.locator(`.actions [aria-label="${ANSWER_403_TITLE}"]`) });
}

function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<never>((_, rej) => (timer = setTimeout(() => rej(new Error(message)), ms))),
  ]);
}
