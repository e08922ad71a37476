/**
 * UI tests of how exchanges are shown, in the packaged extension in code-server driven by Chromium as a
 * user would: a held row's tooltip stays open while the countdown ticks, clicking a row opens the exchange as an HTTP
 * transcript, and the type-to-filter box filters the tree while typing. Screenshots go to SHOTS_DIR
 * (default /tmp/shots-exchview) for a person to look at.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { REPO_ROOT, missingPrerequisite } from '../../scripts/vscode-host/host';
import { needs } from '../support/skip';
import { postHook, type HookResponse } from './ui/http';
import { openUiSession, type UiSession } from './ui/session';
import { clickInlineAction, expandRows, sideBarRows } from './ui/workbench';

const SHOTS = process.env.SHOTS_DIR ?? '/tmp/shots-exchview';
const EXAMPLES = join(__dirname, '..', 'fixtures', 'examples');
const example = (name: string) => readFileSync(join(EXAMPLES, `${name}.json`), 'utf8');

/** Text of a DOM element as shown: VS Code renders spaces in editors as no-break spaces. */
async function shownText(l: Locator): Promise<string> {
  return (await l.innerText()).replace(/\u00a0/g, ' ');
}

/** Rows of held hooks: those offering the inline answers. */
function heldRows(page: Page, text: RegExp): Locator {
  return sideBarRows(page, text).filter({ has: page.locator('.actions [aria-label="Answer 403"]') });
}

async function shot(page: Page, name: string): Promise<string> {
  mkdirSync(SHOTS, { recursive: true });
  const path = join(SHOTS, name);
  await page.screenshot({ path });
  return path;
}

