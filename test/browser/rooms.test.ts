/**
 * The real Room API (`flashphoner-room-api.js`) in headless Chromium against the WCS mock's roomApp: two
 * participants join, see each other, publish and play, chat and leave, as a Conference-demo user would.
 * Once with the in-page mock (two RoomApi sessions in one page, one engine), once over the real `wcs`
 * WebSocket server (two pages, so closing one is a real closed page).
 */
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { createHookServer, type HookServer } from '../../mock-server/hooks';
import { startWcsServer, type WcsServer } from '../../mock-server/wcs/wsServer';
import { printPagesOnFailure, useChromium } from './support/harness';

interface RoomsWindow {
  rooms: {
    events: Record<string, string[]>;
    connect(url: string, login: string): Promise<string>;
    join(login: string, room: string): Promise<string>;
    participants(login: string, room: string): string[];
    publish(login: string, room: string): Promise<string>;
    play(login: string, room: string, other: string): Promise<string>;
    message(login: string, room: string, to: string, text: string): Promise<string>;
    leave(login: string, room: string): Promise<string>;
    disconnect(login: string): void;
  };
  sdpOutcomes: { type: string; ok: boolean; error?: string }[];
  pageBackend: { hooks: { method: string; body: Record<string, unknown> }[] };
  wcsMock: { clientErrors: unknown[]; engine: { logText(): string; log: { kind: string; message?: string; data?: unknown[] }[] } };
}
declare const window: RoomsWindow;

const WS_URL = 'ws://127.0.0.1:8080';

