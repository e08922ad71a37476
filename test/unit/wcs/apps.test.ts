import { strict as assert } from 'node:assert';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppsFileError, loadAppsFile, parseAppsText } from '../../../mock-server/cli/appsFile';
import { WcsEngine } from '../../../mock-server/wcs/engine';
import { installWcsMock } from '../../../mock-server/wcs/mockSocket';
import { ScriptedClient } from '../../../mock-server/wcs/scriptedClient';
import { closeEngines, connected, forbid, makeEngine, recordingBackend } from './support';

describe('wcs engine: applications', () => {
  afterEach(closeEngines);

  it('has defaultApp and roomApp on the engine backend by default', () => {
    const engine = makeEngine({ backend: recordingBackend().backend });
    assert.deepEqual(engine.apps(), [
      { appKey: 'defaultApp', backend: 'engine backend', methods: 'all' },
      { appKey: 'roomApp', backend: 'engine backend', methods: 'all', builtIn: 'room' },
    ]);
  });

  it('refuses an unknown appKey: fail, socket closed, no hook posted anywhere', async () => {
    const rec = recordingBackend();
    const engine = makeEngine({ backend: rec.backend });
    const c = new ScriptedClient(engine);
    const closed = c.whenClosed();
    const r = await c.connect({ appKey: 'noSuchApp' });
    assert.equal(r.established, false);
    assert.equal(r.info, 'Application not found: noSuchApp');
    await closed;
    await engine.idle();
    assert.deepEqual(rec.hooks, []);
    assert.equal(engine.sessions().length, 0);
    assert.match(engine.logText(), /no application "noSuchApp": refused/);
  });

  it('unknownApps "accept" serves an unknown appKey on the engine backend', async () => {
    const rec = recordingBackend();
    const engine = makeEngine({ backend: rec.backend, unknownApps: 'accept' });
    await connected(engine, { appKey: 'adHoc' });
    await engine.idle();
    assert.deepEqual(rec.sequence(), ['connect', 'ConnectionStatusEvent ESTABLISHED']);
    assert.equal(rec.hooks[0]!.body.appKey, 'adHoc');
  });

  it('a method not enabled for the app is never posted, and the action goes ahead as if echoed', async () => {
    // The backend would refuse the publish if it ever saw it.
    const rec = recordingBackend((m) => (m === 'publishStream' ? forbid('no') : undefined));
    const engine = makeEngine({ backend: rec.backend, apps: { defaultApp: { methods: ['connect', 'StreamStatusEvent'] } } });
    const c = await connected(engine);
    const pub = await c.publish('s1');
    assert.equal(pub.status, 'PUBLISHING');
    await engine.idle();
    assert.deepEqual(rec.sequence(), ['connect', 'StreamStatusEvent PUBLISHING']);
    assert.match(engine.logText(), /hook ✗ publishStream not sent: not enabled for app defaultApp/);
    assert.match(engine.logText(), /hook ✗ ConnectionStatusEvent not sent/);
  });

  it('each app posts to its own backend', async () => {
    const main = recordingBackend();
    const other = recordingBackend();
    const engine = makeEngine({ backend: main.backend, apps: { billing: { backend: other.backend } } });
    await connected(engine, { appKey: 'billing' });
    await connected(engine);
    await engine.idle();
    assert.deepEqual(other.sequence(), ['connect', 'ConnectionStatusEvent ESTABLISHED']);
    assert.equal(other.hooks[0]!.body.appKey, 'billing');
    assert.deepEqual(main.sequence(), ['connect', 'ConnectionStatusEvent ESTABLISHED']);
    assert.equal(main.hooks[0]!.body.appKey, 'defaultApp');
  });

  it('a URL app posts to <url>/<method> with its Basic auth', async () => {
    const seen: { url: string; auth: string | null }[] = [];
    const fetchStub = (async (url: string, init: { headers: Record<string, string>; body: string }) => {
      seen.push({ url, auth: init.headers.Authorization ?? null });
      return new Response(init.body, { status: 200, headers: { 'content-type': 'application/json' } });
    }) as unknown as typeof fetch;
    const engine = makeEngine({
      backend: recordingBackend().backend,
      fetch: fetchStub,
      apps: { shop: { backend: { url: 'http://127.0.0.1:1/shop/', basicAuth: { username: 'u', password: 'p' } }, methods: ['connect'] } },
    });
    await connected(engine, { appKey: 'shop' });
    await engine.idle();
    assert.deepEqual(seen, [{ url: 'http://127.0.0.1:1/shop/connect', auth: `Basic ${Buffer.from('u:p').toString('base64')}` }]);
  });

  it('setApp and removeApp change what the next connection gets', async () => {
    const rec = recordingBackend();
    const engine = makeEngine({ backend: rec.backend });
    engine.setApp('late', { methods: [] });
    await connected(engine, { appKey: 'late' });
    assert.equal(engine.removeApp('late'), true);
    const r = await new ScriptedClient(engine).connect({ appKey: 'late' });
    assert.equal(r.established, false);
    await engine.idle();
    assert.deepEqual(rec.hooks, []);
  });

  it('installWcsMock takes the same apps option as the engine (a page configures apps the same way)', async () => {
    const g = globalThis as { WebSocket?: unknown };
    const saved = g.WebSocket;
    const rec = recordingBackend();
    const mock = installWcsMock({ url: 'ws://127.0.0.1:8080', backend: rec.backend, pingIntervalMs: 0, apps: { confApp: { builtIn: 'room', methods: ['connect'] } }, unknownApps: 'refuse' });
    try {
      assert.deepEqual(mock.engine.apps().find((a) => a.appKey === 'confApp'), { appKey: 'confApp', backend: 'engine backend', methods: ['connect'], builtIn: 'room' });
      await connected(mock.engine, { appKey: 'confApp', custom: { login: 'alice' } });
      assert.equal((await new ScriptedClient(mock.engine).connect({ appKey: 'other' })).established, false);
    } finally {
      await mock.uninstall();
      await mock.engine.close({ abortHooks: true });
      if (saved === undefined) delete g.WebSocket;
      else g.WebSocket = saved;
    }
  });

  it('rejects bad app settings with the field named', () => {
    const backend = recordingBackend().backend;
    assert.throws(() => new WcsEngine({ backend, apps: { x: { backend: { url: 'ftp://h' } } } }), /apps\.x\.backend\.url must be an http\(s\) app URL/);
    assert.throws(() => new WcsEngine({ backend, apps: { x: { builtIn: 'chat' as 'room' } } }), /apps\.x\.builtIn must be one of "room"/);
    assert.throws(() => new WcsEngine({ backend, unknownApps: 'maybe' as 'accept' }), /unknownApps must be "refuse" or "accept"/);
  });
});

