/**
 * The answer-editor UI scenario: the packaged extension in code-server, a held `connect`, "Edit and answer…"
 * from the row's context menu, the line above the draft, a typed body with an error and its diagnostic, the
 * fix, Ctrl+S, and what the HTTP client received. Screenshots of each screen go to `resultsDir`.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { postHook, type HookResponse } from './http';
import { openUiSession } from './session';
import { sideBarRows } from './workbench';

const CONNECT_BODY = join(__dirname, '..', '..', 'fixtures', 'examples', 'connect.json');
/**
 * A second CodeLens provider for drafts that takes 1.5 s, as a busy extension host (or another extension with
 * lenses) would: VS Code's debounce for the lines above the draft grows past a second, the case where a
 * countdown that kept signalling every second starved the line and it never showed the typed error.
 */
const SLOW_LENSES = join(__dirname, '..', '..', 'fixtures', 'slow-codelens');

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
  const shots: string[] = [];
  mkdirSync(opts.resultsDir, { recursive: true });
  const shot = async (page: Page, name: string) => {
    const p = join(opts.resultsDir, name);
    await page.screenshot({ path: p });
    shots.push(p);
  };
  step('packaging the .vsix, starting code-server');
  const ui = await openUiSession({
    extensionRoot: opts.extensionRoot,
    viewport: { width: 1400, height: 900 },
    alsoInstall: [SLOW_LENSES],
    // A long hold, so a slow machine cannot time out the hook mid-test, yet a countdown to show. The text is
    // put in as one input (page.keyboard.insertText); the editor would otherwise add closing quotes and
    // brackets to it as it does for typing.
    settings: {
      'wcsHookMock.holdTimeoutSeconds': 900,
      'editor.autoClosingQuotes': 'never', 'editor.autoClosingBrackets': 'never', 'editor.autoSurround': 'never',
    },
  });
  const { page, hookPort } = ui;
  try {
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
    await lens.filter({ hasText: /Save sends 200 · \d+ min left/ }).waitFor({ state: 'visible', timeout: 20_000 });
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
    await page.screenshot({ path: join(opts.resultsDir, 'answer-editor-failure.png') }).catch(() => undefined);
    throw ui.explain(e);
  } finally {
    await ui.close();
  }
}

function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<never>((_, rej) => (timer = setTimeout(() => rej(new Error(message)), ms))),
  ]);
}
