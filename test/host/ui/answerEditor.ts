/**
 * The answer-editor UI scenario: the packaged extension in code-server, a held `connect`, "Edit and answer…"
 * from the row's context menu, the line above the draft, a typed body with an error and its diagnostic, the
 * fix, Ctrl+S, and what the HTTP client received. Screenshots of each screen go to `resultsDir`.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { freePort, installVsix, isNoise, openWorkbench, startCodeServer, type CodeServer, type Workbench } from '../../../scripts/vscode-host/host';
import { packageVsix } from '../../../scripts/vscode-host/vsix';
import { postHook, waitForListener, type HookResponse } from './http';
import { openViewContainer, sideBarRows, waitForWorkbench } from './workbench';

const CONNECT_BODY = join(__dirname, '..', '..', 'fixtures', 'examples', 'connect.json');

export interface AnswerEditorOptions {
  extensionRoot: string;
  resultsDir: string;
  step?: (what: string) => void;
}

export interface AnswerEditorResult {
  response: HookResponse;
  /** What the test typed last (one line, so the editor's auto-indent cannot change it). */
  typed: string;
  /** The text of the line above the draft when it opened. */
  lensText: string;
  /** The diagnostic shown for the typed error (Problems panel row). */
  problemText: string;
  screenshots: string[];
}

export async function answerFromEditor(opts: AnswerEditorOptions): Promise<AnswerEditorResult> {
  const step = opts.step ?? (() => undefined);
  const tmp = mkdtempSync(join(tmpdir(), 'wcs-ui-edit-'));
  const log: string[] = [];
  const shots: string[] = [];
  let server: CodeServer | undefined;
  let workbench: Workbench | undefined;
  mkdirSync(opts.resultsDir, { recursive: true });
  const shot = async (page: Page, name: string) => {
    const p = join(opts.resultsDir, name);
    await page.screenshot({ path: p });
    shots.push(p);
  };
  try {
    step('packaging and installing the .vsix');
    const vsix = await packageVsix(opts.extensionRoot, join(tmp, 'wcs-hook-mock.vsix'));
    const extensionsDir = await installVsix(vsix, join(tmp, 'install'));
    const hookPort = await freePort();
    const workspace = join(tmp, 'workspace');
    mkdirSync(join(workspace, '.vscode'), { recursive: true });
    // A long hold, so a slow machine cannot time out the hook mid-test, yet a countdown to show. The text is
    // put in as one input (page.keyboard.insertText); the editor would otherwise add closing quotes and
    // brackets to it as it does for typing.
    writeFileSync(join(workspace, '.vscode', 'settings.json'), JSON.stringify({
      'wcsHookMock.port': hookPort, 'wcsHookMock.holdTimeoutSeconds': 900,
      'editor.autoClosingQuotes': 'never', 'editor.autoClosingBrackets': 'never', 'editor.autoSurround': 'never',
    }, null, 2));

    step('starting code-server');
    server = await startCodeServer({ workspaceDir: workspace, extensionsDir, env: { WCS_HOOK_MOCK_TEST: '1' } });
    workbench = await openWorkbench(server, { onLog: (e) => isNoise(e.text) || log.push(`[${e.type}] ${e.text}`) });
    const { page } = workbench;
    await page.setViewportSize({ width: 1400, height: 900 });
    await waitForWorkbench(page);
    await openViewContainer(page, 'WCS Hooks');
    await waitForListener(hookPort, 30_000);

    step('POSTing connect');
    const sent = readFileSync(CONNECT_BODY, 'utf8');
    const answer = postHook(hookPort, '/EchoApp/connect', sent);
    answer.catch(() => undefined);
    const row = sideBarRows(page, /connect/).filter({ has: page.locator('.actions [aria-label="Answer 403"]') }).first();
    await row.waitFor({ state: 'visible', timeout: 20_000 });

    step('opening "Edit and answer…" from the row\'s context menu');
    await row.click({ button: 'right' });
    const item = page.locator('.context-view .monaco-menu .action-item').filter({ hasText: 'Edit and answer…' }).first();
    await item.waitFor({ state: 'visible', timeout: 10_000 });
    await shot(page, 'answer-editor-1-context-menu.png');
    await item.click();

    step('waiting for the draft and the line above it');
    const editor = page.locator('.editor-instance .monaco-editor').first();
    await editor.waitFor({ state: 'visible', timeout: 20_000 });
    const lens = page.locator('.monaco-editor .codelens-decoration').first();
    await lens.filter({ hasText: /Save sends 200 · \d+ s left/ }).waitFor({ state: 'visible', timeout: 20_000 });
    const lensText = (await lens.innerText()).trim();
    await shot(page, 'answer-editor-2-draft.png');

    step('typing a body with an error');
    const body = JSON.parse(sent) as Record<string, unknown>;
    const wrong = JSON.stringify({ ...body, appKey: 42 });
    await editor.locator('.view-lines').click();
    await page.keyboard.press('Control+A');
    await page.keyboard.insertText(wrong);
    await page.locator('.monaco-editor .squiggly-error').first().waitFor({ state: 'visible', timeout: 20_000 });
    await lens.filter({ hasText: /Fix 1 problem to send/ }).waitFor({ state: 'visible', timeout: 20_000 });
    await page.keyboard.press('Control+Shift+M'); // the Problems panel
    const problem = page.locator('.markers-panel .monaco-list-row').filter({ hasText: /appKey/ }).first();
    await problem.waitFor({ state: 'visible', timeout: 20_000 });
    const problemText = (await problem.innerText()).trim();
    await shot(page, 'answer-editor-3-problem.png');

    step('fixing it: odd spacing and a key typed twice, sent as typed');
    const typed = JSON.stringify(body).replace(/}$/, ',  "note" : "typed by hand", "note": "twice"}');
    await editor.locator('.view-lines').click();
    await page.keyboard.press('Control+A');
    await page.keyboard.insertText(typed);
    await lens.filter({ hasText: /Save sends 200/ }).waitFor({ state: 'visible', timeout: 20_000 });
    await page.locator('.monaco-editor .squiggly-warning').first().waitFor({ state: 'visible', timeout: 20_000 });
    await shot(page, 'answer-editor-4-fixed.png');
    await page.keyboard.press('Control+S');
    const response = await withTimeout(answer, 20_000, 'the HTTP client got no answer after Ctrl+S');
    await editor.waitFor({ state: 'detached', timeout: 15_000 }).catch(() => undefined);
    // The draft's problems go with its tab.
    await page.locator('.markers-panel .monaco-list-row').filter({ hasText: /typed twice/ }).first().waitFor({ state: 'detached', timeout: 20_000 });
    await page.mouse.move(0, 0);
    await shot(page, 'answer-editor-5-sent.png');
    return { response, typed, lensText, problemText, screenshots: shots };
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    if (workbench) await workbench.page.screenshot({ path: join(opts.resultsDir, 'answer-editor-failure.png') }).catch(() => undefined);
    err.message += `\n--- workbench log ---\n${log.slice(-60).join('\n')}`;
    if (server) err.message += `\n--- code-server ---\n${server.output().split('\n').slice(-30).join('\n')}`;
    throw err;
  } finally {
    await workbench?.close().catch(() => undefined);
    await server?.stop();
    rmSync(tmp, { recursive: true, force: true, maxRetries: 3 });
  }
}

function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<never>((_, rej) => (timer = setTimeout(() => rej(new Error(message)), ms))),
  ]);
}
