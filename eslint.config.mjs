// @ts-check
/**
 * Lint: ESLint's and typescript-eslint's recommended rules, plus the layer rules of the codebase
 * (docs/architecture.md), with ESLint's own no-restricted-imports (no plugin needed for path rules):
 * - each folder is entered through its index: no import reaches into another folder's files;
 * - imports point down the layers: util ← protocol ← hooks, wcs; hooks ← view; hooks and wcs never import
 *   each other, the view or the CLI; nothing in mock-server/ imports `vscode` (only extension/ does).
 */
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const AROUND_INDEX_WHY = 'Import the folder through its index (e.g. "../hooks", not "../hooks/server"); add the export to the index if it is missing.';
/** Within mock-server/: a relative import that goes into a folder and names something there other than its index. */
const AROUND_INDEX = { regex: '^(\\./|(\\.\\./)+)[^./][^/]*/(?!index$).+$', message: AROUND_INDEX_WHY };
/** From extension/: into a mock-server folder's files, or into a subfolder of extension/ other than by its index. */
const EXTENSION_AROUND_INDEX = [
  { regex: '^(\\.\\./)+mock-server/[^/]+/.+$', message: AROUND_INDEX_WHY },
  { regex: '^\\./[^/]+/(?!index$).+$', message: AROUND_INDEX_WHY },
];

const NO_VSCODE = { name: 'vscode', message: 'Only extension/ may import vscode: mock-server/ runs in the CLI, CI and browsers too.' };

/** A pattern forbidding imports of these sibling folders of mock-server/. */
function layers(folders, why) {
  return { regex: `^(\\.\\./)+(${folders.join('|')})(/|$)`, message: why };
}

/** One no-restricted-imports setting per area (a later config for the same rule replaces, not merges). */
function restrict(files, patterns, paths = [NO_VSCODE]) {
  return { files, rules: { 'no-restricted-imports': ['error', { paths, patterns }] } };
}

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.cache/**', 'test/fixtures/**', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // `_name` marks a value taken only to be left out (rest siblings, positional callback arguments).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true }],
      // Terminal-safe output and key parsing match control characters on purpose.
      'no-control-regex': 'off',
      // Errors rethrown for users carry one clear line; their cause is reported where it is caught.
      'preserve-caught-error': 'off',
    },
  },
  restrict(['mock-server/*.ts'], [AROUND_INDEX]),
  restrict(['mock-server/util/**/*.ts'], [AROUND_INDEX, layers(['protocol', 'hooks', 'wcs', 'view', 'codegen', 'cli', 'load', 'artillery'], 'util/ is the bottom layer: it imports no other folder.')]),
  restrict(['mock-server/protocol/**/*.ts'], [AROUND_INDEX, layers(['hooks', 'wcs', 'view', 'codegen', 'cli', 'load', 'artillery'], 'protocol/ is what WCS is: it knows nothing of the servers, views or CLI built on it.')]),
  restrict(['mock-server/hooks/**/*.ts'], [AROUND_INDEX, layers(['wcs', 'view', 'codegen', 'cli', 'load', 'artillery'], 'hooks/ (the hook server) stands on protocol/ alone: never the WCS mock, the view or the CLI.')]),
  restrict(['mock-server/wcs/**/*.ts'], [AROUND_INDEX, layers(['hooks', 'view', 'codegen', 'cli', 'load', 'artillery'], 'wcs/ (the WCS mock) stands on protocol/ alone: never the hook server, the view or the CLI.')]),
  restrict(['mock-server/view/**/*.ts'], [AROUND_INDEX, layers(['wcs', 'codegen', 'cli'], 'view/ projects the hook server\'s journal: it never imports the WCS mock, codegen or the CLI.')]),
  restrict(['mock-server/codegen/**/*.ts'], [AROUND_INDEX, layers(['wcs', 'view', 'cli'], 'codegen/ reads the catalog and answer types only.')]),
  restrict(['mock-server/load/**/*.ts'], [AROUND_INDEX, layers(['hooks', 'view', 'codegen', 'cli', 'artillery'], 'load/ (load runs of the WCS scenarios) stands on wcs/ and util/: never the hook server, the view or the CLI.')]),
  restrict(['mock-server/artillery/**/*.ts'], [AROUND_INDEX, layers(['hooks', 'view', 'codegen', 'cli'], 'artillery/ (the Artillery engine) drives wcs/ and load/ only.')]),
  restrict(['mock-server/cli/**/*.ts'], [AROUND_INDEX]),
  restrict(['extension/**/*.ts'], EXTENSION_AROUND_INDEX, []),
);
