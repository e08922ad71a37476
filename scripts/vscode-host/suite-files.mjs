// esbuild plugin for the extension-host suite (test/host/suite/index.ts): resolves the import
// 'host-suite:files' to a module listing every test/host/suite/**/*.test.ts, each behind a lazy require.
// Lazy, because a test file calls suite()/test() while it loads, and those globals only exist once the
// suite's Mocha instance has emitted 'pre-require'. New test files are picked up without touching index.ts.
import { readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

export const SUITE_DIR = resolve(import.meta.dirname, '..', '..', 'test', 'host', 'suite');

function dirs(dir) {
  return [dir, ...readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).flatMap((e) => dirs(join(dir, e.name)))];
}

function testFiles(dir) {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? testFiles(join(dir, e.name)) : /\.test\.ts$/.test(e.name) ? [join(dir, e.name)] : []))
    .sort();
}

export const hostSuiteFiles = {
  name: 'host-suite-files',
  setup(build) {
    build.onResolve({ filter: /^host-suite:files$/ }, () => ({ path: 'files', namespace: 'host-suite' }));
    build.onLoad({ filter: /.*/, namespace: 'host-suite' }, () => {
      const files = testFiles(SUITE_DIR);
      const entries = files.map((f) => `  { name: ${JSON.stringify(relative(SUITE_DIR, f))}, load: () => require(${JSON.stringify(f)}) },`);
      return {
        contents: `module.exports = [\n${entries.join('\n')}\n];\n`,
        loader: 'js',
        resolveDir: SUITE_DIR,
        // Adding or removing a test file must trigger a rebuild in --watch mode.
        watchDirs: dirs(SUITE_DIR),
      };
    });
  },
};
