/**
 * Browser test harness: headless Debian Chromium driven by playwright-core, fake camera and microphone,
 * and a static server on 127.0.0.1 that serves only the test pages, the WebSDK bundle and our dist bundle.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { needs } from '../../support/skip';

export const CHROMIUM = '/usr/bin/chromium';
export const chromiumAvailable = existsSync(CHROMIUM);
export const HOW_TO_GET_CHROMIUM = 'apt-get install -y chromium';

const ROOT = path.resolve(__dirname, '../../..');

/** URL prefix → directory. Nothing outside these is served. */
const MOUNTS: readonly (readonly [string, string])[] = [
  ['/pages/', path.join(ROOT, 'test/fixtures/pages')],
  ['/node_modules/@flashphoner/websdk/', path.join(ROOT, 'node_modules/@flashphoner/websdk')],
  ['/dist/', path.join(ROOT, 'dist')],
];

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.map': 'application/json',
};

export interface StaticServer {
  readonly origin: string;
  close(): Promise<void>;
}

export async function startStaticServer(): Promise<StaticServer> {
  // The pages load the bundle, not the sources; without it every test would fail with "WcsMock is not defined".
  if (!existsSync(path.join(ROOT, 'dist/wcs-mock.browser.js'))) throw new Error('dist/wcs-mock.browser.js is missing: run `npm run build` first');
  const server = http.createServer((req, res) => {
    void (async () => {
      const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
      const mount = MOUNTS.find(([prefix]) => pathname.startsWith(prefix));
      const file = mount && path.join(mount[1], pathname.slice(mount[0].length));
      if (!mount || !file || !file.startsWith(mount[1] + path.sep)) {
        res.writeHead(404).end();
        return;
      }
      try {
        const body = await readFile(file);
        res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
        res.end(body);
      } catch {
        res.writeHead(404).end();
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  '--autoplay-policy=no-user-gesture-required',
  '--allow-loopback-in-peer-connection',
];

export interface Browser {
  readonly context: BrowserContext;
  /** Every console error and page error of every page, for failure messages and "no errors" checks. */
  readonly pageErrors: string[];
  /** Page errors that are the WebSDK's own known races (isKnownSdkRace), kept apart so they cannot hide ours. */
  readonly sdkRaces: string[];
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

/**
 * The WebSDK's media provider sets `remoteVideo.muted` in a play() callback that can run after a fast hangup or
 * stop has already nulled `remoteVideo` (webrtc-media-provider.js, the ontrack handler), so with real media a
 * quick test sometimes sees "Cannot set properties of null (setting 'muted')". That is the SDK's race, not the
 * mock's: it is recognised by its message AND by the throwing frame being inside the SDK's own script, so the
 * same error thrown from our bundle or the test page still fails the test.
 */
export function isKnownSdkRace(e: { message: string; stack?: string }): boolean {
  if (!/Cannot set propert(y|ies) of null \(setting 'muted'\)/.test(e.message)) return false;
  const firstFrame = (e.stack ?? '').split('\n').find((l) => /^\s+at /.test(l)) ?? '';
  return /\/@flashphoner\/websdk\/[^/\s]+\.js/.test(firstFrame);
}

/** One Chromium with a fresh profile; reuse it for a whole file and open a page per test. */
export async function launchBrowser(): Promise<Browser> {
  const profile = await mkdtemp(path.join(tmpdir(), 'wcs-mock-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
  });
  const pageErrors: string[] = [];
  const sdkRaces: string[] = [];
  return {
    context,
    pageErrors,
    sdkRaces,
    async newPage() {
      const page = await context.newPage();
      page.on('pageerror', (e) => (isKnownSdkRace(e) ? sdkRaces : pageErrors).push(`pageerror: ${e.message}`));
      return page;
    },
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** The Chromium and static site one `describe` block shares; both exist from its first test to after its last. */
export interface ChromiumSuite {
  readonly browser: Browser;
  readonly site: StaticServer;
}

/**
 * Registers the describe block's before/after hooks that start Chromium and the static site (skipping with a
 * reason when Chromium is missing), and returns their handles. Call it in the describe body, before the block's
 * own `before` hooks, which then run after these.
 */
export function useChromium(): ChromiumSuite {
  let browser: Browser | undefined;
  let site: StaticServer | undefined;
  before(async function () {
    needs(this, chromiumAvailable, `Debian Chromium at ${CHROMIUM}`, HOW_TO_GET_CHROMIUM);
    site = await startStaticServer();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await site?.close();
  });
  return {
    get browser() {
      if (!browser) throw new Error('Chromium is not running: useChromium() hooks have not run');
      return browser;
    },
    get site() {
      if (!site) throw new Error('the static site is not running: useChromium() hooks have not run');
      return site;
    },
  };
}

/**
 * After a failed test, prints what each page's engine logged and what the page's app recorded (`eventsExpr`, an
 * expression evaluated in the page): the mock's log says what it did, instead of guessing from the assertion.
 */
export async function printPagesOnFailure(test: Mocha.Test | undefined, pages: readonly Page[], eventsExpr: string, label: string): Promise<void> {
  if (test?.state !== 'failed') return;
  for (const page of pages) {
    const log = await page.evaluate('window.wcsMock && window.wcsMock.engine.logText()').catch(() => undefined);
    if (typeof log === 'string' && log) console.log(`      engine log:\n${log.replace(/^/gm, '        ')}`);
    const events = await page.evaluate(eventsExpr).catch(() => undefined);
    if (events) console.log(`      ${label}: ${JSON.stringify(events)}`);
  }
}
