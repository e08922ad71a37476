import assert from 'node:assert/strict';
import { parseRules, type HookServer } from '../../../mock-server/hooks';
import { sampleBody } from '../../../mock-server/protocol';
import { HookView, type ExchangeNode } from '../../../mock-server/view';
import { post, started } from '../hooks/client';

describe('hook view over a running server', () => {
  let server: HookServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function echoServer(journalLimit?: number) {
    const s = await started({ rules: parseRules({ rules: [], default: 'echo' }), ...(journalLimit ? { journalLimit } : {}) });
    server = s.server;
    return s;
  }

  it('reads settled exchanges back from the journal instead of keeping the objects it was sent', async () => {
    const { server: srv, url } = await echoServer();
    const view = new HookView();
    const seen: unknown[] = [];
    srv.on('answered', (ex) => seen.push(ex));
    view.attach(srv);
    for (let i = 0; i < 3; i++) await post(url, '/EchoApp/connect', JSON.stringify(sampleBody('connect')));
    assert.equal(view.stats().exchanges, 3);
    const [session] = view.roots();
    const nodes = view.children(session) as ExchangeNode[];
    assert.deepEqual(nodes.map((n) => n.exchange.method), ['connect', 'connect', 'connect']);
    for (const [i, n] of nodes.entries()) {
      // Equal to what the server answered, but not the object it emitted: the journal rebuilt it.
      assert.notEqual(n.exchange, seen[i]);
      assert.equal(JSON.stringify(n.exchange), JSON.stringify(seen[i]));
    }
    assert.deepEqual(view.history().map((e) => e.id), ['1', '2', '3']);
    view.dispose();
  });

  it('gives the same exchange object back while someone holds it, though it keeps none itself', async () => {
    const { server: srv, url } = await echoServer();
    const view = new HookView();
    view.attach(srv);
    await post(url, '/EchoApp/connect', JSON.stringify(sampleBody('connect')));
    const [first] = view.all();
    const node = view.nodeOf('1:1')!;
    assert.equal(node.exchange, first);
    assert.equal(view.get('1:1'), first);
    view.dispose();
  });

  it('drops what a smaller journal dropped, and counts it as evicted', async () => {
    const { server: srv, url } = await echoServer(2);
    const view = new HookView({ limit: 10 });
    view.attach(srv);
    for (let i = 0; i < 5; i++) await post(url, '/EchoApp/StreamKeepAliveEvent', JSON.stringify(sampleBody('StreamKeepAliveEvent')));
    assert.equal(view.stats().exchanges, 2);
    assert.equal(view.stats().evicted, 3);
    assert.deepEqual(view.all().map((e) => e.id), ['4', '5']);
    view.dispose();
  });

  it('exports the attached journal whole after a clear, and its own exchanges once detached', async () => {
    const { server: srv, url } = await echoServer();
    const view = new HookView();
    const sub = view.attach(srv);
    await post(url, '/EchoApp/connect', JSON.stringify(sampleBody('connect')));
    view.clear();
    assert.equal(view.all().length, 0);
    assert.equal(view.history().length, 1);
    sub.dispose();
    assert.equal(view.history().length, 0);
    view.dispose();
  });

  it('exports what the tree shows when the server restarted: the earlier run, then the whole current journal', async () => {
    const { server: first, url: firstUrl } = await echoServer();
    const view = new HookView();
    const sub = view.attach(first);
    await post(firstUrl, '/EchoApp/connect', JSON.stringify(sampleBody('connect')));
    await post(firstUrl, '/EchoApp/call', JSON.stringify(sampleBody('call')));
    sub.dispose();
    // A settings change restarts the server: the tree keeps the first run's hooks.
    const second = await started({ rules: parseRules({ rules: [], default: 'echo' }) });
    try {
      view.attach(second.server);
      await post(second.url, '/EchoApp/publishStream', JSON.stringify(sampleBody('publishStream')));
      assert.equal(view.all().length, 3);
      assert.deepEqual(view.history().map((e) => `${e.id} ${e.method}`), ['1 connect', '2 call', '1 publishStream']);
    } finally {
      await second.server.close();
      view.dispose();
    }
  });
});
