/**
 * UI tests of how exchanges are shown, in the packaged extension in code-server driven by Chromium as a
 * user would: a held row's tooltip survives the countdown, clicking a row opens the exchange as an HTTP
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

/** The countdown a held row shows now ("29 s left"). */
async function countdown(row: Locator): Promise<string> {
  const text = await shownText(row);
  return /(\d+) s left/.exec(text)?.[0] ?? '';
}

/**
 * Rests the mouse on `target` as a user does, nudging it a pixel at a time until `shown` appears: a tooltip
 * that was about to open when its row repainted needs the mouse to move again (VS Code waits for a
 * mouseover), and a user's hand does that. Once shown, the mouse stays still.
 */
async function hoverUntilShown(page: Page, target: Locator, shown: Locator): Promise<void> {
  const box = await target.boundingBox();
  if (!box) throw new Error('the row to hover is not on screen');
  for (let i = 0; i < 20; i++) {
    await page.mouse.move(box.x + box.width / 2 + (i % 5), box.y + box.height / 2);
    try {
      await shown.waitFor({ state: 'visible', timeout: 1_500 });
      return;
    } catch {
      // not yet: move a little, as a hand would
    }
  }
  await shown.waitFor({ state: 'visible', timeout: 1_000 });
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

  it("keeps a held row's tooltip open while the countdowns tick twice", () => step(async () => {
    const { page, hookPort } = ui!;
    held = postHook(hookPort, '/EchoApp/OnCallEvent', example('OnCallEvent'));
    held.catch(() => undefined);
    const row = heldRows(page, /OnCallEvent/).first();
    await row.waitFor({ state: 'visible', timeout: 15_000 });
    // A second held hook whose countdown shows the ticks while the first row's tooltip is open.
    const other = postHook(hookPort, '/EchoApp/publishStream', example('publishStream'));
    other.catch(() => undefined);
    const ticking = heldRows(page, /publishStream/).first();
    await ticking.waitFor({ state: 'visible', timeout: 15_000 });

    const tooltip = page.locator('.workbench-hover, .monaco-hover').filter({ hasText: 'Held for you' }).first();
    await hoverUntilShown(page, row.locator('.label-name').first(), tooltip);
    await shot(page, 'ui-tooltip-held.png');
    for (let ticks = 0, shown = await countdown(ticking); ticks < 2; ticks++) {
      assert.match(shown, /\d+ s left/);
      await page.waitForFunction(
        ({ before }) => Array.from(document.querySelectorAll('.part.sidebar .monaco-list-row'))
          .some((r) => /publishStream/.test(r.textContent ?? '') && /\d+ s left/.test(r.textContent ?? '') && !(r.textContent ?? '').includes(before)),
        { before: shown }, { timeout: 10_000 },
      );
      shown = await countdown(ticking);
    }
    assert.ok(await tooltip.isVisible(), 'the tooltip closed while the countdowns ticked');
    const text = await shownText(tooltip);
    assert.match(text, /OnCallEvent/);
    assert.match(text, /Held for you: \d+ s left, the hold timeout answers at \d\d:\d\d:\d\d/);
    assert.match(text, /403/, 'it still explains what each answer does');
    await shot(page, 'ui-tooltip-after-two-ticks.png');
    await page.mouse.move(0, 0);
    await clickInlineAction(ticking, 'Answer 200 (echo)');
    assert.equal((await other).status, 200);
  }));

  it('opens an answered exchange as request line, status line and body', () => step(async () => {
    const { page } = ui!;
    await clickInlineAction(heldRows(page, /OnCallEvent/).first(), 'Answer 403');
    assert.equal((await held!).status, 403);
    await expandRows(page, /8\.8\.8\.8:56046/);
    await sideBarRows(page, /PPP009/).first().waitFor({ state: 'visible', timeout: 10_000 });
    await expandRows(page, /PPP009/);
    const answered = sideBarRows(page, /OnCallEvent/).filter({ hasText: /403 \(you\)/ }).first();
    await answered.waitFor({ state: 'visible', timeout: 10_000 });
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
