import assert from 'node:assert/strict';
import path from 'node:path';
import * as esbuild from 'esbuild';

const ROOT = path.resolve(__dirname, '../../..');

describe('wcs browser bundle', () => {
  it('builds for the browser with nothing Node-only and nothing left external', async () => {
    const result = await esbuild.build({
      absWorkingDir: ROOT,
      entryPoints: ['mock-server/wcs/browser.ts'],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const output = Object.values(result.metafile.outputs)[0];
    // platform 'browser' fails on node: built-ins, but a package could still be marked external or a
    // built-in reached through a browser-field shim; neither may ship.
    assert.deepEqual(output.imports.filter((i) => i.external), []);
    const inputs = Object.keys(output.inputs);
    assert.deepEqual(inputs.filter((i) => /(^|\/)node:|node_modules\/(ws|undici|node-fetch)\//.test(i)), []);
    assert.ok(inputs.includes('mock-server/wcs/engine.ts') && inputs.includes('mock-server/wcs/mockSocket.ts'));
    const text = result.outputFiles[0].text;
    assert.doesNotMatch(text, /require\(["'](node:)?(crypto|http|https|net|fs|events|stream)["']\)/);
    assert.match(text, /export\s*\{[^}]*installWcsMock/);
  });
});
