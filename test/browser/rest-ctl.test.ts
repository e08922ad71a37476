/**
 * The real WebSDK in Chromium against `wcs-hook-mock wcs` running as a subprocess: what a backend does over
 * the WCS REST API and what a test does through `wcs-hook-mock ctl` reach the SDK as WCS's own events do.
 */
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { createHookServer, type HookServer } from '../../mock-server/hooks';
import { runCli, type Running } from '../unit/cli/process';
import { useChromium } from './support/harness';

interface AppEvent {
  what: string;
  status: string;
  info?: string;
  callId?: string;
  caller?: string;
  name?: string;
}

/** What the page's window holds (see test/fixtures/pages/app.js). */
interface PageWindow {
  app: {
    events: AppEvent[];
    connect(url: string, options?: Record<string, unknown>): Promise<string>;
    publish(name: string): Promise<{ status: string; info?: string }>;
    answer(callId: string): void;
  };
}
declare const window: PageWindow;

const SIP = { login: 'agent7', authenticationName: 'agent7', password: 'secret', domain: 'sip.test', port: '5060', registerRequired: false };

async function ctl(args: string[]): Promise<string> {
  const r = runCli(['ctl', ...args]);
  const { code } = await r.exited;
  assert.equal(code, 0, `ctl ${args.join(' ')}: ${r.stderr()}`);
  return r.stdout().trim();
}

describe('browser: the WebSDK against `wcs` driven over REST and `ctl` (Chromium)', function () {
  this.timeout(120_000);
  const chromium = useChromium();
  let hooks: HookServer;
  let wcs: Running;
  let wsUrl: string;
  let origin: string;
  let page: Page | undefined;

  before(async function () {
    hooks = createHookServer({ port: 0, policy: 'echo-all' });
    await hooks.listen();
    wcs = runCli(['wcs', '--backend', `${hooks.url}/EchoApp`, '--port', '0', '--rest-port', '0', '--ping', '0']);
    wsUrl = (await wcs.waitFor(/listening on (ws:\/\/\S+)/))[1]!;
    origin = (await wcs.waitFor(/REST API on (http:\/\/127\.0\.0\.1:\d+)\/rest-api/))[1]!;
  });

  afterEach(async () => {
    await page?.close();
    page = undefined;
  });

  after(async () => {
    wcs?.child.kill('SIGTERM');
    await wcs?.exited;
    await hooks?.close();
  });

  async function connectedPage(): Promise<Page> {
    page = await chromium.browser.newPage();
    await page.goto(`${chromium.site.origin}/pages/websdk.html?transport=ws`);
    assert.equal(await page.evaluate(([u, sip]) => window.app.connect(u, { sipOptions: sip }), [wsUrl, SIP] as const), 'ESTABLISHED');
    return page;
  }

  it('answers an incoming call injected with `ctl incoming-call`; `ctl hangup` ends it FINISH', async () => {
    const p = await connectedPage();
    const line = await ctl(['incoming-call', '--callee', 'agent7', '--caller', 'carol', '--server', origin]);
    const callId = line.match(/^incoming call (\S+) ringing on \S+ \(SIP 180\)$/)?.[1];
    assert.ok(callId, line);
    await p.waitForFunction(() => window.app.events.some((e) => e.status === 'INCOMING_CALL'));
    const incoming = (await p.evaluate(() => window.app.events)).find((e) => e.status === 'INCOMING_CALL')!;
    assert.deepEqual([incoming.callId, incoming.caller], [callId, 'carol']);
    await p.evaluate((id) => window.app.answer(id), callId);
    await p.waitForFunction(() => window.app.events.some((e) => e.what === 'call' && e.status === 'ESTABLISHED'));
    assert.equal(await ctl(['hangup', '--call-id', callId, '--server', origin]), `call ${callId} FINISH (far end hung up)`);
    await p.waitForFunction(() => window.app.events.some((e) => e.what === 'call' && e.status === 'FINISH'));
    const methods = hooks.journal.all().map((e) => e.method);
    assert.ok(methods.includes('OnCallEvent') && methods.includes('answer'), methods.join(', '));
  });

  it('a stream ended by REST stream/terminate reaches the SDK as UNPUBLISHED "Stopped by rest /terminate"', async () => {
    const p = await connectedPage();
    assert.equal((await p.evaluate(() => window.app.publish('rest-cam'))).status, 'PUBLISHING');
    const found = await fetch(`${origin}/rest-api/stream/find`, { method: 'POST', body: JSON.stringify({ name: 'rest-cam' }) });
    assert.equal(found.status, 200);
    const [stream] = (await found.json()) as { mediaSessionId: string; status: string }[];
    assert.equal(stream!.status, 'PUBLISHING');
    const r = await fetch(`${origin}/rest-api/stream/terminate`, { method: 'POST', body: JSON.stringify({ mediaSessionId: stream!.mediaSessionId }) });
    assert.equal(r.status, 200);
    await p.waitForFunction(() => window.app.events.some((e) => e.what === 'stream' && e.status === 'UNPUBLISHED'));
    const ev = (await p.evaluate(() => window.app.events)).find((e) => e.what === 'stream' && e.status === 'UNPUBLISHED')!;
    assert.equal(ev.info, 'Stopped by rest /terminate');
  });
});