describe('wcs apps file', () => {
  it('reads apps and unknownApps', () => {
    const got = parseAppsText('{"apps": {"roomApp": {"builtIn": "room", "methods": ["connect", "OnDataEvent"]}, "shop": {"backend": {"url": "http://127.0.0.1:9/shop"}}}, "unknownApps": "accept"}');
    assert.deepEqual(got, {
      apps: { roomApp: { builtIn: 'room', methods: ['connect', 'OnDataEvent'] }, shop: { backend: { url: 'http://127.0.0.1:9/shop' } } },
      unknownApps: 'accept',
    });
  });

  it('errors name file:line:column and the field path', () => {
    const text = '{\n  "apps": {\n    "shop": {\n      "methods": ["connect", "conect"]\n    }\n  }\n}\n';
    assert.throws(() => parseAppsText(text, 'apps.json'), (e: unknown) => {
      assert.ok(e instanceof AppsFileError);
      assert.equal(e.message, 'apps.json:4:30: apps.shop.methods[1]: not a WCS hook method');
      assert.equal(e.path, 'apps.shop.methods[1]');
      return true;
    });
    assert.throws(() => parseAppsText('{"apps": {"a": {"bogus": 1}}}', 'f.json'), /f\.json:1:16: apps\.a: unknown field "bogus"/);
    assert.throws(() => parseAppsText('{"apps": {"a": {}},}', 'f.json'), /f\.json:1:20: invalid JSON: trailing comma/);
    assert.throws(() => parseAppsText('{"apps": {"a": {"methods": "some"}}}', 'f.json'), /apps\.a\.methods: expected "all" or a list of hook method names/);
  });

  it('a missing file is one clear line', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'apps-'));
    try {
      await assert.rejects(loadAppsFile(join(dir, 'nope.json')), /nope\.json: cannot read apps file: no such file/);
      await writeFile(join(dir, 'ok.json'), '{"apps": {}}');
      assert.deepEqual(await loadAppsFile(join(dir, 'ok.json')), { apps: {} });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
