/**
 * The fake WCS's commands: start, stop, copy its URL, and the control levers on a session, stream or call.
 * A lever takes the view item it was invoked on, or an id (tests, keybindings); from the palette it asks
 * which one, and says plainly when there is nothing to act on. Optional extra arguments (caller, payload,
 * info) skip the prompt.
 */
import * as vscode from 'vscode';
import type { WcsCallInfo, WcsSessionInfo, WcsStreamInfo } from '../../mock-server/wcs';
import { LeverError, type FakeWcs } from './fakeWcs';
import { oneLine, type WcsNode } from './presentation';

function isNode(v: unknown, kind: WcsNode['kind']): boolean {
  return typeof v === 'object' && v !== null && (v as WcsNode).kind === kind;
}

const textArg = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** `userStopped(true)` when the user stops the fake WCS, `(false)` when they start it. */
export function registerWcsCommands(wcs: FakeWcs, userStopped: (stopped: boolean) => void): vscode.Disposable[] {
  /** Undefined (after saying why) when the fake WCS is not running. */
  function running(): boolean {
    if (wcs.state.kind === 'running') return true;
    void vscode.window.showErrorMessage('The fake WCS is not running.', 'Start Fake WCS').then((p) => {
      if (p) void vscode.commands.executeCommand('wcsHookMock.wcs.start');
    });
    return false;
  }

  function nothing(what: string): undefined {
    const s = wcs.state;
    const url = s.kind === 'running' ? s.endpoint.wsUrl : 'the fake WCS';
    void vscode.window.showErrorMessage(`No ${what} on the fake WCS. Point the web app's urlServer at ${url} first.`);
    return undefined;
  }

  async function pickSession(arg: unknown, established = true): Promise<WcsSessionInfo | undefined> {
    if (!running()) return undefined;
    const all = wcs.sessions().filter((s) => !established || s.state === 'established');
    const id = isNode(arg, 'session') ? (arg as Extract<WcsNode, { kind: 'session' }>).session.sessionId : textArg(arg);
    if (id !== undefined) {
      const s = all.find((x) => x.sessionId === id);
      if (!s) void vscode.window.showErrorMessage(`The session ${oneLine(id)} is no longer connected to the fake WCS.`);
      return s;
    }
    if (all.length === 0) return nothing('connected session');
    const pick = await vscode.window.showQuickPick(
      all.map((s) => ({ label: oneLine(s.sipLogin ?? s.appKey), description: oneLine(s.sessionId), session: s })),
      { title: 'Which session of the fake WCS?' },
    );
    return pick?.session;
  }

  async function pickStream(arg: unknown): Promise<WcsStreamInfo | undefined> {
    if (!running()) return undefined;
    const all = wcs.sessions().flatMap((s) => s.streams);
    const id = isNode(arg, 'stream') ? (arg as Extract<WcsNode, { kind: 'stream' }>).stream.mediaSessionId : textArg(arg);
    if (id !== undefined) {
      const st = all.find((x) => x.mediaSessionId === id);
      if (!st) void vscode.window.showErrorMessage(`The stream ${oneLine(id)} is no longer live on the fake WCS.`);
      return st;
    }
    if (all.length === 0) return nothing('live stream');
    const pick = await vscode.window.showQuickPick(
      all.map((st) => ({ label: oneLine(st.name ?? st.mediaSessionId), description: `${st.published ? 'publishing' : 'playing'} · ${st.status ?? 'PENDING'}`, stream: st })),
      { title: 'Which stream?' },
    );
    return pick?.stream;
  }

  async function pickCall(arg: unknown): Promise<WcsCallInfo | undefined> {
    if (!running()) return undefined;
    const all = wcs.sessions().flatMap((s) => s.calls);
    const id = isNode(arg, 'call') ? (arg as Extract<WcsNode, { kind: 'call' }>).call.callId : textArg(arg);
    if (id !== undefined) {
      const c = all.find((x) => x.callId === id);
      if (!c) void vscode.window.showErrorMessage(`The call ${oneLine(id)} is no longer live on the fake WCS.`);
      return c;
    }
    if (all.length === 0) return nothing('live call');
    const pick = await vscode.window.showQuickPick(
      all.map((c) => ({ label: `${oneLine(c.caller ?? '?')} → ${oneLine(c.callee ?? '?')}`, description: c.status, call: c })),
      { title: 'Which call?' },
    );
    return pick?.call;
  }

  /** Runs a lever; a refusal becomes one error message (the control API's reason), never a stack trace. */
  async function lever<T>(what: string, run: () => Promise<T>, done: (r: T) => string): Promise<T | undefined> {
    try {
      const r = await run();
      void vscode.window.setStatusBarMessage(`$(broadcast) ${done(r)}`, 4000);
      return r;
    } catch (err) {
      const message = err instanceof LeverError ? err.message : `unexpected error: ${(err as Error).message}`;
      void vscode.window.showErrorMessage(`Fake WCS: ${what} failed: ${oneLine(message, 300)}`);
      return undefined;
    }
  }

  const handlers: Record<string, (...args: never[]) => unknown> = {
    'wcsHookMock.wcs.start': () => {
      userStopped(false);
      return wcs.start();
    },
    'wcsHookMock.wcs.stop': () => {
      userStopped(true);
      return wcs.stop();
    },
    'wcsHookMock.wcs.copyUrl': async () => {
      const s = wcs.state;
      if (s.kind !== 'running') return void running();
      await vscode.env.clipboard.writeText(s.endpoint.wsUrl);
      void vscode.window.showInformationMessage(`Copied ${s.endpoint.wsUrl}: give it to the web app as urlServer (Flashphoner.createSession).`);
      return s.endpoint.wsUrl;
    },
    'wcsHookMock.wcs.incomingCall': async (arg?: unknown, callerArg?: unknown) => {
      const s = await pickSession(arg);
      if (!s) return undefined;
      const caller = textArg(callerArg) ?? (await vscode.window.showInputBox({
        title: `Incoming call to ${oneLine(s.sipLogin ?? s.sessionId)}`, prompt: 'The SIP caller (the backend gets OnCallEvent, then the client rings)', value: 'sip-caller',
        validateInput: (v) => (v.trim() === '' ? 'A caller is needed' : undefined),
      }));
      if (!caller) return undefined;
      return lever('incoming call', () => wcs.control('incoming-call', { sessionId: s.sessionId, caller: caller.trim() }) as Promise<{ callId: string; offered: boolean; sipStatus: number }>,
        (r) => (r.offered ? `incoming call ${r.callId} ringing` : `the backend refused the call (SIP ${r.sipStatus})`));
    },
    'wcsHookMock.wcs.pushData': async (arg?: unknown, payloadArg?: unknown) => {
      const s = await pickSession(arg);
      if (!s) return undefined;
      let payload: unknown = payloadArg !== undefined && !Array.isArray(payloadArg) ? payloadArg : undefined;
      if (payload === undefined) {
        const text = await vscode.window.showInputBox({
          title: `Push data to ${oneLine(s.sipLogin ?? s.sessionId)}`, prompt: 'JSON payload (REST data/send: the client gets OnDataEvent)', value: '{"text":"hello"}',
          validateInput: (v) => {
            try {
              JSON.parse(v);
              return undefined;
            } catch (err) {
              return `Not JSON: ${(err as Error).message}`;
            }
          },
        });
        if (text === undefined) return undefined;
        payload = JSON.parse(text);
      }
      return lever('push data', async () => (await wcs.rest('data/send', { sessionId: s.sessionId, payload }), true), () => 'data pushed');
    },
    'wcsHookMock.wcs.sipMessage': async (arg?: unknown, bodyArg?: unknown) => {
      const s = await pickSession(arg);
      if (!s) return undefined;
      const body = textArg(bodyArg) ?? (await vscode.window.showInputBox({ title: `SIP MESSAGE to ${oneLine(s.sipLogin ?? s.sessionId)}`, prompt: 'Message text (the backend gets OnMessageEvent)', value: 'hello' }));
      if (body === undefined) return undefined;
      return lever('SIP message', () => wcs.control('message', { to: s.sessionId, body }) as Promise<{ accepted: boolean }>,
        (r) => (r.accepted ? 'message accepted by the backend' : 'message declined by the backend'));
    },
    'wcsHookMock.wcs.dropSession': async (arg?: unknown) => {
      const s = await pickSession(arg, false);
      if (!s) return undefined;
      return lever('drop session', () => wcs.control('drop-session', { sessionId: s.sessionId }), () => 'session dropped');
    },
    'wcsHookMock.wcs.failStream': async (arg?: unknown, infoArg?: unknown) => {
      const st = await pickStream(arg);
      if (!st) return undefined;
      const info = textArg(infoArg) ?? 'Failed by error';
      return lever('fail stream', () => wcs.control('fail-stream', { mediaSessionId: st.mediaSessionId, info }), () => `stream ${oneLine(st.name ?? st.mediaSessionId)} FAILED`);
    },
    'wcsHookMock.wcs.hangup': async (arg?: unknown) => {
      const c = await pickCall(arg);
      if (!c) return undefined;
      return lever('hang up', () => wcs.control('far-end', { callId: c.callId, action: 'hangup' }), () => 'the far end hung up');
    },
    'wcsHookMock.wcs.busy': async (arg?: unknown) => {
      const c = await pickCall(arg);
      if (!c) return undefined;
      return lever('busy', () => wcs.control('far-end', { callId: c.callId, action: 'busy' }), () => 'the far end is busy (486)');
    },
  };
  return Object.entries(handlers).map(([id, fn]) => vscode.commands.registerCommand(id, fn as (...args: unknown[]) => unknown));
}
