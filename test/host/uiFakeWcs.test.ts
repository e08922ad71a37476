/**
 * The fake WCS in the real UI: the packaged extension in code-server, a client connecting to its ws:// URL,
 * the Fake WCS view showing the session and stream, and an incoming call run from the session's context
 * menu. Screenshots go to test-results/ (or WCS_SHOTS_DIR) for a person to look at.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, missingPrerequisite } from '../../scripts/vscode-host/host';
import { needs } from '../support/skip';
import { fakeWcsFromTheView } from './ui/fakeWcsView';

describe('UI in code-server (Chromium): the fake WCS', function () {
  this.timeout(240_000);

  it('shows a connected client in the Fake WCS view and rings it from the session context menu', async function () {
    const missing = missingPrerequisite();
    needs(this, !missing, missing?.what ?? '', missing?.howToGet ?? '');
    assert.ok(existsSync(join(REPO_ROOT, 'dist', 'extension.js')), 'dist/extension.js is missing: run `npm run build` (npm test does)');
    const res = await fakeWcsFromTheView({ extensionRoot: REPO_ROOT, resultsDir: process.env.WCS_SHOTS_DIR ?? join(REPO_ROOT, 'test-results') });
    assert.ok(res.rang, 'the client was not rung by the incoming call run from the context menu');
    for (const shot of Object.values(res.screenshots)) assert.ok(existsSync(shot), shot);
  });
});
