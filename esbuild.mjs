// One build for every artefact: the CLI (node), the VS Code extension (node, 'vscode' external)
// and the browser bundles of the WCS mock. Entries whose source does not exist yet are skipped,
// so the build stays usable while parts of the project are still being written.
import * as esbuild from 'esbuild';
import { existsSync } from 'node:fs';
import { hostSuiteFiles } from './scripts/vscode-host/suite-files.mjs';

const watch = process.argv.includes('--watch');
const common = { bundle: true, sourcemap: true, logLevel: 'warning', legalComments: 'none' };

const targets = [
  { entryPoints: ['mock-server/cli.ts'], outfile: 'dist/cli.js', platform: 'node', format: 'cjs', target: 'node20' },
  {
    entryPoints: ['extension/extension.ts'], outfile: 'dist/extension.js', platform: 'node', format: 'cjs',
    target: 'node20', external: ['vscode'],
  },
  { entryPoints: ['mock-server/index.ts'], outfile: 'dist/index.js', platform: 'node', format: 'cjs', target: 'node20' },
  {
    entryPoints: ['mock-server/wcs/browser.ts'], outfile: 'dist/wcs-mock.browser.mjs', platform: 'browser',
    format: 'esm', target: 'es2020', minify: true,
  },
  {
    entryPoints: ['mock-server/wcs/browser.ts'], outfile: 'dist/wcs-mock.browser.js', platform: 'browser',
    // Minified: pages load this on every test run, and most of it is zod, which the catalog needs.
    format: 'iife', globalName: 'WcsMock', target: 'es2020', minify: true,
  },
  {
    // The extension-host suite; mocha stays external and loads from node_modules inside the host.
    entryPoints: ['test/host/suite/index.ts'], outfile: 'dist/test/host-suite.js', platform: 'node', format: 'cjs',
    target: 'node20', external: ['vscode', 'mocha'], plugins: [hostSuiteFiles],
  },
].filter((t) => existsSync(t.entryPoints[0]));

if (watch) {
  for (const t of targets) await (await esbuild.context({ ...common, ...t })).watch();
} else {
  await Promise.all(targets.map((t) => esbuild.build({ ...common, ...t })));
}