describe('UI in code-server (Chromium): showing exchanges', function () {
  this.timeout(180_000);
  let ui: UiSession | undefined;
  let held: Promise<HookResponse> | undefined;

  before(async function () {
    const missing = missingPrerequisite();
    needs(this, !missing, missing?.what ?? '', missing?.howToGet ?? '');
    assert.ok(existsSync(join(REPO_ROOT, 'dist', 'extension.js')), 'dist/extension.js is missing: run `npm run build` (npm test does)');
    // A hold timeout long enough for a slow machine, short enough that a countdown ticks.
    ui = await openUiSession({ extensionRoot: REPO_ROOT, settings: { 'wcsHookMock.holdTimeoutSeconds': 60 }, viewport: { width: 1280, height: 1000 } });
  });

  after(async () => {
    await ui?.close();
    await held?.catch(() => undefined);
  });

  /** Runs a step, adding the workbench log to a failure. */
  async function step<T>(what: () => Promise<T>): Promise<T> {
    try {
      return await what();
    } catch (e) {
      if (ui) await shot(ui.page, 'ui-exchview-failure.png').catch(() => undefined);
      throw ui ? ui.explain(e) : e;
    }
  }

  it("keeps a held row's tooltip open while the countdown ticks twice", () => step(async () => {
    const { page, hookPort } = ui!;
    held = postHook(hookPort, '/EchoApp/OnCallEvent', example('OnCallEvent'));
    held.catch(() => undefined);
    const row = heldRows(page, /OnCallEvent/).first();
    await row.waitFor({ state: 'visible', timeout: 15_000 });
    assert.match(await shownText(row), /held until \d\d:\d\d:\d\d/);
    const message = page.locator('.part.sidebar').getByText(/OnCallEvent #\d+: \d+ s left, then the hold timeout answers it/).first();
    await message.waitFor({ state: 'visible', timeout: 10_000 });

    await row.locator('.label-name').first().hover();
    const tooltip = page.locator('.workbench-hover, .monaco-hover').filter({ hasText: 'Held for you' }).first();
    await tooltip.waitFor({ state: 'visible', timeout: 10_000 });
    await shot(page, 'ui-tooltip-held.png');
    // Two ticks of the countdown above the tree, the mouse still on the row.
    for (let ticks = 0, shown = await shownText(message); ticks < 2; ticks++) {
      await page.waitForFunction(
        ({ before }) => Array.from(document.querySelectorAll('.part.sidebar *'))
          .some((e) => e.childElementCount === 0 && /s left, then the hold timeout/.test(e.textContent ?? '') && e.textContent !== before),
        { before: shown }, { timeout: 10_000 },
      );
      shown = await shownText(message);
    }
    assert.ok(await tooltip.isVisible(), 'the tooltip closed while the countdown ticked');
    const text = await shownText(tooltip);
    assert.match(text, /OnCallEvent/);
    assert.match(text, /Held for you until \d\d:\d\d:\d\d, then the hold timeout answers it/);
    assert.match(text, /403/, 'it still explains what each answer does');
    await shot(page, 'ui-tooltip-after-two-ticks.png');
  }));

  it('opens an answered exchange as request line, status line and body', () => step(async () => {
    const { page } = ui!;
    await clickInlineAction(heldRows(page, /OnCallEvent/).first(), 'Answer 403');
    assert.equal((await held!).status, 403);
    const answered = sideBarRows(page, /OnCallEvent/).filter({ hasText: /403 \(you\)/ }).first();
    // Its session, then its call; the rows move while the emptied "Waiting for you" group goes: retry.
    for (let i = 0; i < 10 && !(await answered.isVisible()); i++) {
      await expandRows(page, /8\.8\.8\.8:56046/);
      await expandRows(page, /PPP009/);
      await answered.waitFor({ state: 'visible', timeout: 1_000 }).catch(() => undefined);
    }
    await answered.waitFor({ state: 'visible', timeout: 5_000 });
    assert.match(await shownText(answered), /\d\d:\d\d:\d\d · \d+(ms|\.\ds)/, 'the row shows arrival time and latency in tree mode');
    await page.mouse.move(0, 0);
    await shot(page, 'ui-tree-times.png');

    await answered.click();
    const editor = page.locator('.editor-group-container.active .monaco-editor .view-lines').first();
    await page.waitForFunction(
      () => /POST \/EchoApp\/OnCallEvent HTTP\/1\.1/.test((document.querySelector('.editor-group-container.active .monaco-editor .view-lines') as HTMLElement | null)?.innerText.replace(/\u00a0/g, ' ') ?? ''),
      undefined, { timeout: 15_000 },
    );
    const text = await shownText(editor);
    assert.match(text, /POST \/EchoApp\/OnCallEvent HTTP\/1\.1/);
    assert.match(text, /content-type:\s+application\/json/);
    assert.match(text, /"caller": "PPP009"/, 'the body, pretty-printed');
    assert.match(text, /HTTP\/1\.1 403 Forbidden/);
    assert.match(text, /# 403 · by you · \d+(ms|\.\ds)/);
    // The status line is coloured by the extension's decoration (a grammar cannot tell a timeout's 200 apart).
    const status = page.locator('.editor-group-container.active .view-line').filter({ hasText: 'HTTP/1.1 403 Forbidden' }).first();
    await status.locator('span[class*="ced-"]').first().waitFor({ state: 'attached', timeout: 10_000 });
    await shot(page, 'ui-exchange-sheet.png');
  }));

  it('filters the tree while the user types in the filter box, and Escape puts it back', () => step(async () => {
    const { page, hookPort } = ui!;
    assert.equal((await postHook(hookPort, '/EchoApp/StreamStatusEvent', example('StreamStatusEvent-PUBLISHING'))).status, 200);
    const other = sideBarRows(page, /192\.168\.10\.23:51744/).first();
    const mine = sideBarRows(page, /8\.8\.8\.8:56046/).first();
    await other.waitFor({ state: 'visible', timeout: 10_000 });
    await page.keyboard.press('F1');
    await page.keyboard.type('WCS Hooks: Filter by text');
    await page.locator('.quick-input-widget .quick-input-list-row').filter({ hasText: 'Filter by text' }).first().waitFor({ state: 'visible' });
    await page.keyboard.press('Enter');
    const box = page.locator('.quick-input-widget').filter({ hasText: 'filters as you type' });
    await box.waitFor({ state: 'visible', timeout: 10_000 });
    await page.keyboard.type('PPP009', { delay: 60 });
    await other.waitFor({ state: 'detached', timeout: 10_000 });
    assert.ok(await mine.isVisible(), 'the session with the match stays');
    assert.ok(await box.isVisible(), 'filtered before Enter, while the box is open');
    await shot(page, 'ui-filter-typing.png');
    await page.keyboard.press('Escape');
    await other.waitFor({ state: 'visible', timeout: 10_000 });
  }));
});
