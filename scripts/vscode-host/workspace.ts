/**
 * The workspace folder both host runners open for the suite. Its settings make the extension's hook server
 * bind a free port (0), so parallel runs and a developer's own server on 9091 never collide; the suite learns
 * the folder from WCS_HOOK_MOCK_WORKSPACE.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const HOST_TEST_SETTINGS = { 'wcsHookMock.port': 0 };

export function makeTestWorkspace(settings: Record<string, unknown> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'wcs-host-ws-'));
  mkdirSync(join(dir, '.vscode'));
  writeFileSync(join(dir, '.vscode', 'settings.json'), JSON.stringify({ ...HOST_TEST_SETTINGS, ...settings }, null, 2));
  return dir;
}

/** Environment for the extension host: the suite's switches, the same under both runners. */
export function hostTestEnv(workspaceDir: string): Record<string, string> {
  return { WCS_HOOK_MOCK_TEST: '1', WCS_HOOK_MOCK_WORKSPACE: workspaceDir };
}
