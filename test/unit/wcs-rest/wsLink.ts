/**
 * The repo's ScriptedClient over a real WebSocket: an `accept` that opens `ws://...` and bridges frames,
 * so the subprocess tests drive a `wcs` server in another process with the same client the engine tests use.
 */
import { WebSocket } from 'ws';
import type { ClientLink, ClientPort } from '../../../mock-server/wcs/engine';
import { ScriptedClient } from '../../../mock-server/wcs/scriptedClient';

export function overWebSocket(url: string) {
  const sockets: WebSocket[] = [];
  return {
    accept(port: ClientPort): ClientLink & { sessionId: string } {
      const ws = new WebSocket(url);
      sockets.push(ws);
      const queue: string[] = [];
      ws.on('open', () => {
        for (const t of queue.splice(0)) ws.send(t);
      });
      ws.on('message', (data) => port.send(String(data)));
      ws.on('close', () => port.close());
      ws.on('error', () => undefined);
      return {
        // The server-side id is not known to a client (as with the real SDK); tests read it over REST.
        sessionId: '',
        receive(text: string) {
          if (ws.readyState === ws.OPEN) ws.send(text);
          else queue.push(text);
        },
        closed() {
          ws.close();
        },
      };
    },
    closeAll() {
      for (const ws of sockets) ws.terminate();
    },
  };
}

export function wsClient(url: string): ScriptedClient {
  return new ScriptedClient(overWebSocket(url), { answerPings: true });
}
