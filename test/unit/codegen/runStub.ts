/** Starting a generated server as a child process and talking HTTP to it, for run-stubs.test.ts. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { dirname, join } from 'node:path';
import type { GeneratedStub } from '../../../mock-server/codegen/stubs';

const REPO = join(__dirname, '..', '..', '..');

export interface RunningStub {
  readonly port: number;
  /** Everything the process printed so far (for failure messages). */
  output(): string;
  stop(): Promise<void>;
}

/**
 * Writes the stub's files into a fresh folder under .cache/ (inside the repo, so that `express` and
 * `tsx` resolve from its node_modules) and starts `command` there with HOST=127.0.0.1 and PORT=0.
 * Resolves once the process prints its URL; rejects with its output if it exits first.
 */
export async function startStub(
  stub: GeneratedStub,
  command: string,
  args: readonly string[],
  startupGuardMs = 20000,
): Promise<RunningStub> {
  mkdirSync(join(REPO, '.cache'), { recursive: true });
  const dir = mkdtempSync(join(REPO, '.cache', `codegen-run-${stub.target}-`));
  for (const f of stub.files) {
    mkdirSync(dirname(join(dir, f.path)), { recursive: true });
    writeFileSync(join(dir, f.path), f.content);
  }
  const child: ChildProcess = spawn(command, [...args], {
    cwd: dir,
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let exited = false;
  const exitedPromise = new Promise<void>((resolve) => child.once('exit', () => {
    exited = true;
    resolve();
  }));
  const stop = async () => {
    if (!exited) {
      child.kill('SIGTERM');
      await exitedPromise;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const port = await new Promise<number>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        output += chunk.toString('utf8');
        // Our stubs print "listening on http://127.0.0.1:PORT/"; php -S prints "(http://127.0.0.1:PORT) started".
        const m = /http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
        if (m && Number(m[1]) > 0) resolve(Number(m[1]));
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`${command} exited (${code}) before listening:\n${output}`)));
      // A guard against a server that never starts, not a timing assertion.
      setTimeout(() => reject(new Error(`${command} printed no URL:\n${output}`)), startupGuardMs).unref();
    });
    return { port, output: () => output, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

export interface HttpResult {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Buffer;
}

export function http(port: number, path: string, body?: Buffer, method = 'POST'): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = {};
    if (body) {
      headers['Content-Type'] = 'application/json;charset=UTF-8';
      headers['Content-Length'] = body.length;
    }
    const req = request({ host: '127.0.0.1', port, path, method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}
