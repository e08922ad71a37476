import assert from 'node:assert/strict';
import { WebSocket } from 'ws';
import { listenWarning, startWcsServer } from '../../../mock-server/wcs/wsServer';
import { eventually, StandInEngine } from './standIn';

function connect(url: string): Promise<{ ws: WebSocket; frames: string[]; closed: Promise<number> }> {
  const ws = new WebSocket(url);
  const frames: string[] = [];
  ws.on('message', (d) => frames.push(d.toString()));
  const closed = new Promise<number>((r) => ws.on('close', (code) => r(code)));
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ ws, frames, closed }));
    ws.once('error', reject);
  });
}

describe('wcs transport: ws server', () => {
  it('listens on 127.0.0.1, frames both ways, tells the engine about closes once', async () => {
    const engine = new StandInEngine();
    const warnings: string[] = [];
    const srv = await startWcsServer({ port: 0, engine, warn: (l) => warnings.push(l) });
    try {
      assert.match(srv.url, /^ws:\/\/127\.0\.0\.1:\d+$/);
      assert.deepEqual(warnings, [], 'loopback is not warned about');
      const a = await connect(srv.url);
      a.ws.send('{"message":"connection","data":[{}]}');
      await eventually(() => a.frames.length === 1);
      assert.equal(engine.sessions[0].info?.remoteAddress, '127.0.0.1');
      assert.deepEqual(JSON.parse(a.frames[0]), { message: 'echo', data: ['{"message":"connection","data":[{}]}'] });
      a.ws.send('bye');
      assert.equal(await a.closed, 4000);
      await engine.until(() => engine.sessions[0].closedCalls === 1);
      engine.sessions[0].port.send('after close');
      engine.sessions[0].port.close(1000);
    } finally {
      await srv.close();
    }
    assert.equal(engine.sessions[0].closedCalls, 1);
    assert.equal(engine.closeCalls, 0, 'a shared engine stays open');
  });

  it('survives binary and oversized frames; other clients are unaffected', async () => {
    const engine = new StandInEngine();
    const srv = await startWcsServer({ port: 0, engine, warn: () => undefined });
    try {
      const bad = await connect(srv.url);
      const good = await connect(srv.url);
      bad.ws.send(Buffer.from('{"message":"binary","data":[]}'));
      await engine.until(() => engine.sessions[0].received.length === 1);
      assert.equal(engine.sessions[0].received[0], '{"message":"binary","data":[]}');
      bad.ws.send(Buffer.alloc(17 * 1024 * 1024, 0x20));
      assert.equal(await bad.closed, 1009, 'too big: closed by the server, nothing buffered');
      await engine.until(() => engine.sessions[0].closedCalls === 1);
      good.ws.send('still here');
      await eventually(() => good.frames.length === 1);
    } finally {
      await srv.close();
    }
  });

  it('closes its clients on close()', async () => {
    const engine = new StandInEngine();
    const srv = await startWcsServer({ port: 0, engine, warn: () => undefined });
    const c = await connect(srv.url);
    await srv.close();
    assert.equal(await c.closed, 1001);
    assert.equal(engine.sessions[0].closedCalls, 1);
  });

  it('warns loudly about a host other machines can reach (checked without binding one)', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]']) assert.equal(listenWarning(h), undefined, h);
    for (const h of ['0.0.0.0', '::', '192.168.1.10', 'example.com']) {
      assert.match(listenWarning(h) ?? '', /^WARNING: .*other machines can reach/, h);
    }
  });

  it('says clearly when the port is taken', async () => {
    const srv = await startWcsServer({ port: 0, engine: new StandInEngine(), warn: () => undefined });
    try {
      await assert.rejects(startWcsServer({ port: srv.port, engine: new StandInEngine() }), /cannot listen on 127\.0\.0\.1:\d+: the port is in use/);
      await assert.rejects(startWcsServer({ port: 70000, engine: new StandInEngine() }), /port must be an integer/);
    } finally {
      await srv.close();
    }
  });
});
