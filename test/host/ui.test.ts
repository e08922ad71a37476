/**
 * The one UI test: the packaged extension (.vsix) installed into code-server, driven in headless Chromium
 * the way a user would answer a held hook from the tree. Screenshots land in test-results/ for a person to
 * look at (ui-held-connect.png before the click, ui-answer-403.png after).
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, missingPrerequisite } from '../../scripts/vscode-host/host';
import { needs } from '../support/skip';
import { answer403FromTree } from './ui/answer403';

describe('UI in code-server (Chromium)', function () {
  this.timeout(120_000);

  it('answers a held connect with the inline "Answer 403" and the HTTP client gets 403', async function () {
    const missing = missingPrerequisite();
    needs(this, !missing, missing?.what ?? '', missing?.howToGet ?? '');
    assert.ok(existsSync(join(REPO_ROOT, 'dist', 'extension.js')), 'dist/extension.js is missing: run `npm run build` (npm test does)');
    // Held until answered: the default hold timeout would echo on a slow machine before the click lands.
    const res = await answer403FromTree({
      extensionRoot: REPO_ROOT, resultsDir: join(REPO_ROOT, 'test-results'), settings: { 'wcsHookMock.holdTimeoutSeconds': 0 },
    });
    assert.equal(res.response.status, 403, `expected 403, got ${res.response.status}: ${res.response.body}`);
    assert.ok(existsSync(res.screenshots.answered));
  });
});
