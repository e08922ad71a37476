/**
 * Packages the extension into a .vsix with @vscode/vsce (`npm run package` runs this file).
 *
 * vsce walks every file under the extension folder before it applies .vscodeignore; in this repo that is
 * node_modules and the ~36,000 files of .cache/vscode-host, which turns a one-second package into fifteen.
 * So vsce runs in a staging copy of the folder without the directories that are never packaged;
 * .vscodeignore still decides what goes in, exactly as it would in the repo itself.
 * --no-dependencies: dist/extension.js is a bundle, node_modules has nothing the extension needs at run time.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runTool } from './runTool';

const VSCE = join(__dirname, '..', '..', 'node_modules', '.bin', 'vsce');

export const VSCE_PACKAGE_ARGS = ['package', '--no-dependencies', '--allow-missing-repository'];

/**
 * The README the .vsix ships: written for people using the extension. The repository's README.md is the
 * developers' front door (building, testing, the other tools) and stays out of the package.
 */
export const EXTENSION_README = join('extension', 'README.md');

/** Top-level entries that never belong in the package and are expensive to walk. */
const NEVER_PACKAGED = new Set(['node_modules', '.cache', '.git', 'test-results', '.vscode-test']);

/** Runs vsce in `dir`; resolves with its output, rejects with it when vsce fails. */
function vsce(dir: string, args: string[], timeoutMs = 60_000): Promise<string> {
  // vsce asks y/N questions on some warnings; runTool closes stdin so an answer nobody gives cannot hang.
  return runTool(VSCE, args, { cwd: dir }, timeoutMs);
}

/**
 * The manifest as the .vsix carries it. package.json's `files` lists the npm package's contents, and vsce
 * refuses a manifest with both `files` and a .vscodeignore; the .vsix is chosen by .vscodeignore alone.
 */
export function vsixManifest(packageJson: string): string {
  const { files: _npmFiles, ...manifest } = JSON.parse(packageJson) as Record<string, unknown>;
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

async function inStagingCopy<T>(extensionRoot: string, fn: (dir: string) => Promise<T>): Promise<T> {
  const stage = mkdtempSync(join(tmpdir(), 'wcs-vsix-'));
  try {
    for (const name of readdirSync(extensionRoot)) {
      if (NEVER_PACKAGED.has(name) || name.endsWith('.vsix') || name.endsWith('.tgz')) continue;
      cpSync(join(extensionRoot, name), join(stage, name), { recursive: true, verbatimSymlinks: true });
    }
    cpSync(join(extensionRoot, EXTENSION_README), join(stage, 'README.md'));
    writeFileSync(join(stage, 'package.json'), vsixManifest(readFileSync(join(extensionRoot, 'package.json'), 'utf8')));
    return await fn(stage);
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

/** Writes the .vsix to `outFile` and returns its absolute path. */
export function packageVsix(extensionRoot: string, outFile: string): Promise<string> {
  const out = resolve(outFile);
  return inStagingCopy(extensionRoot, async (dir) => {
    await vsce(dir, [...VSCE_PACKAGE_ARGS, '-o', out]);
    return out;
  });
}

/**
 * Packages a small extension folder of the tests (no node_modules, no license of its own) as it is, for a test
 * that needs a second extension installed beside ours.
 */
export async function packageTestExtension(dir: string, outFile: string): Promise<string> {
  const out = resolve(outFile);
  await vsce(dir, [...VSCE_PACKAGE_ARGS, '--skip-license', '-o', out]);
  return out;
}

/** The files `vsce package` would put into the .vsix, relative to the extension root. */
export function vsixFiles(extensionRoot: string): Promise<string[]> {
  return inStagingCopy(extensionRoot, async (dir) => {
    const out = await vsce(dir, ['ls', '--no-dependencies']);
    return out.split('\n').map((l) => l.trim()).filter((l) => l && !/^(WARNING|INFO|ERROR|DONE|npm warn)\b/.test(l));
  });
}

if (require.main === module) {
  const root = resolve(__dirname, '..', '..');
  const out = resolve(root, process.argv[2] ?? 'wcs-hook-mock.vsix');
  packageVsix(root, out).then(
    (file) => console.log(`packaged ${file}`),
    (e: Error) => {
      console.error(e.message);
      process.exit(1);
    },
  );
}
