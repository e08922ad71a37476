/**
 * The npm package as a user gets it: `npm pack`, then a fresh project in a temp directory outside the repo
 * installs the tarball (with typescript and @playwright/test from the registry cache) and uses every entry
 * point with no path into dist/: a type-check (ESM and CommonJS), the backend quick starts of
 * docs/package.md run with Node, and its Playwright quick start run against a WebSDK app in Debian's Chromium.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHookServer } from '../../mock-server/hooks';
import { CHROMIUM, CHROMIUM_ARGS, chromiumAvailable, HOW_TO_GET_CHROMIUM } from '../browser/support/harness';
import { needs } from '../support/skip';
import { runCli } from '../unit/cli/process';

const ROOT = join(__dirname, '../..');
const DOC = join(ROOT, 'docs/package.md');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** npm_* variables of an enclosing `npm test` would point the child npm at this repo; a user's shell has none. */
function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k)) env[k] = v;
  return { ...env, ...extra };
}

function run(cmd: string, args: string[], cwd: string, env = userEnv()): Promise<Run> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd, env, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

function ok(r: Run, what: string): Run {
  assert.equal(r.code, 0, `${what} failed (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
  return r;
}

/** The code block of docs/package.md whose first line is `// <name>...`. */
function docSnippet(md: string, name: string): string {
  const blocks = [...md.matchAll(/```(?:js|ts)\n([\s\S]*?)```/g)].map((m) => m[1]!);
  const block = blocks.find((b) => b.startsWith(`// ${name}`));
  assert.ok(block, `docs/package.md has a code block starting with "// ${name}"`);
  return block;
}

/** Every file an `exports` target names (conditions flattened). */
function exportTargets(exp: unknown): string[] {
  if (typeof exp === 'string') return [exp.replace(/^\.\//, '')];
  if (exp && typeof exp === 'object') return Object.values(exp).flatMap(exportTargets);
  return [];
}

const TYPECHECK_ESM = `
import { createHookServer, runScenario, ScriptedClient, startWcsServer, WcsEngine, type HookServer, type WcsSessionInfo } from 'wcs-hook-mock';
import { installWcsMock, synthesizeAnswer, type InstalledWcsMock } from 'wcs-hook-mock/browser';
import { createWcsFixture, expect, test, type WcsFixture, type WcsFixtureOptions, type WcsHook } from 'wcs-hook-mock/playwright';

const options: WcsFixtureOptions = {
  url: /:8080/,
  backend: { handler: (_method, body) => ({ status: 200, body }) },
  farEnd: { kind: 'busy' },
  engine: { hookTimeoutMs: 1000 },
};
test.use({ wcsOptions: options });
test('typed fixture', async ({ wcs }) => {
  // The fixture's engine is the main entry's WcsEngine: one class, one declaration.
  const engine: WcsEngine = wcs.engine;
  const sessions: WcsSessionInfo[] = wcs.sessions();
  const hook: WcsHook = await wcs.waitForHook('connect', { where: (h) => h.status === 200 });
  expect([engine.nodeId, sessions.length, hook.method]).toBeTruthy();
});
const server: HookServer = createHookServer({ port: 0 });
const wcs: Promise<{ url: string }> = startWcsServer({ port: 0, backend: { url: 'http://127.0.0.1:9091/EchoApp' } });
const client = new ScriptedClient(new WcsEngine({ backend: { handler: () => ({ status: 200 }) } }));
const scenario: Promise<{ completed: number }> = runScenario('connect', { backend: { url: 'http://127.0.0.1:9091/EchoApp' } });
const mock: InstalledWcsMock = installWcsMock({ url: 'ws://127.0.0.1:8080', backend: { url: 'http://127.0.0.1:9091/EchoApp' } });
const sdp: string = synthesizeAnswer('v=0');
const own: Pick<WcsFixture, 'hooks'> = createWcsFixture(options).fixture;
// @ts-expect-error a backend is {url} or {handler}: the types are real, not any
new WcsEngine({ backend: {} });
export { server, wcs, client, scenario, mock, sdp, own };
`;

const TYPECHECK_CJS = `
import { createHookServer, WcsEngine } from 'wcs-hook-mock';
import { installWcsMock } from 'wcs-hook-mock/browser';
import { test, type WcsFixtureOptions } from 'wcs-hook-mock/playwright';
const options: WcsFixtureOptions = { scope: 'page' };
test.use({ wcsOptions: options });
export const made = [createHookServer({ port: 0 }), new WcsEngine({ backend: { url: 'http://127.0.0.1:1/App' } }), installWcsMock];
// @ts-expect-error scope is 'context' or 'page'
export const wrong: WcsFixtureOptions = { scope: 'window' };
`;

const ENTRIES_SCRIPT = `
const probe = (main, browser, playwright) => [typeof main.WcsEngine, typeof browser.installWcsMock, typeof playwright.test.extend].join(' ');
console.log('require: ' + probe(require('wcs-hook-mock'), require('wcs-hook-mock/browser'), require('wcs-hook-mock/playwright')));
Promise.all([import('wcs-hook-mock'), import('wcs-hook-mock/browser'), import('wcs-hook-mock/playwright')])
  .then(([m, b, p]) => console.log('import: ' + probe(m, b, p)));
`;

describe('npm package: packed, installed into a fresh project, used from TypeScript, Node and Playwright', function () {
  let work: string;
  let project: string;
  let packed: { filename: string; files: { path: string }[] };

  before(async function () {
    // npm pack (its prepack builds the bundles and the types) and an install: minutes on a loaded machine.
    this.timeout(600_000);
    work = await mkdtemp(join(tmpdir(), 'wcs-npm-package-'));
    const pack = ok(await run('npm', ['pack', '--json', '--pack-destination', work], ROOT), 'npm pack');
    // npm prints the prepack scripts' output before the JSON.
    [packed] = JSON.parse(pack.stdout.slice(pack.stdout.indexOf('\n[') + 1)) as (typeof packed)[];
    project = join(work, 'project');
    await mkdir(join(project, 'tests'), { recursive: true });
    await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'scratch', private: true, type: 'module' }, null, 2));
    const version = (p: string) => (JSON.parse(readFileSync(join(ROOT, 'node_modules', p, 'package.json'), 'utf8')) as { version: string }).version;
    const deps = ['typescript', '@playwright/test', '@types/node'].map((p) => `${p}@${version(p)}`);
    ok(await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', join(work, packed.filename), ...deps], project), 'npm install');
  });

  after(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('packs what users need and nothing else: no sources, tests, source maps or the extension bundle', () => {
    const files = packed.files.map((f) => f.path).sort();
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { exports: unknown; bin: Record<string, string> };
    const wanted = [...exportTargets(pkg.exports), ...Object.values(pkg.bin).map((b) => b.replace(/^\.\//, '')), 'dist/cli.js', 'dist/logWorker.js', 'CHANGELOG.md', 'LICENSE'];
    assert.deepEqual(wanted.filter((f) => !files.includes(f)), [], 'named by exports/bin but not packed');
    const stray = files.filter((f) => /(^|\/)(test|bench|mock-server|extension|scripts|node_modules)\//.test(f) || /\.map$|(?<!\.d)\.ts$/.test(f) || f === 'dist/extension.js');
    assert.deepEqual(stray, []);
  });

  it('type-checks a file using every entry point, as ESM and as CommonJS (strict, library types checked too)', async function () {
    this.timeout(180_000);
    await writeFile(join(project, 'check.mts'), TYPECHECK_ESM);
    await writeFile(join(project, 'check.cts'), TYPECHECK_CJS);
    const md = await readFile(DOC, 'utf8');
    await writeFile(join(project, 'tests/publish.spec.ts'), docSnippet(md, 'tests/publish.spec.ts'));
    await writeFile(join(project, 'tests/in-page.spec.ts'), docSnippet(md, 'tests/in-page.spec.ts'));
    await writeFile(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { target: 'ES2022', module: 'nodenext', moduleResolution: 'nodenext', strict: true, noEmit: true, skipLibCheck: false, lib: ['ES2022', 'DOM'], types: ['node'] },
        files: ['check.mts', 'check.cts', 'tests/publish.spec.ts', 'tests/in-page.spec.ts'],
      }),
    );
    ok(await run(process.execPath, [join(project, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], project), 'tsc');
  });

  it('runs the backend quick starts (hook server, engine, WCS WebSocket server) from ESM and CommonJS, and loads every entry both ways', async function () {
    this.timeout(60_000);
    const md = await readFile(DOC, 'utf8');
    await writeFile(join(project, 'backend-quickstart.mjs'), docSnippet(md, 'backend-quickstart.mjs'));
    await writeFile(join(project, 'backend-quickstart.cjs'), docSnippet(md, 'backend-quickstart.cjs'));

    const esm = ok(await run(process.execPath, ['backend-quickstart.mjs'], project), 'backend-quickstart.mjs').stdout;
    assert.match(esm, /^backend answered connect with 200$/m);
    assert.match(esm, /^session established: true$/m);
    assert.match(esm, /^backend answered publishStream with 200$/m);
    assert.match(esm, /^stream: PUBLISHING$/m);

    const cjs = ok(await run(process.execPath, ['backend-quickstart.cjs'], project), 'backend-quickstart.cjs').stdout;
    assert.match(cjs, /^WCS mock on ws:\/\/127\.0\.0\.1:\d+$/m);
    assert.match(cjs, /^session established: true$/m);
    assert.match(cjs, /^hooks the backend got: connect, ConnectionStatusEvent, .*ConnectionStatusEvent$/m);

    // Every entry loads at run time through require() and through import().
    await writeFile(join(project, 'entries.cjs'), ENTRIES_SCRIPT);
    const entries = ok(await run(process.execPath, ['entries.cjs'], project), 'entries.cjs').stdout.trim().split('\n');
    assert.deepEqual(entries, ['require: function function function', 'import: function function function']);
  });

  it('runs the CLI from its bin: trigger fires a session at a backend', async function () {
    this.timeout(60_000);
    const backend = createHookServer({ port: 0, policy: 'echo-all' });
    await backend.listen();
    try {
      const r = ok(await run(join(project, 'node_modules/.bin/wcs-hook-mock'), ['trigger', 'connect', '--backend', `${backend.url}/EchoApp`], project), 'wcs-hook-mock trigger');
      assert.match(r.stdout, /^1 session: 1 completed, 0 refused; 3 hooks \(0 not 200\)/m);
      assert.deepEqual(backend.journal.all().map((ex) => ex.method), ['connect', 'ConnectionStatusEvent', 'ConnectionStatusEvent']);
    } finally {
      await backend.close();
    }
  });

  it('runs `serve` from its bin with the log on a pipe: the log thread ships and writes each hook\'s line', async function () {
    this.timeout(60_000);
    const running = runCli([], { command: [join(project, 'node_modules/.bin/wcs-hook-mock'), ['serve', '--port', '0']] });
    try {
      const [, url] = await running.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
      const r = await fetch(`${url}/EchoApp/connect`, { method: 'POST', body: '{"sessionId":"/127.0.0.1:5000/x"}' });
      assert.equal(r.status, 200);
      await running.waitFor(/#1 POST \/EchoApp\/connect connect\/connect -> 200 echo by default/);
      running.child.kill('SIGTERM');
      assert.equal((await running.exited).code, 0);
      assert.match(running.stdout(), /#1 POST [^\n]*\nwcs-hook-mock stopped \(SIGTERM\)\n$/);
      assert.equal(running.stderr(), '', 'no "log thread failed" warning: the thread started from the installed package');
    } finally {
      if (running.child.exitCode === null) running.child.kill('SIGKILL');
    }
  });

  it('runs the Playwright examples: a real WebSDK app, its WebSocket routed to the fixture or taken by the in-page mock', async function () {
    needs(this, chromiumAvailable, 'Debian Chromium at /usr/bin/chromium', HOW_TO_GET_CHROMIUM);
    this.timeout(180_000);
    const md = await readFile(DOC, 'utf8');
    await writeFile(join(project, 'tests/publish.spec.ts'), docSnippet(md, 'tests/publish.spec.ts'));
    await writeFile(join(project, 'tests/in-page.spec.ts'), docSnippet(md, 'tests/in-page.spec.ts'));
    await writeFile(
      join(project, 'playwright.config.ts'),
      [
        "import { defineConfig } from '@playwright/test';",
        'export default defineConfig({',
        "  testDir: 'tests', workers: 1, retries: 0, reporter: 'line', timeout: 60_000,",
        `  use: { baseURL: process.env.APP_URL, headless: true, launchOptions: { executablePath: ${JSON.stringify(CHROMIUM)}, args: ${JSON.stringify(CHROMIUM_ARGS)} } },`,
        '});',
      ].join('\n'),
    );
    const app = await serveApp();
    try {
      const r = await run(process.execPath, [join(project, 'node_modules/@playwright/test/cli.js'), 'test'], project, userEnv({ APP_URL: app.url }));
      ok(r, 'playwright test');
      assert.match(r.stdout, /2 passed/);
    } finally {
      await app.close();
    }
  });
});

/** The app under test: one page and the WebSDK it loads, from 127.0.0.1. */
async function serveApp(): Promise<{ url: string; close(): Promise<void> }> {
  const files: Record<string, [string, string]> = {
    '/': [join(ROOT, 'test/fixtures/package/app.html'), 'text/html; charset=utf-8'],
    '/flashphoner.js': [join(ROOT, 'node_modules/@flashphoner/websdk/flashphoner.js'), 'text/javascript; charset=utf-8'],
  };
  assert.ok(existsSync(files['/flashphoner.js']![0]), 'the WebSDK is installed (npm ci)');
  const server = http.createServer((req, res) => {
    const file = files[new URL(req.url ?? '/', 'http://x').pathname];
    if (!file) {
      res.writeHead(404).end();
      return;
    }
    readFile(file[0]).then(
      (body) => res.writeHead(200, { 'content-type': file[1] }).end(body),
      () => res.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
