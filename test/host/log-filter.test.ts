/**
 * The workbench log filter of the host runner: it must drop the workbench's chatter and never a line of the
 * extension host's mocha output, above all not a failure's details.
 */
import assert from 'node:assert/strict';
import { isNoise } from '../../scripts/vscode-host/host';

const WB = 'http://127.0.0.1:45737/stable-53c2f3253bcf/static/out/vs/code/browser/workbench/workbench.js';

describe('host runner log filter', () => {
  it('keeps mocha reporter lines, failure details with their stacks, and extension errors', () => {
    for (const line of [
      '  WCS Hooks view: the server, the tree and the answers',
      '    ✔ answers 403 from the inline action (46ms)',
      '    1) opens the echo body in an editor',
      '  21 passing (8s)',
      '  1) Edit and answer\n       saving sends:\n\n      AssertionError: false !== true\n  \tat Context.<anonymous> (dist/test/host-suite.js:147:31)',
      `Error: boom\n    at activate (/work/main/dist/extension.js:1:2)\n    at x (${WB}:1:1)`,
      'Error: 1 extension-host test(s) failed\n\tat /work/main/dist/test/host-suite.js:603:53',
    ]) assert.equal(isNoise(line), false, line);
  });

  it("drops the workbench's own chatter and errors", () => {
    for (const line of [
      'Ignoring fetching additional builtin extensions from gallery as it is disabled.',
      'Resolving connection token (127.0.0.1:33563)...',
      'Creating a socket (renderer-ExtensionHost-879b57d7) was successful after 243 ms.',
      '[Service Worker] registered',
      "Creation of workbench contribution 'workbench.contrib.notebook' took 28ms.",
      `Canceled: Canceled\n    at Rw (${WB}:8:1620)\n    at Array.forEach (<anonymous>)`,
      `Timed out waiting for authentication provider 'github' to register.\n    at ppt.tryActivateProvider (${WB}:840:73682)`,
      '',
    ]) assert.equal(isNoise(line), true, line);
  });
});
