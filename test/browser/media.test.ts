/**
 * Loopback media and faults, with the real WebSDK in headless Chromium: the same app page as websdk.test.ts,
 * the mock installed with its defaults (loopback media in a browser). What is checked is what a user of the
 * app would see: video with a size and a clock that moves, connections that connect, statuses and info texts
 * as the SDK reports them, and no connection left open afterwards.
 *
 * Every wait is for a condition, with generous bounds: the machine may be loaded.
 */
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { printPagesOnFailure, useChromium } from './support/harness';

interface AppEvent {
  what: string;
  status: string;
  info?: string;
  name?: string;
  payload?: unknown;
  callId?: string;
}

interface VideoState {
  width: number;
  height: number;
  currentTime: number;
  paused: boolean;
}

interface PageWindow {
  app: {
    events: AppEvent[];
    connect(url: string, options?: Record<string, unknown>): Promise<string>;
    disconnect(): void;
    publish(name: string): Promise<{ status: string; info?: string }>;
    play(name: string, displayId?: string): Promise<{ status: string; info?: string }>;
    stop(name: string, action: 'publish' | 'play'): void;
    snapshot(name: string): Promise<{ type: string; payload?: { snapshot?: string; info?: string } }>;
    video(displayId: string): VideoState | null;
    call(callee: string): string;
    answer(callId: string): void;
    hangup(callId: string): void;
  };
  /** Every connection of the page; `__byMock` marks the mock's own (instrument.js). */
  peerConnections: (RTCPeerConnection & { __byMock?: boolean; iceStates: string[] })[];
  openPeerConnections(): number;
  sdpOutcomes: { type: string; ok: boolean; error?: string }[];
  wcsMock: {
    clientErrors: unknown[];
    engine: {
      media: { mode: string; openConnections(): number };
      faults: {
        failStream(stream: string, info?: string, status?: string): Promise<string[]>;
        streamEvent(stream: string, type: string, payload?: unknown): Promise<string[]>;
        breakNextAnswer(kind?: string): void;
        dropSession(session: string, reason?: string): Promise<string[]>;
        silence(session: string, silent?: boolean): string[];
        apply(spec: unknown): Promise<{ affected: string[] }>;
      };
      sessions(): { sessionId: string }[];
      injectIncomingCall(selector: string, call: { caller: string; callId?: string; hasVideo?: boolean }): Promise<{ callId: string; offered: boolean }>;
      logText(): string;
    };
  };
}
declare const window: PageWindow;

const WS_URL = 'ws://127.0.0.1:8080';
const SIP = { login: 'alice', authenticationName: 'alice', password: 'secret', domain: 'sip.test', port: '5060', registerRequired: false };
/** Bound for conditions that take a moment on an idle machine; several times that on a loaded one. */
const WAIT = { timeout: 60_000 };

