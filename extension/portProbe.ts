/**
 * Who holds a port the hook server could not bind: another wcs-hook-mock (a second VS Code window, or
 * `wcs-hook-mock serve`), or some other program. And a free port to offer instead. No `vscode` import.
 */
import * as http from 'node:http';
import * as net from 'node:net';

export type PortHolder = 'wcs-hook-mock' | 'other';

/** How long the probe waits: a local server answers a GET in milliseconds, a stuck one must not hang a start. */
const PROBE_TIMEOUT_MS = 1500;

/**
 * A wcs-hook-mock hook server answers any GET with 405 and its own JSON error (hooks are POST requests), so
 * that is what tells it apart; anything else (another answer, no HTTP, no answer in time) is another program.
 */
export function whoHolds(host: string, port: number): Promise<PortHolder> {
  return new Promise((resolve) => {
    const req = http.get({ host: probeHost(host), port, path: '/', timeout: PROBE_TIMEOUT_MS, headers: { Host: `127.0.0.1:${port}` } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        if (body.length < 4096) body += d;
      });
      res.on('end', () => resolve(res.statusCode === 405 && /hooks are POST requests/.test(body) ? 'wcs-hook-mock' : 'other'));
      res.on('error', () => resolve('other'));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve('other'));
  });
}

/** A port free on `host` right now (the OS picks it). */
export function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, host, () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** A wildcard bind is reached on loopback. */
function probeHost(host: string): string {
  return host === '0.0.0.0' || host === '::' || host === '' ? '127.0.0.1' : host;
}
