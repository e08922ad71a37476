/**
 * A scripted engine for transport tests: it records what the transport does and answers a few frames,
 * so transport behaviour (delivery, close, errors, routing) is tested apart from WCS semantics.
 */
import type { ClientLink, ClientPort } from '../../../mock-server/wcs/engine';
import type { AcceptingEngine } from '../../../mock-server/wcs/transport';

export interface StandInSession {
  port: ClientPort;
  info?: { origin?: string; remoteAddress?: string };
  received: string[];
  closedCalls: number;
}

export class StandInEngine implements AcceptingEngine {
  readonly sessions: StandInSession[] = [];
  closeCalls = 0;
  private waiters: (() => void)[] = [];

  accept(port: ClientPort, info?: { origin?: string; remoteAddress?: string }): ClientLink {
    const s: StandInSession = { port, info, received: [], closedCalls: 0 };
    this.sessions.push(s);
    this.wake();
    return {
      receive: (text) => {
        s.received.push(text);
        // Echo as a server frame so a client can see the round trip; 'bye' asks the server to close.
        if (text === 'bye') port.close(4000, 'asked to');
        else port.send(JSON.stringify({ message: 'echo', data: [text] }));
        this.wake();
      },
      closed: () => {
        s.closedCalls++;
        this.wake();
      },
    };
  }

  close(): void {
    this.closeCalls++;
  }

  /** Resolves once `check` holds, re-checked after every transport callback. */
  until(check: () => boolean): Promise<void> {
    return new Promise((resolve) => {
      const test = () => {
        if (check()) resolve();
        else this.waiters.push(test);
      };
      test();
    });
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}

/** Resolves once `check` holds, polling; for conditions on the client side of a real socket. Mocha's timeout bounds it. */
export async function eventually(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setTimeout(r, 5));
}
