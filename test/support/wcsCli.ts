/**
 * Runs the `wcs` command in this process with captured output, as the CLI tests need it: the lines it printed,
 * a way to send it signals, and the server once it listens.
 */
import { EventEmitter } from 'node:events';
import { runWcs, type WcsIO } from '../../mock-server/cli/wcs';
import type { WcsServer } from '../../mock-server/wcs/wsServer';

export interface WcsRun {
  readonly stdout: string[];
  readonly stderr: string[];
  readonly signals: EventEmitter;
  readonly server: Promise<WcsServer>;
  readonly exit: Promise<number>;
}

export function runWcsInProcess(argv: string[], env: NodeJS.ProcessEnv = {}): WcsRun {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const signals = new EventEmitter();
  let listening!: (s: WcsServer) => void;
  const server = new Promise<WcsServer>((r) => (listening = r));
  const lines = (into: string[]) => ({ write: (s: string) => (into.push(...s.split('\n').filter(Boolean)), true) });
  const io: WcsIO = {
    stdout: lines(stdout) as WcsIO['stdout'],
    stderr: lines(stderr) as WcsIO['stderr'],
    env,
    signals: signals as unknown as WcsIO['signals'],
    onListening: listening,
  };
  return { stdout, stderr, signals, server, exit: runWcs(argv, io) };
}

export { deadPort } from './net';
