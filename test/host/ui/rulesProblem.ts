/**
 * UI scenario for a screen a user meets without asking: a rules file broken while editing (the Problems panel
 * row, the squiggle, the status bar marker, no notification). Screenshot `rules-problem.png` in `resultsDir`.
 * (The busy port's notification is checked by the extension-host suite, busyPort.test.ts.)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openUiSession } from './session';

export interface RulesProblemResult {
  /** The status bar marker's text while the rules file is broken. */
  markerText: string;
  /** The Problems panel row of the rules file. */
  problemText: string;
  /** Notifications shown while the rules file was broken (there should be none). */
  rulesToasts: number;
  screenshots: string[];
}

export async function rulesProblemScreen(opts: { extensionRoot: string; resultsDir: string }): Promise<RulesProblemResult> {
  mkdirSync(opts.resultsDir, { recursive: true });
  const ui = await openUiSession({
    extensionRoot: opts.extensionRoot,
    viewport: { width: 1400, height: 900 },
    files: { '.vscode/wcs-hooks.json': JSON.stringify({ rules: [{ method: 'sendDtmf', answer: 'forbid' }] }, null, 2) },
  });
  const { page, workspace } = ui;
  try {
    // A rules file broken by hand while the server runs: three saves, as auto-save makes them.
    for (const answer of ['"mayb"', '"maybe"', '"maybe" ']) {
      writeFileSync(join(workspace, '.vscode', 'wcs-hooks.json'), `{\n  "rules": [\n    { "method": "call", "answer": ${answer} }\n  ]\n}\n`);
    }
    const marker = page.locator('.statusbar-item').filter({ hasText: 'WCS rules' }).first();
    await marker.waitFor({ state: 'visible', timeout: 30_000 });
    const markerText = (await marker.innerText()).trim();
    await page.keyboard.press('Control+Shift+M');
    const problem = page.locator('.markers-panel .monaco-list-row').filter({ hasText: /rules\[0\]\.answer/ }).first();
    await problem.waitFor({ state: 'visible', timeout: 30_000 });
    const problemText = (await problem.innerText()).trim();
    await marker.click(); // opens the file at the problem
    await page.locator('.monaco-editor .squiggly-error').first().waitFor({ state: 'visible', timeout: 30_000 });
    const rulesToasts = await page.locator('.notifications-toasts .notification-toast').count();
    const p1 = join(opts.resultsDir, 'rules-problem.png');
    await page.screenshot({ path: p1 });
    return { markerText, problemText, rulesToasts, screenshots: [p1] };
  } catch (e) {
    await page.screenshot({ path: join(opts.resultsDir, 'rules-problem-failure.png') }).catch(() => undefined);
    throw ui.explain(e);
  } finally {
    await ui.close();
  }
}
