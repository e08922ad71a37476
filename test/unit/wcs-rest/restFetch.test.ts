import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { installWcsMock } from '../../../mock-server/wcs/mockSocket';
import { ScriptedClient } from '../../../mock-server/wcs/scriptedClient';

describe('installWcsMock({ restUrl }): the page fetch to the REST URL is answered in-process', () => {
  it('answers /rest-api and /wcs-mock on that origin, passes other URLs through, and restores fetch on uninstall', async () => {
    const other = http.createServer((_req, res) => res.end('real'));
    await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
    const before = globalThis.fetch;
    const mock = installWcsMock({ url: 'ws://127.0.0.1:8080', backend: { handler: (_m, body) => ({ status: 200, body }) }, pingIntervalMs: 0, restUrl: 'http://127.0.0.1:8081/rest-api' });
    try {
      assert.notEqual(globalThis.fetch, before);
      const c = new ScriptedClient(mock.engine);
      assert.ok((await c.connect({ sip: { login: '1001' } })).established);
      const res = await fetch('http://127.0.0.1:8081/rest-api/connection/find_all', { method: 'POST' });
      assert.equal(res.status, 200);
      const rows = (await res.json()) as { sessionId: string; sipLogin: string }[];
      assert.deepEqual(rows.map((r) => [r.sessionId, r.sipLogin]), [[c.sessionId, '1001']]);
      const ring = c.waitFor((f) => f.message === 'notifyIncomingCall', 'incoming call');
      const ctl = await fetch('http://127.0.0.1:8081/wcs-mock/incoming-call', { method: 'POST', body: JSON.stringify({ callee: '1001' }) });
      assert.equal(ctl.status, 200);
      await ring;
      assert.equal((await fetch('http://127.0.0.1:8081/rest-api/stream/find_all')).status, 404);
      const passed = await fetch(`http://127.0.0.1:${(other.address() as AddressInfo).port}/`);
      assert.equal(await passed.text(), 'real');
    } finally {
      await mock.uninstall();
      other.close();
    }
    assert.equal(globalThis.fetch, before);
  });

  it('refuses restUrl with an engine that has no REST surface, leaving nothing installed', () => {
    const before = globalThis.fetch;
    assert.throws(() => installWcsMock({ url: 'ws://127.0.0.1:8090', engine: { accept: () => ({ receive() {}, closed() {} }), close() {} }, restUrl: 'http://127.0.0.1:8081/rest-api' }), /restUrl needs a WcsEngine/);
    assert.equal(globalThis.fetch, before);
    // The WebSocket URL is free again: a second install succeeds.
    const again = installWcsMock({ url: 'ws://127.0.0.1:8090', backend: { handler: () => ({ status: 200 }) }, pingIntervalMs: 0 });
    return again.uninstall();
  });
});
