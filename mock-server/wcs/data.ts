/**
 * Data and the small messages: sendData (OnDataEvent, DataStatusEvent), server → client data (the REST
 * API's /data/send), submitBugReport, pushLogs, sessionDebug (PROTOCOL.md §3.8, §3.9).
 */
import { uuid } from './ids';
import { isRecord, type EngineCore, type Session } from './session';

export type MessageHandler = (core: EngineCore, s: Session, data: readonly unknown[]) => Promise<void>;

/** The client's sendData payload: data[0] as an object (a bare value becomes `{payload}`). */
export function dataPayload(data: readonly unknown[]): Record<string, unknown> {
  return isRecord(data[0]) ? data[0] : { payload: data[0] };
}

/** What a built-in app (roomApp) makes of a sendData the backend let through. */
export interface DataDecision {
  readonly ok: boolean;
  /** Why not, for DataStatusEvent FAILED. */
  readonly info?: string;
  /** Runs synchronously right after the ACCEPTED frame went out. */
  readonly after?: () => void;
}

/**
 * OnDataEvent to the backend, then the DataStatusEvent hook and frame. With `decide`, a built-in app
 * acts on the data once the backend let it through (a decline under FAIL stops it before that).
 */
export async function sendData(core: EngineCore, s: Session, data: readonly unknown[], decide?: (p: Record<string, unknown>) => DataDecision): Promise<void> {
  const p = dataPayload(data);
  const operationId = p.operationId;
  const r = await core.invoke(s, 'OnDataEvent', core.hookBody(s, p));
  let proceeds = r.proceeds;
  let info = r.info;
  let after: (() => void) | undefined;
  if (proceeds && decide) {
    const d = decide(p);
    proceeds = d.ok;
    info = d.info;
    after = d.after;
    if (!d.ok) core.decide(s, 'OnDataEvent', `${s.appKey}: ${d.info ?? 'refused'}`);
  }
  // DataStatusEvent status must be exactly ACCEPTED or FAILED, or the SDK throws (WEBSDK-NOTES.md).
  const status = proceeds ? 'ACCEPTED' : 'FAILED';
  const event: Record<string, unknown> = { operationId, status };
  if (!proceeds && info) event.info = info;
  const ev = await core.invoke(s, 'DataStatusEvent', core.hookBody(s, event));
  const { nodeId: _n, appKey: _a, sessionId: _s, origin: _o, ...view } = ev.body;
  core.send(s, 'DataStatusEvent', [core.clientView(s, ['OnDataEvent', 'DataStatusEvent'], { ...view, operationId, status })]);
  after?.();
}

/** Server → client data: the client gets OnDataEvent (SESSION_STATUS.APP_DATA) with `payload`. */
export function pushData(core: EngineCore & { readonly nodeId: string }, s: Session, payload: unknown): void {
  const obj = { nodeId: core.nodeId, sessionId: s.id, operationId: uuid(), payload };
  core.send(s, 'OnDataEvent', [core.clientView(s, ['OnDataEvent'], obj)]);
}

const objectPayload = (d: readonly unknown[]) => (isRecord(d[0]) ? d[0] : {});

export const MISC_MESSAGES: Readonly<Record<string, MessageHandler>> = {
  sendData: (core, s, d) => sendData(core, s, d),
  submitBugReport: async (core, s, d) => {
    const r = await core.invoke(s, 'submitBugReport', core.hookBody(s, objectPayload(d)));
    if (!r.proceeds) core.fail(s, r.info ?? 'Forbidden', 'BugReportStatusEvent');
  },
  pushLogs: async (core, s, d) => {
    await core.invoke(s, 'pushLogs', core.hookBody(s, objectPayload(d)));
  },
  sessionDebug: async (core, s, d) => {
    const p = objectPayload(d);
    const r = await core.invoke(s, 'sessionDebug', core.hookBody(s, p));
    if (!r.proceeds) {
      core.fail(s, r.info ?? 'Forbidden', 'SessionDebugStatusEvent');
      return;
    }
    const status = p.command === 'stop' ? 'STOPPED' : 'STARTED';
    await core.invoke(s, 'SessionDebugStatusEvent', core.hookBody(s, { status }));
    core.send(s, 'notifySessionDebugEvent', [{ status }]);
  },
};
