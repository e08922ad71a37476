/**
 * SIP calls started by `/call/startup` (REST-API.md §6). WCS places them itself, with no browser behind
 * them; here each one runs on a detached engine session, through the same call flow as a browser's
 * `call`, so the backend gets the `call` hook, CallStatusEvent TRYING/RING and the far end's answer
 * exactly as for any other call.
 */
import { callMessages, farEndHangup } from '../calls';
import { uuid } from '../ids';
import type { CallState, Session } from '../session';
import type { EngineSurface } from '../surface';
import type { LiveCall } from './objects';

/** Calls started over REST that may be live at once; `/call/startup` beyond it answers 500. */
export const MAX_REST_CALLS = 1000;

interface Entry {
  readonly callId: string;
  readonly session: Session;
  /** The call as requested, reported while the `call` hook is still out (status PENDING). */
  readonly requested: Record<string, unknown>;
  /** True until the flow has placed the call (or given up on it). */
  placing: boolean;
}

export class RestCalls {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly surface: EngineSurface) {}

  /** Live REST calls; ended ones are forgotten here. */
  list(): LiveCall[] {
    const out: LiveCall[] = [];
    for (const e of [...this.entries.values()]) {
      const call = e.session.calls.get(e.callId);
      if (call) out.push({ session: e.session, call, rest: true });
      else if (e.placing) out.push({ session: e.session, call: pendingCall(e), rest: true });
      else this.entries.delete(e.callId);
    }
    return out;
  }

  get size(): number {
    return this.list().length;
  }

  /** Places the call; `payload` is the `call` hook body without the envelope (callId, callee ...). */
  start(callId: string, appKey: string, payload: Record<string, unknown>): void {
    // The hooks need a session id; WCS does not document the one it uses for REST calls (inferred).
    const session = this.surface.detachedSession(`rest-${uuid()}`, appKey);
    const entry: Entry = { callId, session, requested: payload, placing: true };
    this.entries.set(callId, entry);
    const call = callMessages(() => this.surface.farEnd()).call!;
    void session.run(() => call(this.surface.core, session, [payload])).finally(() => {
      entry.placing = false;
    });
  }

  /** Hangs up a REST call (queued behind its placing, so a call terminated at once still ends cleanly). */
  terminate(callId: string): boolean {
    const e = this.entries.get(callId);
    if (!e) return false;
    void e.session.run(async () => {
      const call = e.session.calls.get(callId);
      if (call) await farEndHangup(this.surface.core, e.session, call);
    });
    return true;
  }

  /** Ends every REST call's timers (the far end's scheduled answers); their sessions have no client. */
  close(): void {
    for (const e of this.entries.values()) {
      for (const t of e.session.timers) clearTimeout(t);
      e.session.timers.clear();
    }
    this.entries.clear();
  }
}

function pendingCall(e: Entry): CallState {
  return { callId: e.callId, incoming: false, obj: { ...e.requested, status: 'PENDING' }, farEndTimers: new Set() };
}
