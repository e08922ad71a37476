/**
 * The WebSDK's own REST wrapper (flashphoner-rest-api.js, XMLHttpRequest) in Chromium against the in-page
 * mock with `restUrl`: the page's REST calls are answered by the engine's REST API, with no server at that
 * origin, and the page's other requests are left alone.
 */
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { useChromium } from './support/harness';

interface RestWindow {
  app: { connect(url: string): Promise<string>; publish(name: string): Promise<{ status: string }> };
  FlashphonerRestApi: { instance(url: string): { stream: { findAll(): Promise<{ name: string; published: boolean }[]> } } };
}
declare const window: RestWindow;

const WS_URL = 'ws://127.0.0.1:8080';
// Never contacted: the mock answers this origin inside the page.
const REST_ORIGIN = 'http://127.0.0.1:8081';

describe('browser: the WebSDK REST wrapper against the in-page REST API (Chromium)', function () {
  const chromium = useChromium();
  let page: Page | undefined;

  after(async () => {
    await page?.close();
  });

  it('stream.findAll (GET stream/find_all) over XMLHttpRequest lists the page\'s stream; a non-REST request still reaches its server', async () => {
    page = await chromium.browser.newPage();
    await page.goto(`${chromium.site.origin}/pages/websdk.html?${new URLSearchParams({ ws: WS_URL, rest: REST_ORIGIN, media: 'synthetic' })}`);
    assert.equal(await page.evaluate((u) => window.app.connect(u), WS_URL), 'ESTABLISHED');
    assert.equal((await page.evaluate(() => window.app.publish('cam1'))).status, 'PUBLISHING');
    const streams = await page.evaluate((origin) => window.FlashphonerRestApi.instance(origin).stream.findAll(), REST_ORIGIN);
    assert.deepEqual(streams.map((s) => [s.name, s.published]), [['cam1', true]]);
    // The static server's own page, fetched through XMLHttpRequest: other origins are not the mock's.
    const other = await page.evaluate(() => new Promise<number>((resolve) => {
      const x = new XMLHttpRequest();
      x.open('GET', '/pages/websdk.html');
      x.onload = () => resolve(x.status);
      x.send();
    }));
    assert.equal(other, 200);
    assert.deepEqual(chromium.browser.pageErrors, []);
  });
});
