/** Which optional toolchains this machine has, for tests that run or parse generated code. */
import { spawnSync } from 'node:child_process';

let php: boolean | undefined;
export function hasPhp(): boolean {
  php ??= spawnSync('php', ['-v'], { encoding: 'utf8' }).status === 0;
  return php;
}

let flaskPython: string | null | undefined;
/**
 * A Python that can import Flask: `python3` on PATH first, then Debian's /usr/bin/python3 (where
 * python3-flask installs it) in case PATH points at another Python, e.g. pyenv.
 */
export function findFlaskPython(): string | undefined {
  if (flaskPython === undefined) {
    flaskPython = null;
    for (const candidate of ['python3', '/usr/bin/python3']) {
      if (spawnSync(candidate, ['-c', 'import flask'], { encoding: 'utf8' }).status === 0) {
        flaskPython = candidate;
        break;
      }
    }
  }
  return flaskPython ?? undefined;
}

let express: boolean | undefined;
export function hasExpress(): boolean {
  if (express === undefined) {
    try {
      require.resolve('express');
      express = true;
    } catch {
      express = false;
    }
  }
  return express;
}
