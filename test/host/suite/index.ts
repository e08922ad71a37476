/**
 * Entry of the extension-host suite, bundled to dist/test/host-suite.js. Both runners load it the same way:
 * code-server's extension host here (scripts/vscode-host/host.ts), @vscode/test-electron where VS Code
 * desktop exists (scripts/vscode-host/run-electron.ts). They call run() and take a rejection as failure.
 *
 * Every test/host/suite/**\/*.test.ts is bundled in automatically; both mocha UIs are available
 * (describe/it and suite/test). Environment the runners set for the tests:
 * - WCS_HOOK_MOCK_TEST=1
 * - WCS_HOOK_MOCK_WORKSPACE: the opened workspace folder (its .vscode/settings.json sets wcsHookMock.port = 0)
 * - WCS_HOST_GREP (optional): only tests whose full title matches this regular expression.
 */
import files from 'host-suite:files';

// Mocha is left out of the bundle and loaded from the repo's node_modules: its CommonJS build works in any
// extension host's Node (Electron's included), and bundling it would drag in its dynamic reporter loading.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Mocha = require('mocha/lib/mocha.cjs') as typeof import('mocha');

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 20_000, reporter: 'spec' });
  Mocha.interfaces.tdd(mocha.suite);
  if (process.env.WCS_HOST_GREP) mocha.grep(new RegExp(process.env.WCS_HOST_GREP));
  for (const file of files) {
    // What mocha.loadFiles() does for files on disk: install the UI globals, then let the file register its tests.
    mocha.suite.emit('pre-require', globalThis, file.name, mocha);
    mocha.suite.emit('require', file.load(), file.name, mocha);
    mocha.suite.emit('post-require', globalThis, file.name, mocha);
  }
  return new Promise((resolve, reject) => {
    try {
      mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} extension-host test(s) failed`)) : resolve()));
    } catch (e) {
      reject(e instanceof Error ? e : new Error(String(e)));
    }
  });
}
