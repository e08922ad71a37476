/** The facts a benchmark figure means nothing without. */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PEERS_DIR } from './contenders';
import { ROOT } from './proc';

export interface MachineFacts {
  date: string;
  cpuModel: string;
  cores: number;
  memoryGB: number;
  os: string;
  node: string;
  java?: string;
  commit?: string;
  peers: Record<string, string>;
  /** 1-minute load average when the run started and ended: other work on the machine skews every figure. */
  loadAvg: { start: number; end?: number };
}

function quiet(cmd: string, args: string[]): string | undefined {
  try {
    return execFileSync(cmd, args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch (err) {
    // `java -version` prints to stderr
    const e = err as { stderr?: string };
    return e.stderr?.trim() || undefined;
  }
}

export function machineFacts(): MachineFacts {
  const cpus = os.cpus();
  const peers: Record<string, string> = {};
  for (const name of ['mockttp', '@mockoon/cli', 'wiremock']) {
    const pj = path.join(PEERS_DIR, 'node_modules', name, 'package.json');
    if (existsSync(pj)) peers[name] = (JSON.parse(readFileSync(pj, 'utf8')) as { version: string }).version;
  }
  let java: string | undefined;
  try {
    java = execFileSync('java', ['-version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).split('\n')[0];
  } catch {
    java = undefined;
  }
  if (java === '' || java === undefined) {
    const out = quiet('java', ['-version']);
    java = out?.split('\n')[0];
  }
  return {
    date: new Date().toISOString(),
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    java,
    commit: quiet('git', ['rev-parse', '--short', 'HEAD']),
    peers,
    loadAvg: { start: Math.round(os.loadavg()[0]! * 100) / 100 },
  };
}
