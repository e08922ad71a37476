import { spawn, type SpawnOptions } from 'node:child_process';

/**
 * Runs a command-line tool to completion and resolves with its combined output, or rejects with that output
 * when it fails or outlives `timeoutMs`. stdin is closed: tools that ask y/N questions must not hang a test.
 */
export function runTool(command: string, args: string[], options: SpawnOptions = {}, timeoutMs = 60_000): Promise<string> {
  return new Promise((res, rej) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (out += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', rej);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) res(out);
      else rej(new Error(`${command} ${args.join(' ')} exited with ${code ?? signal}:\n${out}`));
    });
  });
}
