import assert from 'node:assert/strict';
import * as http from 'node:http';
import * as net from 'node:net';
import { createHookServer } from '../../../mock-server/hooks';
import { freePort, whoHolds } from '../../../extension/portProbe';

function listening(server: net.Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port));
  });
}

describe('who holds a busy hook port', () => {
  it('recognises a wcs-hook-mock hook server', async () => {
    const s = createHookServer({ host: '127.0.0.1', port: 0 });
    const { port } = await s.listen();
    try {
      assert.equal(await whoHolds('127.0.0.1', port), 'wcs-hook-mock');
      assert.equal(await whoHolds('0.0.0.0', port), 'wcs-hook-mock', 'a wildcard setting is probed on loopback');
      assert.equal(s.journal.all().length, 0, 'the probe is not a hook');
    } finally {
      await s.close();
    }
  });

  it('takes any other HTTP server, or something that is not HTTP, for another program', async () => {
    const web = http.createServer((_req, res) => res.writeHead(405).end('{"error":"nope"}'));
    const raw = net.createServer((sock) => sock.end('SSH-2.0-OpenSSH_9.6\r\n'));
    const [webPort, rawPort] = [await listening(web), await listening(raw)];
    try {
      assert.equal(await whoHolds('127.0.0.1', webPort), 'other');
      assert.equal(await whoHolds('127.0.0.1', rawPort), 'other');
    } finally {
      web.close();
      raw.close();
    }
  });

  it('finds a port that can be bound', async () => {
    const port = await freePort('127.0.0.1');
    assert.ok(port > 0);
    const s = net.createServer();
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => resolve());
    });
    s.close();
  });
});
