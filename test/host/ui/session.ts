/**
 * One code-server with the packaged extension (.vsix) installed, opened in headless Chromium on the "WCS
 * Hooks" view, shared by several UI tests: packaging and starting code-server is the slow part.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { freePort, installVsix, isNoise, openWorkbench, startCodeServer, type CodeServer, type Workbench } from '../../../scripts/vscode-host/host';
import { packageTestExtension, packageVsix } from '../../../scripts/vscode-host/vsix';
import { waitForListener } from './http';
import { openViewContainer, waitForWorkbench } from './workbench';

export interface UiSession {
  readonly page: Page;
  /** The extension's hook server port. */
  readonly hookPort: number;
  /** The workspace folder code-server opened (its `.vscode/` holds the settings and any `files`). */
  readonly workspace: string;
  /** Workbench log lines (noise filtered), for failure messages. */
  readonly log: string[];
  /** Adds the workbench log and code-server's output to an error about to be thrown. */
  explain(err: unknown): Error;
  close(): Promise<void>;
}

export async function openUiSession(opts: {
  extensionRoot: string;
  settings?: Record<string, unknown>;
  /** Files to write into the workspace before code-server starts, by path relative to it. */
  files?: Record<string, string>;
  viewport?: { width: number; height: number };
  /** Folders of test extensions to install beside ours (e.g. test/fixtures/slow-codelens). */
  alsoInstall?: string[];
}): Promise<UiSession> {
  const tmp = mkdtempSync(join(tmpdir(), 'wcs-ui-'));
  const log: string[] = [];
  let server: CodeServer | undefined;
  let workbench: Workbench | undefined;
  const close = async () => {
    await workbench?.close().catch(() => undefined);
    await server?.stop();
    rmSync(tmp, { recursive: true, force: true, maxRetries: 3 });
  };
  const explain = (e: unknown): Error => {
    const err = e instanceof Error ? e : new Error(String(e));
    err.message += `\n--- workbench log ---\n${log.slice(-60).join('\n')}`;
    if (server) err.message += `\n--- code-server ---\n${server.output().split('\n').slice(-30).join('\n')}`;
    return err;
  };
  try {
    const vsix = await packageVsix(opts.extensionRoot, join(tmp, 'wcs-hook-mock.vsix'));
    const extensionsDir = await installVsix(vsix, join(tmp, 'install'));
    for (const [i, dir] of (opts.alsoInstall ?? []).entries()) {
      await installVsix(await packageTestExtension(dir, join(tmp, `also-${i}.vsix`)), join(tmp, 'install'));
    }
    const hookPort = await freePort();
    const workspace = join(tmp, 'workspace');
    mkdirSync(join(workspace, '.vscode'), { recursive: true });
    writeFileSync(join(workspace, '.vscode', 'settings.json'), JSON.stringify({ 'wcsHookMock.port': hookPort, ...opts.settings }, null, 2));
    for (const [file, text] of Object.entries(opts.files ?? {})) writeFileSync(join(workspace, file), text);
    server = await startCodeServer({ workspaceDir: workspace, extensionsDir, env: { WCS_HOOK_MOCK_TEST: '1' } });
    workbench = await openWorkbench(server, { viewport: opts.viewport, onLog: (e) => isNoise(e.text) || log.push(`[${e.type}] ${e.text}`) });
    const { page } = workbench;
    await waitForWorkbench(page);
    await openViewContainer(page, 'WCS Hooks');
    await waitForListener(hookPort, 30_000);
    return { page, hookPort, workspace, log, explain, close };
  } catch (e) {
    const err = explain(e);
    await close();
    throw err;
  }
}
