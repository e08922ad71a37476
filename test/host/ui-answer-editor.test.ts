/**
 * UI test of "Edit and answer": the packaged extension in code-server, driven in headless Chromium the way a
 * user edits a held hook's answer. Screenshots land in test-results/ (answer-editor-*.png), or in the folder
 * named by WCS_UI_SHOTS.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, missingPrerequisite } from '../../scripts/vscode-host/host';
import { needs } from '../support/skip';
import { answerFromEditor } from './ui/answerEditor';
import { rulesProblemScreen } from './ui/rulesProblem';

describe('UI in code-server (Chromium): the answer editor, rules file problems', function () {
  this.timeout(240_000);

  it('shows the line above the draft, the typed error as a problem, and sends the fixed body exactly as typed', async function () {
    const missing = missingPrerequisite();
    needs(this, !missing, missing?.what ?? '', missing?.howToGet ?? '');
    assert.ok(existsSync(join(REPO_ROOT, 'dist', 'extension.js')), 'dist/extension.js is missing: run `npm run build` (npm test does)');
    const res = await answerFromEditor({ extensionRoot: REPO_ROOT, resultsDir: process.env.WCS_UI_SHOTS ?? join(REPO_ROOT, 'test-results') });
    assert.match(res.lensText, /Save sends 200 · \d+ min left/);
    assert.match(res.problemText, /appKey/);
    assert.equal(res.response.status, 200);
    assert.equal(res.response.body, res.typed, 'the body as typed, byte for byte (the key typed twice included)');
    assert.match(res.typed, /"note" : "typed by hand", "note": "twice"/);
    for (const s of res.screenshots) assert.ok(existsSync(s), s);
  });

  it('shows a rules file broken while running in Problems and the status bar, without a notification', async function () {
    const missing = missingPrerequisite();
    needs(this, !missing, missing?.what ?? '', missing?.howToGet ?? '');
    const res = await rulesProblemScreen({ extensionRoot: REPO_ROOT, resultsDir: process.env.WCS_UI_SHOTS ?? join(REPO_ROOT, 'test-results') });
    assert.match(res.markerText, /WCS rules/);
    assert.match(res.problemText, /rules\[0\]\.answer/);
    assert.equal(res.rulesToasts, 0, 'no notification for a rules file broken while editing');
  });
});