describe('browser: loopback media and faults (Chromium, real WebSDK)', function () {
  this.timeout(180_000);
  const chromium = useChromium();
  const pages: Page[] = [];

  afterEach(async function () {
    await printPagesOnFailure(this.currentTest, pages, 'window.app.events', 'app events');
    for (const p of pages.splice(0)) await p.close();
    chromium.browser.pageErrors.splice(0);
  });

  async function openPage(query: Record<string, string> = {}): Promise<Page> {
    const page = await chromium.browser.newPage();
    pages.push(page);
    await page.goto(`${chromium.site.origin}/pages/websdk.html?${new URLSearchParams({ ws: WS_URL, ...query })}`);
    return page;
  }

  async function connect(p: Page, options: Record<string, unknown> = {}): Promise<void> {
    assert.equal(await p.evaluate(([u, o]) => window.app.connect(u, o), [WS_URL, options] as const), 'ESTABLISHED');
  }

  /** Waits until the video in `displayId` has a size and its clock has moved on by a second. */
  async function assertVideoPlays(p: Page, displayId: string): Promise<VideoState> {
    await p.waitForFunction((id) => (window.app.video(id)?.width ?? 0) > 0, displayId, WAIT);
    const first = (await p.evaluate((id) => window.app.video(id), displayId))!;
    await p.waitForFunction(([id, t]) => (window.app.video(id)?.currentTime ?? 0) > t + 1, [displayId, first.currentTime] as const, WAIT);
    const later = (await p.evaluate((id) => window.app.video(id), displayId))!;
    assert.ok(later.width > 0 && later.height > 0, `video has no size: ${JSON.stringify(later)}`);
    return later;
  }

  /**
   * The played video is the publisher's camera: same shape as its local preview, and not the 16:9 pattern.
   * Shapes, not sizes: WebRTC may scale the picture down on a busy machine.
   */
  function assertSamePicture(played: VideoState, local: VideoState): void {
    const ratio = (v: VideoState) => v.width / v.height;
    assert.ok(Math.abs(ratio(played) - ratio(local)) < 0.05, `played ${played.width}x${played.height}, camera ${local.width}x${local.height}`);
    assert.ok(Math.abs(ratio(played) - 16 / 9) > 0.05, `played ${played.width}x${played.height} looks like the test pattern`);
  }

  /** The SDK's connections (not the mock's) reach `connected`. */
  async function assertSdkConnected(p: Page, count: number): Promise<void> {
    await p.waitForFunction(
      (n) => window.peerConnections.filter((pc) => !pc.__byMock && pc.connectionState === 'connected').length >= n,
      count,
      WAIT,
    );
  }

  async function bytesReceived(p: Page): Promise<number> {
    return p.evaluate(async () => {
      let total = 0;
      for (const pc of window.peerConnections) {
        if (pc.__byMock || pc.connectionState === 'closed') continue;
        (await pc.getStats()).forEach((r: { type: string; bytesReceived?: number }) => {
          if (r.type === 'inbound-rtp') total += r.bytesReceived ?? 0;
        });
      }
      return total;
    });
  }

  async function waitForNoOpenConnections(p: Page): Promise<void> {
    await p.waitForFunction(() => window.openPeerConnections() === 0 && window.wcsMock.engine.media.openConnections() === 0, undefined, WAIT);
  }

  function assertNoClientErrors(p: Page): Promise<void> {
    return p.evaluate(() => window.wcsMock.clientErrors.map(String)).then((errors) => {
      assert.deepEqual(errors, [], 'the SDK threw on a frame from the mock');
    });
  }

  it('publish then play in one page: the player shows the camera, both connections connect, bytes flow', async () => {
    const p = await openPage();
    assert.equal(await p.evaluate(() => window.wcsMock.engine.media.mode), 'loopback', 'loopback is the default in a browser');
    await connect(p);
    assert.equal((await p.evaluate(() => window.app.publish('cam1'))).status, 'PUBLISHING');
    assert.equal((await p.evaluate(() => window.app.play('cam1'))).status, 'PLAYING');
    await assertSdkConnected(p, 2);
    const v = await assertVideoPlays(p, 'play');
    // The player shows the publisher's picture (the local preview's shape), not the 16:9 test pattern.
    await p.waitForFunction(() => (window.app.video('local')?.width ?? 0) > 0, undefined, WAIT);
    assertSamePicture(v, (await p.evaluate(() => window.app.video('local')))!);
    await p.waitForFunction(async () => {
      let n = 0;
      for (const pc of window.peerConnections) {
        if (pc.__byMock || pc.connectionState !== 'connected') continue;
        (await pc.getStats()).forEach((r: { type: string; bytesReceived?: number }) => {
          if (r.type === 'inbound-rtp') n += r.bytesReceived ?? 0;
        });
      }
      return n > 0;
    }, undefined, WAIT);
    assert.ok((await bytesReceived(p)) > 0);
    assert.deepEqual(await p.evaluate(() => window.sdpOutcomes.filter((o) => !o.ok)), []);
    await assertNoClientErrors(p);
  });

  it('publisher in one page, player in another on the same engine: the player shows the publisher', async () => {
    const pub = await openPage();
    await connect(pub);
    assert.equal((await pub.evaluate(() => window.app.publish('shared-cam'))).status, 'PUBLISHING');
    await pub.waitForFunction(() => (window.app.video('local')?.width ?? 0) > 0, undefined, WAIT);
    const local = (await pub.evaluate(() => window.app.video('local')))!;
    // Pages share an engine by reference, so the second page is opened by the first (same origin).
    const url = `${chromium.site.origin}/pages/websdk.html?${new URLSearchParams({ ws: WS_URL, engine: 'opener' })}`;
    const [viewer] = await Promise.all([chromium.browser.context.waitForEvent('page'), pub.evaluate((u) => void (window as unknown as Window).open(u), url)]);
    pages.push(viewer);
    await viewer.waitForLoadState();
    await connect(viewer);
    assert.equal((await viewer.evaluate(() => window.app.play('shared-cam'))).status, 'PLAYING');
    assert.equal(await pub.evaluate(() => window.wcsMock.engine.sessions().length), 2, 'both pages on the first page\'s engine');
    await assertSdkConnected(viewer, 1);
    const v = await assertVideoPlays(viewer, 'play');
    assertSamePicture(v, local);
    await viewer.evaluate(() => window.app.disconnect());
    await pub.evaluate(() => window.app.disconnect());
    await waitForNoOpenConnections(pub);
  });

  it('synthetic media: Chromium checks the candidate, gets no answer, and the connection fails', async () => {
    const p = await openPage({ media: 'synthetic' });
    assert.equal(await p.evaluate(() => window.wcsMock.engine.media.mode), 'synthetic');
    await connect(p);
    assert.equal((await p.evaluate(() => window.app.publish('cam-syn'))).status, 'PUBLISHING');
    await p.waitForFunction(() => window.peerConnections.find((x) => !x.__byMock)?.connectionState === 'failed', undefined, { timeout: 120_000 });
    const seen = await p.evaluate(() => window.peerConnections.find((x) => !x.__byMock)!.iceStates);
    assert.ok(seen.includes('checking'), `ICE states: ${seen.join(' → ')}`);
    assert.equal(await p.evaluate(() => window.peerConnections.filter((x) => x.__byMock).length), 0, 'no mock connections in synthetic mode');
  });

  it('plays a name nobody publishes: a test pattern (480x270) that keeps moving', async () => {
    const p = await openPage();
    await connect(p);
    assert.equal((await p.evaluate(() => window.app.play('nobody-here'))).status, 'PLAYING');
    await assertSdkConnected(p, 1);
    const v = await assertVideoPlays(p, 'play');
    // 16:9 (WebRTC may scale it down on a busy machine, never change its shape).
    assert.ok(Math.abs(v.width / v.height - 16 / 9) < 0.05, `pattern played as ${v.width}x${v.height}`);
  });

  it('plays a name nobody publishes with playUnpublished "fail": FAILED "Stream not found"', async () => {
    const p = await openPage({ playUnpublished: 'fail' });
    await connect(p);
    assert.deepEqual(await p.evaluate(() => window.app.play('nobody-here')), { status: 'FAILED', info: 'Stream not found' });
    assert.equal(await p.evaluate(() => window.wcsMock.engine.media.openConnections()), 0);
  });

  it('plays a VOD file the server does not have: FAILED "File not found", as WCS documents', async () => {
    const p = await openPage();
    await connect(p);
    assert.deepEqual(await p.evaluate(() => window.app.play('vod://missing.mp4')), { status: 'FAILED', info: 'File not found' });
  });

  it('a SIP call carries media both ways: the caller hears the far end, the far end gets the caller', async () => {
    const p = await openPage();
    await connect(p, { sipOptions: SIP });
    const callId = await p.evaluate(() => window.app.call('bob'));
    await p.waitForFunction(() => window.app.events.some((e) => e.what === 'call' && e.status === 'ESTABLISHED'), undefined, WAIT);
    await assertSdkConnected(p, 1);
    // Audio both ways: the SDK's connection receives RTP and the far end's (the mock's) does too.
    await p.waitForFunction(async () => {
      const dir = { sdkIn: 0, farIn: 0 };
      for (const pc of window.peerConnections) {
        if (pc.connectionState !== 'connected') continue;
        const mine = pc.__byMock;
        (await pc.getStats()).forEach((r: { type: string; kind?: string; bytesReceived?: number }) => {
          if (r.type === 'inbound-rtp' && r.kind === 'audio') dir[mine ? 'farIn' : 'sdkIn'] += r.bytesReceived ?? 0;
        });
      }
      return dir.sdkIn > 0 && dir.farIn > 0;
    }, undefined, WAIT);
    await p.evaluate((id) => window.app.hangup(id), callId);
    await waitForNoOpenConnections(p);
    await assertNoClientErrors(p);
  });

  it('an incoming call with a given callId: answer() works, and the far end sends video', async () => {
    const p = await openPage();
    await connect(p, { sipOptions: SIP });
    const injected = await p.evaluate(() => window.wcsMock.engine.injectIncomingCall('alice', { caller: 'carol', callId: 'sip-call-42@pbx.test', hasVideo: true }));
    assert.deepEqual(injected, { ...injected, callId: 'sip-call-42@pbx.test', offered: true });
    await p.waitForFunction(() => window.app.events.some((e) => e.status === 'INCOMING_CALL'), undefined, WAIT);
    assert.equal((await p.evaluate(() => window.app.events)).find((e) => e.status === 'INCOMING_CALL')!.callId, 'sip-call-42@pbx.test');
    await p.evaluate(() => window.app.answer('sip-call-42@pbx.test'));
    await p.waitForFunction(() => window.app.events.some((e) => e.what === 'call' && e.status === 'ESTABLISHED'), undefined, WAIT);
    await assertSdkConnected(p, 1);
    await assertVideoPlays(p, 'remote');
    assert.deepEqual(await p.evaluate(() => window.sdpOutcomes.filter((o) => !o.ok)), []);
    await assertNoClientErrors(p);
  });

  it('closes every connection after stop, and after disconnect', async () => {
    const p = await openPage();
    await connect(p);
    await p.evaluate(() => window.app.publish('cam-a'));
    await p.evaluate(() => window.app.play('cam-a'));
    await assertSdkConnected(p, 2);
    await p.evaluate(() => window.app.stop('cam-a', 'play'));
    await p.evaluate(() => window.app.stop('cam-a', 'publish'));
    await waitForNoOpenConnections(p);

    await p.evaluate(() => window.app.publish('cam-b'));
    await p.evaluate(() => window.app.play('pattern-b'));
    await assertSdkConnected(p, 2);
    assert.ok((await p.evaluate(() => window.wcsMock.engine.media.openConnections())) >= 2);
    await p.evaluate(() => window.app.disconnect());
    await waitForNoOpenConnections(p);
  });

  describe('faults', () => {
    it('fails a live stream with a WCS info text: the app sees FAILED and the info', async () => {
      const p = await openPage();
      await connect(p);
      await p.evaluate(() => window.app.publish('cam-f'));
      await p.evaluate(() => window.app.play('cam-f'));
      const affected = await p.evaluate(() => window.wcsMock.engine.faults.failStream('cam-f', 'Failed by ICE timeout'));
      assert.equal(affected.length, 1);
      await p.waitForFunction(() => window.app.events.filter((e) => e.what === 'stream' && ['FAILED', 'STOPPED'].includes(e.status)).length === 2, undefined, WAIT);
      const ends = (await p.evaluate(() => window.app.events)).filter((e) => e.what === 'stream' && ['FAILED', 'STOPPED'].includes(e.status));
      // The publisher fails with the reason; its player stops because the publisher is gone.
      assert.deepEqual(ends.map((e) => [e.status, e.info]), [['FAILED', 'Failed by ICE timeout'], ['STOPPED', 'Stopped by publisher stop']]);
      await waitForNoOpenConnections(p);
    });

    it('sends stream events the SDK knows: resize and notEnoughBandwidth reach STREAM_EVENT', async () => {
      const p = await openPage();
      await connect(p);
      await p.evaluate(() => window.app.publish('cam-e'));
      await p.evaluate(() => window.wcsMock.engine.faults.streamEvent('cam-e', 'resize', { streamerVideoWidth: 1280, streamerVideoHeight: 720 }));
      await p.evaluate(() => window.wcsMock.engine.faults.apply({ fault: 'streamEvent', stream: 'cam-e', type: 'notEnoughBandwidth' }));
      await p.waitForFunction(() => window.app.events.filter((e) => e.what === 'streamEvent').length === 2, undefined, WAIT);
      const got = (await p.evaluate(() => window.app.events)).filter((e) => e.what === 'streamEvent');
      assert.deepEqual(got.map((e) => [e.status, e.payload]), [
        ['resize', { streamerVideoWidth: 1280, streamerVideoHeight: 720 }],
        ['notEnoughBandwidth', { info: '300000/250000' }],
      ]);
      await assertNoClientErrors(p);
    });

    it('breaks the next publish answer: Chromium rejects it (the SDK still says PUBLISHING), the next publish is fine', async () => {
      const p = await openPage();
      await connect(p);
      await p.evaluate(() => window.wcsMock.engine.faults.breakNextAnswer('publish'));
      assert.equal((await p.evaluate(() => window.app.publish('cam-x'))).status, 'PUBLISHING');
      await p.waitForFunction(() => window.sdpOutcomes.length === 1, undefined, WAIT);
      const [outcome] = await p.evaluate(() => window.sdpOutcomes);
      assert.equal(outcome.ok, false);
      assert.match(outcome.error ?? '', /setup attribute|actpass|DTLS/i);
      assert.equal((await p.evaluate(() => window.app.publish('cam-y'))).status, 'PUBLISHING');
      await p.waitForFunction(() => window.sdpOutcomes.length === 2, undefined, WAIT);
      assert.equal((await p.evaluate(() => window.sdpOutcomes))[1].ok, true);
    });

    it('snapshot: snapshotFailed for a stream that is not live, a real picture for a live one', async () => {
      const p = await openPage();
      await connect(p);
      const failed = await p.evaluate(() => window.app.snapshot('not-live'));
      assert.equal(failed.type, 'snapshotFailed');
      await p.evaluate(() => window.app.publish('cam-s'));
      await assertSdkConnected(p, 1);
      const done = await p.evaluate(() => window.app.snapshot('cam-s'));
      assert.equal(done.type, 'snapshotCompleted');
      // A camera-sized PNG is far larger than the 1x1 placeholder of synthetic mode.
      assert.ok((done.payload?.snapshot ?? '').length > 1000, 'snapshot is a real picture');
    });

    it('drops a session: the app sees the socket close and its streams fail', async () => {
      const p = await openPage();
      await connect(p);
      await p.evaluate(() => window.app.publish('cam-d'));
      const sessionId = await p.evaluate(() => window.wcsMock.engine.sessions()[0].sessionId);
      await p.evaluate((id) => window.wcsMock.engine.faults.dropSession(id), sessionId);
      await p.waitForFunction(() => window.app.events.some((e) => e.what === 'session' && e.status === 'DISCONNECTED'), undefined, WAIT);
      await p.waitForFunction(() => window.app.events.some((e) => e.what === 'stream' && e.status === 'FAILED'), undefined, WAIT);
      await waitForNoOpenConnections(p);
    });

    it('stops answering pings: a client with receiveProbes gives up with FAILED', async () => {
      const p = await openPage({ ping: '100' });
      await connect(p, { receiveProbes: 3, probesInterval: 1000 });
      const sessionId = await p.evaluate(() => window.wcsMock.engine.sessions()[0].sessionId);
      await p.waitForFunction(() => window.wcsMock.engine.logText().includes('client → pong'), undefined, WAIT);
      await p.evaluate((id) => window.wcsMock.engine.faults.silence(id), sessionId);
      await p.waitForFunction(() => window.app.events.some((e) => e.what === 'session' && e.status === 'FAILED'), undefined, WAIT);
    });
  });
});
