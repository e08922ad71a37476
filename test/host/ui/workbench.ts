/**
 * Page-driving helpers for the code-server workbench. Selectors are VS Code's own markup (activity bar
 * entries are labelled with the view container's title, tree rows are list rows, inline actions are
 * labelled with the command's title) so the test reads like what a user does.
 */
import type { Locator, Page } from 'playwright-core';

/** Resolves once the workbench has rendered its activity bar (the extension host may still be starting). */
export async function waitForWorkbench(page: Page, timeoutMs = 60_000): Promise<void> {
  await page.locator('.monaco-workbench .activitybar').first().waitFor({ state: 'visible', timeout: timeoutMs });
}

/** Clicks the activity-bar entry of a view container (its aria-label starts with the container title). */
export async function openViewContainer(page: Page, title: string, timeoutMs = 30_000): Promise<void> {
  const entry = page.locator(`.activitybar [aria-label^="${cssString(title)}"]`).first();
  await entry.waitFor({ state: 'visible', timeout: timeoutMs });
  await entry.click();
  await page.locator('.part.sidebar').first().waitFor({ state: 'visible', timeout: timeoutMs });
}

/** Tree rows in the side bar whose text contains `text`. */
export function sideBarRows(page: Page, text: string | RegExp): Locator {
  return page.locator('.part.sidebar .monaco-list-row').filter({ hasText: text });
}

/**
 * Hovers a tree row so its inline actions show, then clicks the one labelled with the command title.
 * `beforeClick` runs while the actions are visible (a screenshot of what the user sees).
 */
export async function clickInlineAction(
  row: Locator, commandTitle: string, beforeClick?: () => Promise<unknown>, timeoutMs = 10_000,
): Promise<void> {
  await row.hover();
  const action = row.locator(`.actions [aria-label="${cssString(commandTitle)}"]`).first();
  await action.waitFor({ state: 'visible', timeout: timeoutMs });
  await beforeClick?.();
  await action.click();
}

/** Expands every collapsed row in the side bar that matches `text` (e.g. the session an answer moved into). */
export async function expandRows(page: Page, text: string | RegExp): Promise<void> {
  const collapsed = sideBarRows(page, text).locator('.monaco-tl-twistie.collapsible.collapsed');
  for (let n = await collapsed.count(); n > 0; n--) await collapsed.first().click();
}

function cssString(s: string): string {
  return s.replace(/["\\]/g, '\\$&');
}