describe('browser: the real Room API against roomApp (Chromium)', function () {
  const chromium = useChromium();
  const pages: Page[] = [];

  afterEach(async function () {
    await printPagesOnFailure(this.currentTest, pages, 'window.rooms.events', 'room events');
    for (const p of pages.splice(0)) await p.close().catch(() => undefined);
    chromium.browser.pageErrors.splice(0);
  });

  async function open(query: Record<string, string>): Promise<Page> {
    const p = await chromium.browser.newPage();
    pages.push(p);
    await p.goto(`${chromium.site.origin}/pages/room.html?${new URLSearchParams(query)}`);
    return p;
  }

  function events(p: Page, login: string): Promise<string[]> {
    return p.evaluate((l) => window.rooms.events[l] ?? [], login);
  }

  async function waitForEvent(p: Page, login: string, prefix: string): Promise<void> {
    await p.waitForFunction(([l, x]) => (window.rooms.events[l] ?? []).some((e) => e.startsWith(x)), [login, prefix] as const);
  }

  /** Room events only (stream and session events left out), for sequence assertions. */
  async function roomEvents(p: Page, login: string): Promise<string[]> {
    return (await events(p, login)).filter((e) => !e.startsWith('stream ') && !e.startsWith('session '));
  }

  /** The shared story: alice and bob in room1, alice publishes, bob plays, they chat. */
  async function joinPublishPlayChat(a: Page, b: Page, url: string): Promise<string> {
    assert.equal(await a.evaluate(([u]) => window.rooms.connect(u, 'alice'), [url] as const), 'ESTABLISHED');
    assert.equal(await b.evaluate(([u]) => window.rooms.connect(u, 'bob'), [url] as const), 'ESTABLISHED');
    assert.equal(await a.evaluate(() => window.rooms.join('alice', 'room1')), 'STATE');
    assert.equal(await b.evaluate(() => window.rooms.join('bob', 'room1')), 'STATE');
    await waitForEvent(a, 'alice', 'JOINED');
    assert.deepEqual(await roomEvents(a, 'alice'), ['STATE ', 'JOINED bob']);
    assert.deepEqual(await roomEvents(b, 'bob'), ['STATE alice']);

    const published = await a.evaluate(() => window.rooms.publish('alice', 'room1'));
    assert.match(published, /^PUBLISHING room1-alice-[0-9a-f]{4}$/);
    const streamName = published.slice('PUBLISHING '.length);
    await waitForEvent(b, 'bob', 'PUBLISHED');
    assert.deepEqual(await b.evaluate(() => window.rooms.participants('bob', 'room1')), [`alice[${streamName}]`]);
    assert.equal(await b.evaluate(() => window.rooms.play('bob', 'room1', 'alice')), `PLAYING ${streamName}`);

    assert.equal(await b.evaluate(() => window.rooms.message('bob', 'room1', 'alice', 'hello alice')), 'sent');
    assert.equal(await a.evaluate(() => window.rooms.message('alice', 'room1', 'bob', 'hello bob')), 'sent');
    await waitForEvent(a, 'alice', 'MESSAGE');
    await waitForEvent(b, 'bob', 'MESSAGE');
    assert.deepEqual(await roomEvents(a, 'alice'), ['STATE ', 'JOINED bob', 'MESSAGE bob: hello alice']);
    assert.deepEqual(await roomEvents(b, 'bob'), ['STATE alice', `PUBLISHED alice[${streamName}]`, 'MESSAGE alice: hello bob']);
    return streamName;
  }

  async function assertSdpAccepted(p: Page): Promise<void> {
    const outcomes = await p.evaluate(() => window.sdpOutcomes);
    assert.ok(outcomes.length > 0, 'no SDP was applied');
    assert.deepEqual(outcomes.filter((o) => !o.ok), [], 'Chromium rejected an SDP from the mock');
  }

  it('in-page mock: join, STATE/JOINED, publish → PUBLISHED → PLAYING, messages both ways, leave → LEFT, disconnect → UNPUBLISHED + LEFT', async () => {
    const p = await open({ ws: WS_URL });
    await joinPublishPlayChat(p, p, WS_URL);
    await assertSdpAccepted(p);

    // bob leaves: alice sees LEFT, and nothing about bob afterwards.
    assert.equal(await p.evaluate(() => window.rooms.leave('bob', 'room1')), 'left');
    await waitForEvent(p, 'alice', 'LEFT');
    assert.deepEqual(await p.evaluate(() => window.rooms.participants('alice', 'room1')), []);
    // bob's player of alice was stopped by the SDK's leave cleanup.
    await waitForEvent(p, 'bob', 'stream STOPPED');

    // bob comes back; alice disconnects without leave: bob hears UNPUBLISHED (stream gone) and LEFT.
    assert.equal(await p.evaluate(() => window.rooms.join('bob', 'room1')), 'STATE');
    const state = (await roomEvents(p, 'bob')).filter((e) => e.startsWith('STATE'));
    assert.match(state[1]!, /^STATE alice\[room1-alice-[0-9a-f]{4}\]$/);
    await p.evaluate(() => window.rooms.disconnect('alice'));
    await waitForEvent(p, 'bob', 'LEFT');
    assert.deepEqual((await roomEvents(p, 'bob')).slice(-1), ['LEFT alice']);
    assert.deepEqual(await p.evaluate(() => window.rooms.participants('bob', 'room1')), []);
    const lastFrames = await p.evaluate(() =>
      window.wcsMock.engine.log.flatMap((e) => (e.kind === 'client-frame' && e.message === 'OnDataEvent' ? [(e.data![0] as { payload: { name: string } }).payload.name] : [])).slice(-2),
    );
    assert.deepEqual(lastFrames, ['UNPUBLISHED', 'LEFT'], 'UNPUBLISHED about alice\'s stream, then LEFT');

    // The backend saw the room commands as OnDataEvent hooks of roomApp.
    const data = await p.evaluate(() => window.pageBackend.hooks.filter((h) => h.method === 'OnDataEvent').map((h) => [h.body.appKey, (h.body.payload as { command: string }).command]));
    assert.deepEqual(data.slice(0, 2), [['roomApp', 'join'], ['roomApp', 'join']]);
    assert.ok(data.some(([, c]) => c === 'sendMessage') && data.some(([, c]) => c === 'leave'));
    assert.deepEqual(await p.evaluate(() => window.wcsMock.clientErrors.map(String)), [], 'the SDK threw on a frame from the mock');
    assert.deepEqual(chromium.browser.pageErrors.splice(0), [], 'page errors');
  });

  describe('over the real wcs WebSocket server', () => {
    let hooks: HookServer;
    let wcs: WcsServer;

    beforeEach(async () => {
      hooks = createHookServer({ port: 0, policy: 'echo-all' });
      await hooks.listen();
      wcs = await startWcsServer({ port: 0, backend: { url: `${hooks.url}/EchoApp` }, pingIntervalMs: 0 });
    });

    afterEach(async () => {
      await wcs?.close();
      await hooks?.close();
    });

    it('two pages: the same story, then a closed page gives the other LEFT (its stream UNPUBLISHED, its player STOPPED)', async () => {
      const a = await open({ transport: 'ws' });
      const b = await open({ transport: 'ws' });
      const streamName = await joinPublishPlayChat(a, b, wcs.url);
      await assertSdpAccepted(a);
      await assertSdpAccepted(b);
      assert.deepEqual(wcs.engine.rooms().map((r) => r.participants.map((x) => `${x.login}:${x.streams.join(',')}`)), [[`alice:${streamName}`, 'bob:']]);

      await a.close();
      await waitForEvent(b, 'bob', 'LEFT');
      await waitForEvent(b, 'bob', 'stream STOPPED');
      assert.deepEqual((await roomEvents(b, 'bob')).slice(-1), ['LEFT alice']);
      assert.deepEqual(await b.evaluate(() => window.rooms.participants('bob', 'room1')), []);
      await wcs.engine.idle();
      const frames = wcs.engine.log.flatMap((e) => (e.kind === 'client-frame' && e.message === 'OnDataEvent' ? [e.data[0] as { payload: { name: string } }] : []));
      const tail = frames.slice(-2).map((f) => f.payload.name);
      assert.deepEqual(tail, ['UNPUBLISHED', 'LEFT'], 'UNPUBLISHED about alice\'s stream, then LEFT');
      assert.deepEqual(wcs.engine.rooms().map((r) => r.participants.map((x) => x.login)), [['bob']]);

      const hookMethods = hooks.journal.all().map((e) => e.method);
      assert.ok(hookMethods.includes('OnDataEvent') && hookMethods.includes('DataStatusEvent'));
      assert.deepEqual(chromium.browser.pageErrors.splice(0), [], 'page errors');
    });

    it("Flashphoner's Conference demo, unchanged: two users join, see and play each other, chat, and one leaves", async () => {
      const demo = `${chromium.site.origin}/node_modules/@flashphoner/websdk/examples/demo/streaming/conference/conference.html?roomName=room1`;
      const user = async (login: string): Promise<Page> => {
        const p = await chromium.browser.newPage();
        pages.push(p);
        // The demo links an image on play.google.com; tests touch nothing but loopback.
        await p.route('**/*', (r) => (r.request().url().startsWith(chromium.site.origin) ? r.continue() : r.abort()));
        await p.goto(demo);
        await p.fill('#url', wcs.url);
        await p.fill('#login', login);
        await p.click('#joinBtn');
        await p.waitForFunction(() => document.querySelector('#localStatus')?.textContent === 'PUBLISHING');
        return p;
      };
      const chat = (p: Page) => p.textContent('#chat').then((t) => t ?? '');
      const waitChat = (p: Page, text: string) => p.waitForFunction((t) => (document.querySelector('#chat')?.textContent ?? '').includes(t), text);

      const a = await user('alice');
      assert.match(await chat(a), /room is empty/);
      const b = await user('bob');
      assert.match(await chat(b), /participants: alice/);
      await waitChat(a, 'bob - joined');
      assert.equal(await a.textContent('#participant1Name'), 'bob');
      assert.equal(await b.textContent('#participant1Name'), 'alice');
      // Each plays the other's stream: the demo turns the participant's Play button into Stop on PLAYING.
      await a.waitForFunction(() => document.querySelector('#participant1Btn')?.textContent === 'Stop');
      await b.waitForFunction(() => document.querySelector('#participant1Btn')?.textContent === 'Stop');

      await a.fill('#message', 'hello from alice');
      await a.click('#sendMessageBtn');
      await waitChat(b, 'alice - hello from alice');
      await b.fill('#message', 'hi alice');
      await b.click('#sendMessageBtn');
      await waitChat(a, 'bob - hi alice');

      await b.click('#joinBtn'); // "Leave"
      await waitChat(a, 'bob - left');
      assert.equal(await a.textContent('#participant1Name'), 'NONE');
      assert.deepEqual(wcs.engine.rooms().map((r) => r.participants.map((x) => x.login)), [['alice']]);
      assert.deepEqual(chromium.browser.pageErrors.splice(0), [], 'page errors');
    });
  });
});
