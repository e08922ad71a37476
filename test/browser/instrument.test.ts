/**
 * The test instrumentation itself (test/fixtures/pages/instrument.js): every setRemoteDescription of the
 * SDK's connections ends up in `window.sdpOutcomes`, also the ones Chromium never settles because the
 * connection was closed first. Without that, a test waiting for the outcome after a fast hangup waited until
 * mocha's timeout (a CI failure of websdk.test.ts's call test).
 */
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { printPagesOnFailure, useChromium } from './support/harness';
import { useWaitBudget, within } from './support/waits';

interface Outcome {
  type: string;
  ok: boolean;
  error?: string;
  unsettled?: boolean;
}

interface PageWindow {
  app: { events: { what: string; status: string; callId?: string }[]; connect(url: string, o?: Record<string, unknown>): Promise<string>; call(callee: string): string; hangup(callId: string): void; record(what: string, status: string, extra?: Record<string, unknown>): unknown };
  sdpOutcomes: Outcome[];
}
declare const window: PageWindow;
declare const WcsMock: { synthesizeAnswer(offer: string): string };

const WS_URL = 'ws://127.0.0.1:8080';
const SIP = { login: 'alice', authenticationName: 'alice', password: 'secret', domain: 'sip.test', port: '5060', registerRequired: false };

describe('browser: the SDP outcome instrumentation (Chromium)', function () {
  const chromium = useChromium();
  const budget = useWaitBudget();
  let page: Page | undefined;

  afterEach(async function () {
    await printPagesOnFailure(this.currentTest, page ? [page] : [], 'window.app.events', 'app events');
    await page?.close();
    page = undefined;
    chromium.browser.pageErrors.splice(0);
  });

  async function open(): Promise<Page> {
    page = await chromium.browser.newPage();
    // The in-page backend (no hook server): nothing outside the page slows the hangup down.
    await page.goto(`${chromium.site.origin}/pages/websdk.html?${new URLSearchParams({ ws: WS_URL })}`);
    return page;
  }

  async function outcomes(p: Page, count: number): Promise<Outcome[]> {
    const seen = () => p.evaluate(() => window.sdpOutcomes);
    await within(budget, `${count} SDP outcome(s)`, p.waitForFunction((n) => window.sdpOutcomes.length >= n, count, { timeout: 0 }), seen);
    return p.evaluate(() => window.sdpOutcomes);
  }

  it('records an answer whose connection closed before Chromium settled it, as unsettled', async () => {
    const p = await open();
    await p.evaluate(async () => {
      const pc = new RTCPeerConnection();
      pc.addTransceiver('audio');
      await pc.setLocalDescription(await pc.createOffer());
      // Closed in the same task: Chromium leaves this promise pending for good.
      void pc.setRemoteDescription({ type: 'answer', sdp: WcsMock.synthesizeAnswer(pc.localDescription!.sdp) });
      pc.close();
    });
    const [outcome, ...more] = await outcomes(p, 1);
    assert.deepEqual(more, []);
    assert.equal(outcome.type, 'answer');
    assert.equal(outcome.ok, false);
    assert.equal(outcome.unsettled, true);
    assert.match(outcome.error ?? '', /closed before Chromium settled setRemoteDescription/);
  });

  it('records a settled answer once, and a later close adds nothing', async () => {
    const p = await open();
    await p.evaluate(async () => {
      const pc = new RTCPeerConnection();
      pc.addTransceiver('audio');
      await pc.setLocalDescription(await pc.createOffer());
      await pc.setRemoteDescription({ type: 'answer', sdp: WcsMock.synthesizeAnswer(pc.localDescription!.sdp) });
      pc.close();
    });
    assert.deepEqual(await outcomes(p, 1), [{ type: 'answer', ok: true }]);
    // Settled and closed entries are both added synchronously; a stray second entry would be there by now.
    assert.equal(await p.evaluate(() => window.sdpOutcomes.length), 1);
  });

  it('a call the app hangs up the moment it is ESTABLISHED still gets its SDP outcome', async () => {
    const p = await open();
    assert.equal(await within(budget, 'connect to end', p.evaluate(([u, sip]) => window.app.connect(u, { sipOptions: sip }), [WS_URL, SIP] as const), () => p.evaluate(() => window.app.events)), 'ESTABLISHED');
    await p.evaluate(() => {
      // The app's own ESTABLISHED handler hangs up: FINISH, and the SDK's close, follow within milliseconds,
      // usually before Chromium has applied the mock's answer.
      const record = window.app.record;
      window.app.record = function (what, status, extra) {
        const e = record.call(window.app, what, status, extra);
        if (what === 'call' && status === 'ESTABLISHED') window.app.hangup(String(extra?.callId));
        return e;
      };
      window.app.call('bob');
    });
    await within(
      budget,
      'the call to FINISH',
      p.waitForFunction(() => window.app.events.some((e) => e.what === 'call' && e.status === 'FINISH'), undefined, { timeout: 0 }),
      () => p.evaluate(() => window.app.events),
    );
    const got = await outcomes(p, 1);
    assert.equal(got.length, 1);
    // Accepted if Chromium was quick, unsettled if the close came first; never a rejection, never nothing.
    assert.ok(got[0].ok || got[0].unsettled, `unexpected outcome ${JSON.stringify(got[0])}`);
  });
});
