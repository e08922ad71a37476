/** The Playwright fixture's Node side without a browser: what it keeps, and how waiting ends. */
import assert from 'node:assert/strict';
import { createWcsFixture } from '../../../mock-server/playwright';
import { ScriptedClient } from '../../../mock-server/wcs';

describe('Playwright fixture (Node side)', () => {
  it('records every hook with its answer, and keeps only the latest logLimit of them', async () => {
    const { fixture, dispose } = createWcsFixture({ engine: { logLimit: 3 } });
    try {
      const client = new ScriptedClient(fixture.engine);
      assert.equal((await client.connect({})).established, true);
      assert.equal((await client.publish('cam1')).status, 'PUBLISHING');
      await fixture.idle();
      // connect, ConnectionStatusEvent, publishStream, StreamStatusEvent: the oldest is gone.
      assert.deepEqual(fixture.hooks.map((h) => `${h.method} ${h.status}`), ['ConnectionStatusEvent 200', 'publishStream 200', 'StreamStatusEvent 200']);
      assert.equal(fixture.hooks[2]!.body.status, 'PUBLISHING');
      assert.equal(fixture.hooks[2]!.sessionId, fixture.sessions()[0]!.sessionId);
    } finally {
      await dispose();
    }
  });

  it('answers hooks with the given handler, and waitForHook finds a hook fired before it was called', async () => {
    const { fixture, dispose } = createWcsFixture({ backend: { handler: (method, body) => (method === 'connect' ? { status: 403 } : { status: 200, body }) } });
    try {
      assert.equal((await new ScriptedClient(fixture.engine).connect({})).established, false);
      const connect = await fixture.waitForHook('connect');
      assert.equal(connect.status, 403);
      assert.equal(connect.result.proceeds, false);
    } finally {
      await dispose();
    }
  });

  it('routes each appKey to its own application from the apps option', async () => {
    const { fixture, dispose } = createWcsFixture({
      apps: { strictApp: { backend: { handler: () => ({ status: 403 }) } } },
    });
    try {
      assert.equal((await new ScriptedClient(fixture.engine).connect({ appKey: 'strictApp' })).established, false);
      assert.equal((await new ScriptedClient(fixture.engine).connect({ appKey: 'defaultApp' })).established, true);
      assert.deepEqual(fixture.hooks.filter((h) => h.method === 'connect').map((h) => h.status), [403, 200]);
    } finally {
      await dispose();
    }
  });

  it('fails a live stream the way WCS does on a media failure', async () => {
    const { fixture, dispose } = createWcsFixture({});
    try {
      const client = new ScriptedClient(fixture.engine);
      await client.connect({});
      assert.equal((await client.publish('cam1')).status, 'PUBLISHING');
      assert.equal((await fixture.failStream('cam1')).length, 1);
      const failed = await fixture.waitForHook('StreamStatusEvent', { where: (h) => h.body.status === 'FAILED' });
      assert.equal(failed.body.name, 'cam1');
      assert.equal(failed.body.info, 'Failed by RTP activity');
    } finally {
      await dispose();
    }
  });

  it('a wait still open when the test ends is rejected, not left hanging', async () => {
    const { fixture, dispose } = createWcsFixture({});
    const waiting = fixture.waitForHook('publishStream', { timeout: 60_000 });
    await dispose();
    await assert.rejects(waiting, /the test ended while waiting for a hook/);
  });
});
