/**
 * UI scenario for a screen a user meets without asking: a rules file broken while editing (the Problems panel
 * row, the squiggle, the status bar marker, no notification). Screenshot `rules-problem.png` in `resultsDir`.
 * (The busy port's notification is checked by the extension-host suite, busyPort.test.ts.)
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, installVsix, isNoise, openWorkbench, startCodeServer, type CodeServer, type Workbench } from '../../../scripts/vscode-host/host';
import { packageVsix } from '../../../scripts/vscode-host/vsix';
import { waitForListener } from './http';
import { openViewContainer, waitForWorkbench } from './workbench';

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
  const tmp = mkdtempSync(join(tmpdir(), 'wcs-ui-rules-'));
  const log: string[] = [];
  const shots: string[] = [];
  let server: CodeServer | undefined;
  let workbench: Workbench | undefined;
  mkdirSync(opts.resultsDir, { recursive: true });
  try {
    const vsix = await packageVsix(opts.extensionRoot, join(tmp, 'wcs-hook-mock.vsix'));
    const extensionsDir = await installVsix(vsix, join(tmp, 'install'));
    const hookPort = await freePort();
    const workspace = join(tmp, 'workspace');
    mkdirSync(join(workspace, '.vscode'), { recursive: true });
    writeFileSync(join(workspace, '.vscode', 'settings.json'), JSON.stringify({ 'wcsHookMock.port': hookPort }, null, 2));
    writeFileSync(join(workspace, '.vscode', 'wcs-hooks.json'), JSON.stringify({ rules: [{ method: 'sendDtmf', answer: 'forbid' }] }, null, 2));

    server = await startCodeServer({ workspaceDir: workspace, extensionsDir, env: { WCS_HOOK_MOCK_TEST: '1' } });
    workbench = await openWorkbench(server, { onLog: (e) => isNoise(e.text) || log.push(`[${e.type}] ${e.text}`) });
    const { page } = workbench;
    await page.setViewportSize({ width: 1400, height: 900 });
    await waitForWorkbench(page);
    await openViewContainer(page, 'WCS Hooks');
    await waitForListener(hookPort, 30_000);

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
    shots.push(p1);

    return { markerText, problemText, rulesToasts, screenshots: shots };
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    if (workbench) await workbench.page.screenshot({ path: join(opts.resultsDir, 'rules-problem-failure.png') }).catch(() => undefined);
    err.message += `\n--- workbench log ---\n${log.slice(-60).join('\n')}`;
    throw err;
  } finally {
    await workbench?.close().catch(() => undefined);
    await server?.stop();
    rmSync(tmp, { recursive: true, force: true, maxRetries: 3 });
  }
}
