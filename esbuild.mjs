// One build for every artefact: the CLI (node), the VS Code extension (node, 'vscode' external)
// and the browser bundles of the WCS mock. Entries whose source does not exist yet are skipped,
// so the build stays usable while parts of the project are still being written.
import * as esbuild from 'esbuild';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { hostSuiteFiles } from './scripts/vscode-host/suite-files.mjs';

const watch = process.argv.includes('--watch');

/** Resolves the Playwright entry's import of `../index` to the published main entry, `wcs-hook-mock`. */
const mainEntryExternal = {
  name: 'main-entry-external',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/index$/ }, (args) =>
      args.importer.includes(`${path.sep}playwright${path.sep}`) ? { path: 'wcs-hook-mock', external: true } : undefined);
  },
};
const common = { bundle: true, sourcemap: true, logLevel: 'warning', legalComments: 'none' };
/** Files the npm package ships: no source map, since the package carries neither the maps nor the sources. */
const shipped = { sourcemap: false };

const targets = [
  { entryPoints: ['mock-server/cli.ts'], outfile: 'dist/cli.js', platform: 'node', format: 'cjs', target: 'node20' },
  // The log thread of `serve` (mock-server/cli/exchangeLog.ts starts it from beside dist/cli.js).
  { entryPoints: ['mock-server/cli/logWorker.ts'], outfile: 'dist/logWorker.js', platform: 'node', format: 'cjs', target: 'node20' },
  {
    entryPoints: ['extension/extension.ts'], outfile: 'dist/extension.js', platform: 'node', format: 'cjs',
    target: 'node20', external: ['vscode'],
  },
  // The npm package's Node entry, once per module format. Dependencies stay external: npm installs them
  // beside the package, and a user's own copy of ws or zod is shared instead of bundled twice.
  { entryPoints: ['mock-server/index.ts'], outfile: 'dist/index.js', platform: 'node', format: 'cjs', target: 'node20', packages: 'external', ...shipped },
  { entryPoints: ['mock-server/index.ts'], outfile: 'dist/index.mjs', platform: 'node', format: 'esm', target: 'node20', packages: 'external', ...shipped },
  // `wcs-hook-mock/playwright`: the engine is imported from the package's main entry, not bundled in, so a
  // test that imports both gets one WcsEngine class, not two.
  ...['cjs', 'esm'].map((format) => ({
    entryPoints: ['mock-server/playwright/index.ts'], outfile: `dist/playwright.${format === 'esm' ? 'mjs' : 'js'}`,
    platform: 'node', format, target: 'node20', packages: 'external', plugins: [mainEntryExternal], ...shipped,
  })),
  // `wcs-hook-mock/artillery`: the Artillery engine, CommonJS because Artillery require()s engines.
  { entryPoints: ['mock-server/artillery/index.ts'], outfile: 'dist/artillery.js', platform: 'node', format: 'cjs', target: 'node20', packages: 'external', ...shipped },
  {
    entryPoints: ['mock-server/wcs/browser.ts'], outfile: 'dist/wcs-mock.browser.mjs', platform: 'browser',
    format: 'esm', target: 'es2020', minify: true, ...shipped,
  },
  {
    entryPoints: ['mock-server/wcs/browser.ts'], outfile: 'dist/wcs-mock.browser.js', platform: 'browser',
    // Minified: pages load this on every test run; about half of it is zod, which the catalog needs.
    format: 'iife', globalName: 'WcsMock', target: 'es2020', minify: true, ...shipped,
    // `var WcsMock` is global only in a classic script; Playwright's addInitScript and other loaders wrap the
    // code in a function, so the global is also set explicitly.
    footer: { js: 'globalThis.WcsMock=WcsMock;' },
  },
  {
    // For CommonJS consumers of `wcs-hook-mock/browser` (jsdom test runners); bundlers take the ESM build.
    entryPoints: ['mock-server/wcs/browser.ts'], outfile: 'dist/wcs-mock.browser.cjs', platform: 'browser',
    format: 'cjs', target: 'es2020', ...shipped,
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
