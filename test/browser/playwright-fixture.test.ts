/**
 * The Playwright fixture's engine side (`createWcsFixture`, what `wcs-hook-mock/playwright`'s `wcs` fixture runs)
 * against the real WebSDK in Chromium: the page's own WebSocket is routed to an engine in this Node process,
 * hooks go from Node to a real hook server, and the levers reach the app. The page installs nothing.
 */
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { createHookServer, type HookServer } from '../../mock-server/hooks';
import { createWcsFixture } from '../../mock-server/playwright';
import { startWcsServer } from '../../mock-server/wcs/wsServer';
import { useChromium } from './support/harness';

interface AppEvent {
  what: string;
  status: string;
  caller?: string;
  payload?: unknown;
}

interface PageWindow {
  app: { events: AppEvent[]; connect(url: string): Promise<string> };
  wcsMock?: unknown;
}
declare const window: PageWindow;

const WS_URL = 'ws://127.0.0.1:8080';

describe('browser: the Playwright fixture routes the page WebSocket to an engine in Node (Chromium)', function () {
  const chromium = useChromium();
  let hooks: HookServer | undefined;
  const disposers: (() => Promise<void>)[] = [];

  afterEach(async () => {
    for (const d of disposers.splice(0)) await d();
    await hooks?.close();
    hooks = undefined;
  });

  /** The app page with nothing installed (`transport=ws`); the fixture routes its socket on the test's page only. */
  async function openRouted(options: Parameters<typeof createWcsFixture>[0]) {
    const page = await chromium.browser.newPage();
    const wcs = createWcsFixture(options);
    disposers.push(async () => {
      await wcs.dispose();
      await page.close();
    });
    await wcs.route(page, page);
    await page.goto(`${chromium.site.origin}/pages/websdk.html?transport=ws`);
    return { page, fixture: wcs.fixture };
  }

  const statuses = (p: Page, what: string) => p.evaluate((w) => window.app.events.filter((e) => e.what === w).map((e) => e.status), what);

  it('sends the hooks from Node to a real backend URL, with the page origin in the body; nothing is installed in the page', async () => {
    hooks = createHookServer({ port: 0, policy: 'echo-all' });
    await hooks.listen();
    const { page, fixture } = await openRouted({ url: WS_URL, backend: { url: `${hooks.url}/EchoApp` } });
    assert.equal(await page.evaluate(() => window.wcsMock), undefined);
    assert.equal(await page.evaluate((u) => window.app.connect(u), WS_URL), 'ESTABLISHED');

    const established = await fixture.waitForHook('ConnectionStatusEvent', { where: (h) => h.body.status === 'ESTABLISHED' });
    assert.equal(established.status, 200);
    assert.deepEqual(fixture.hooks.map((h) => `${h.method} ${h.status}`), ['connect 200', 'ConnectionStatusEvent 200']);
    const received = hooks.journal.all().map((ex) => ex.method);
    assert.deepEqual(received, ['connect', 'ConnectionStatusEvent']);
    assert.equal((hooks.journal.all()[0]!.body as { origin?: unknown }).origin, chromium.site.origin);
    assert.equal(fixture.sessions().length, 1);
    assert.equal(fixture.sessions()[0]!.state, 'established');
  });

  it('pulls the levers: an incoming call rings in the app, pushed data arrives, a dropped session disconnects it', async () => {
    const seen: string[] = [];
    const { page, fixture } = await openRouted({
      url: WS_URL,
      backend: { handler: (method, body) => (seen.push(method), { status: 200, body }) },
    });
    assert.equal(await page.evaluate((u) => window.app.connect(u), WS_URL), 'ESTABLISHED');
    const [session] = fixture.sessions();

    const call = await fixture.incomingCall(session!.sessionId, { caller: '2002' });
    assert.equal(call.offered, true);
    await page.waitForFunction(() => window.app.events.some((e) => e.status === 'INCOMING_CALL'));
    assert.equal(await page.evaluate(() => window.app.events.find((e) => e.status === 'INCOMING_CALL')?.caller), '2002');

    fixture.pushData(session!.sessionId, { text: 'from the test' });
    await page.waitForFunction(() => window.app.events.some((e) => e.status === 'APP_DATA'));
    assert.deepEqual(await page.evaluate(() => window.app.events.find((e) => e.status === 'APP_DATA')?.payload), { text: 'from the test' });

    await fixture.dropSession(session!.sessionId);
    await page.waitForFunction(() => window.app.events.some((e) => e.status === 'DISCONNECTED'));
    assert.deepEqual(fixture.sessions(), []);
    assert.ok(seen.includes('OnCallEvent'), `the handler got ${seen.join(', ')}`);
    assert.equal(fixture.hooks.at(-1)?.method, 'ConnectionStatusEvent');
    assert.equal(fixture.hooks.at(-1)?.body.status, 'DISCONNECTED');
    assert.deepEqual(await statuses(page, 'session'), ['ESTABLISHED', 'APP_DATA', 'DISCONNECTED']);
  });

  it('by default takes only WCS ports: a socket to another port reaches the real server there', async () => {
    const real = await startWcsServer({ port: 0, backend: { handler: (_m, body) => ({ status: 200, body }) }, pingIntervalMs: 0, warn: () => undefined });
    disposers.push(() => real.close());
    const { page, fixture } = await openRouted({});
    assert.equal(await page.evaluate((u) => window.app.connect(u), real.url), 'ESTABLISHED');
    assert.equal(real.engine.sessions().length, 1);
    assert.deepEqual(fixture.sessions(), []);
    assert.deepEqual(fixture.hooks, []);
  });

  it('a hook that never comes rejects waitForHook with the engine log, and the default backend echoes', async () => {
    const { page, fixture } = await openRouted({ url: WS_URL });
    assert.equal(await page.evaluate((u) => window.app.connect(u), WS_URL), 'ESTABLISHED');
    const connect = await fixture.waitForHook('connect');
    assert.equal(connect.status, 200);
    assert.equal((connect.result.response?.json as { sessionId?: unknown } | undefined)?.sessionId, connect.sessionId, 'the body came back');
    await assert.rejects(fixture.waitForHook('publishStream', { timeout: 1 }), (e: Error) => {
      assert.match(e.message, /no publishStream hook within 1 ms/);
      assert.match(e.message, /hook → connect/);
      return true;
    });
  });
});
