/**
 * Runs the same extension-host suite (dist/test/host-suite.js) under @vscode/test-electron, i.e. in VS Code
 * desktop, for machines that can download it from Microsoft's update server (these CI machines cannot; they
 * use code-server through test/host/extension-host.test.ts instead).
 *
 *   npm run build && npx tsx scripts/vscode-host/run-electron.ts            # latest stable VS Code
 *   VSCODE_VERSION=1.99.0 npx tsx scripts/vscode-host/run-electron.ts      # the oldest version we support
 *   xvfb-run -a npx tsx scripts/vscode-host/run-electron.ts                # headless Linux needs a display
 */
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runTests } from '@vscode/test-electron';
import { REPO_ROOT } from './host';
import { hostTestEnv, makeTestWorkspace } from './workspace';

async function main(): Promise<number> {
  const suite = join(REPO_ROOT, 'dist', 'test', 'host-suite.js');
  for (const built of [suite, join(REPO_ROOT, 'dist', 'extension.js')]) {
    if (!existsSync(built)) {
      console.error(`${built} is missing: run \`npm run build\` first`);
      return 2;
    }
  }
  const workspace = makeTestWorkspace();
  try {
    return await runTests({
      version: process.env.VSCODE_VERSION ?? 'stable',
      extensionDevelopmentPath: REPO_ROOT,
      extensionTestsPath: suite,
      extensionTestsEnv: hostTestEnv(workspace),
      // Other installed extensions and first-run pages only add noise and start-up time.
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
    });
  } catch (e) {
    // runTests rejects with the exit code when the suite fails; the suite's own output is already printed.
    console.error(e instanceof Error ? e.message : e);
    return 1;
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
}

main().then((code) => process.exit(code));
