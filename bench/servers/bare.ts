/** The ceiling: the least a node:http server can do to echo a JSON body. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { serveIpc } from '../lib/serverChild';

let served = 0;
const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
    served++;
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
    res.end(body);
  });
});
server.listen(0, '127.0.0.1', () => {
  serveIpc((server.address() as AddressInfo).port, () => ({ served }));
});
