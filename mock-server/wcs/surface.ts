/**
 * The narrow door through which the REST API and the control API (rest/, control/) reach the engine: what
 * they may read (live sessions with their streams and calls) and the few commands they may give. Every
 * flow they start runs through the same flow modules (streams, calls) and the same session queues as the
 * WebSocket side, so a stream ended over REST ends exactly as one ended by its client.
 */
import { describeError, type EngineContext } from './context';
import type { FarEndScript } from './farEnd';
import type { WcsFaults } from './faults';
import type { WcsLogInput } from './log';
import { Session, type EngineCore } from './session';

export interface EngineSurface {
  readonly nodeId: string;
  /** The flow modules' view of the engine (hooks, frames to clients, timers). */
  readonly core: EngineCore;
  /** Sessions not yet closed, in any state; callers pick the established ones. */
  sessions(): Iterable<Session>;
  /**
   * A session with no client behind it, for flows WCS runs on its own (a call started by `/call/startup`).
   * Its hooks go to the backend like any other; frames to its client go nowhere. Not listed by `sessions()`.
   */
  detachedSession(id: string, appKey: string): Session;
  /** Whether hooks of this appKey have an application to go to (apps.ts). */
  hasApp(appKey: string): boolean;
  /** Closes a client's session from the server side; disconnect hooks follow. */
  dropSession(sessionId: string, reason: string): Promise<void>;
  /** The far end script of outgoing calls (`--far-end`). */
  farEnd(): FarEndScript | undefined;
  /** Adds an entry to the engine's event log. */
  record(entry: WcsLogInput): void;
  /** The engine's fault injector (faults.ts), for the control API's `fault` action. */
  faults(): WcsFaults | undefined;
}

export function engineSurface(ctx: EngineContext, dropSession: (id: string, reason: string) => Promise<void>): EngineSurface {
  return {
    nodeId: ctx.nodeId,
    core: ctx,
    sessions: () => ctx.live.values(),
    detachedSession: (id, appKey) => {
      const s = new Session(id, { send: () => undefined, close: () => undefined }, undefined, undefined, (p) => ctx.track(p), (err) => ctx.record({ kind: 'warning', sessionId: id, text: `internal error: ${describeError(err)}` }));
      s.state = 'established';
      s.portClosed = true;
      s.appKey = appKey;
      s.app = ctx.appFor(appKey);
      return s;
    },
    hasApp: (appKey) => ctx.appFor(appKey) !== undefined,
    dropSession,
    farEnd: () => ctx.userOptions.farEnd,
    record: (e) => void ctx.record(e),
    faults: () => ctx.faults,
  };
}
