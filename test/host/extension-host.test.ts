/**
 * Runs the extension's host suite (test/host/suite, bundled to dist/test/host-suite.js by `npm run build`)
 * inside code-server's real extension host, with the repo root as the extension under development.
 * The host's mocha output is printed either way, so a failure reads like a local mocha run.
 */
import assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, missingPrerequisite, runExtensionTests } from '../../scripts/vscode-host/host';
import { hostTestEnv, makeTestWorkspace } from '../../scripts/vscode-host/workspace';
import { needs } from '../support/skip';

const SUITE = join(REPO_ROOT, 'dist', 'test', 'host-suite.js');
const SELFTEST = join(REPO_ROOT, 'scripts', 'vscode-host', 'selftest');

function printHostLog(log: string[]): void {
  console.log(log.map((l) => `      | ${l.replace(/\n/g, '\n      | ')}`).join('\n'));
}

describe('VS Code extension host (code-server)', function () {
  this.timeout(120_000);
  let workspace: string;
  beforeEach(() => (workspace = makeTestWorkspace()));
  afterEach(() => rmSync(workspace, { recursive: true, force: true }));

  it('reports a failing suite as a failure, with its mocha output and the environment passed through', async function () {
    const missing = missingPrerequisite();
    needs(this, !missing, missing?.what ?? '', missing?.howToGet ?? '');
    const res = await runExtensionTests({
      extensionDevelopmentPath: SELFTEST, extensionTestsPath: join(SELFTEST, 'suite.js'), workspaceDir: workspace,
      env: { WCS_HOST_SELFTEST: 'passed-through' },
    });
    const text = res.log.join('\n');
    assert.notEqual(res.exitCode, 0, `a failing suite must not exit 0:\n${text}`);
    assert.notEqual(res.exitCode, -1, `the workbench never reported an exit code:\n${text}`);
    assert.match(text, /1 passing/, text);
    assert.match(text, /1 failing/, text);
    assert.match(text, /failing on purpose/, text);
  });

  it('runs test/host/suite against the extension with exit code 0', async function () {
    const missing = missingPrerequisite();
    needs(this, !missing, missing?.what ?? '', missing?.howToGet ?? '');
    for (const built of [SUITE, join(REPO_ROOT, 'dist', 'extension.js')]) {
      assert.ok(existsSync(built), `${built} is missing: run \`npm run build\` (npm test does)`);
    }
    // The suite is ~35 tests; on a loaded 2-core machine the extension host stalls for seconds at a time, and
    // the runner's 90 s default for a whole run is not enough.
    this.timeout(360_000);
    const res = await runExtensionTests({
      extensionDevelopmentPath: REPO_ROOT, extensionTestsPath: SUITE, workspaceDir: workspace,
      env: hostTestEnv(workspace), timeoutMs: 300_000,
    });
    printHostLog(res.log);
    if (res.exitCode !== 0) {
      // The filter may have dropped the reason (e.g. an error the workbench raised); show every error line.
      const errors = res.rawLog.filter((e) => e.type === 'error' && !res.log.includes(e.text)).map((e) => e.text);
      if (errors.length) printHostLog(['--- errors the filter had dropped ---', ...errors]);
    }
    assert.equal(res.exitCode, 0, 'the extension-host suite failed; its output is above');
    assert.match(res.log.join('\n'), /\d+ passing/, 'no mocha summary came back from the host');
  });
});
