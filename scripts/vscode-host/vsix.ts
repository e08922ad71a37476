/**
 * Packages an extension folder into a .vsix with @vscode/vsce, the same command `npm run package` runs
 * (minus the build, which the caller has done). --no-dependencies: dist/extension.js is a bundle, so
 * node_modules has nothing the extension needs at run time.
 */
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';

const VSCE = join(__dirname, '..', '..', 'node_modules', '.bin', 'vsce');

export const VSCE_PACKAGE_ARGS = ['package', '--no-dependencies', '--allow-missing-repository'];

/** Runs vsce in `extensionRoot`; resolves with its output, rejects with it when vsce fails. */
export function vsce(extensionRoot: string, args: string[], timeoutMs = 60_000): Promise<string> {
  return new Promise((res, rej) => {
    // stdin closed: vsce asks y/N questions on some warnings; an answer nobody gives must not hang a test.
    const child = spawn(VSCE, args, { cwd: extensionRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', rej);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) res(out);
      else rej(new Error(`vsce ${args.join(' ')} exited with ${code ?? signal}:\n${out}`));
    });
  });
}

export async function packageVsix(extensionRoot: string, outFile: string): Promise<string> {
  await vsce(extensionRoot, [...VSCE_PACKAGE_ARGS, '-o', resolve(outFile)]);
  return resolve(outFile);
}

/** The files `vsce package` would put into the .vsix, relative to the extension root. */
export async function vsixFiles(extensionRoot: string): Promise<string[]> {
  const out = await vsce(extensionRoot, ['ls', '--no-dependencies']);
  return out.split('\n').map((l) => l.trim()).filter((l) => l && !/^(WARNING|INFO|ERROR|npm warn)\b/.test(l));
}
