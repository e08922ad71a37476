/**
 * The message router: parses each client frame, answers pings at once, and queues every other message on
 * its session to the module that owns it (connection, streams, calls, data), or to the session's built-in
 * app where it has its own handling (roomApp's sendData, rooms.ts). A message before the session is
 * established, or one nobody handles, gets `fail` (PROTOCOL.md §6.3).
 */
import type { BuiltIn } from './apps';
import { callMessages } from './calls';
import { connect } from './connection';
import type { EngineContext } from './context';
import { MISC_MESSAGES, type MessageHandler } from './data';
import { roomMessages } from './rooms';
import { isRecord, type Session } from './session';
import { STREAM_MESSAGES } from './streams';

/** Client messages a session may have waiting; beyond it each is refused with `fail`. */
export const MAX_QUEUED_MESSAGES = 1000;

export class MessageRouter {
  private readonly handlers: Readonly<Record<string, MessageHandler>>;
  /** Messages a built-in app handles its own way (roomApp's sendData). */
  private readonly builtIn: Readonly<Record<BuiltIn, Readonly<Record<string, MessageHandler>>>>;

  constructor(private readonly ctx: EngineContext) {
    this.handlers = { ...STREAM_MESSAGES, ...callMessages(() => ctx.userOptions.farEnd), ...MISC_MESSAGES };
    this.builtIn = { room: roomMessages(ctx) };
  }

  /** One text frame from the client. Never throws. */
  receive(s: Session, text: unknown): void {
    const ctx = this.ctx;
    if (s.state === 'closed') {
      ctx.warn(s, 'frame after the session closed; ignored');
      return;
    }
    if (typeof text !== 'string') {
      ctx.warn(s, 'binary frame ignored (the mock carries no media)');
      return;
    }
    let message: string | undefined;
    let data: unknown[] = [];
    try {
      const frame: unknown = JSON.parse(text);
      if (isRecord(frame) && typeof frame.message === 'string') {
        message = frame.message;
        data = Array.isArray(frame.data) ? frame.data : frame.data === undefined ? [] : [frame.data];
      }
    } catch {
      // reported below
    }
    if (message === undefined) {
      ctx.warn(s, `malformed frame: ${text.length > 200 ? `${text.slice(0, 200)}…` : text}`);
      ctx.fail(s, 'Malformed message: expected {"message": name, "data": [...]}', 'ErrorEvent');
      return;
    }
    if (message === 'pong' || message === 'ping') {
      ctx.record({ kind: 'client-message', sessionId: s.id, message, data });
      if (message === 'pong') s.unansweredPings = 0;
      else if (!s.pingsMuted) ctx.send(s, 'pong', [null]);
      return;
    }
    const msg = message;
    ctx.record({ kind: 'client-message', sessionId: s.id, message: msg, data });
    // WCS handles a session's messages one at a time; a client that sends faster than hooks are answered
    // must not queue without limit (100,000 sendData kept hooks firing for minutes).
    if (s.queued >= MAX_QUEUED_MESSAGES) {
      ctx.fail(s, `${msg} refused: ${s.queued} messages of this session are still being handled`, msg);
      ctx.decide(s, msg, `refused: the session's queue is full (${MAX_QUEUED_MESSAGES} messages)`);
      return;
    }
    void s.run(() => this.dispatch(s, msg, data));
  }

  private async dispatch(s: Session, message: string, data: unknown[]): Promise<void> {
    const ctx = this.ctx;
    if (s.state === 'closed') return;
    if (s.portClosed) {
      // The client is gone (or the engine is stopping): what it queued is dropped, not sent as hooks
      // for a dead session; teardown's own hooks still go out.
      if (s.droppedMessages++ === 0) ctx.decide(s, message, 'the client is gone: its queued messages are dropped');
      return;
    }
    if (message === 'connection') return connect(ctx, s, data[0]);
    if (s.state !== 'established') {
      ctx.fail(s, `${message} before the session was established`, 'ErrorEvent');
      ctx.decide(s, message, 'refused: no established session');
      return;
    }
    const own = s.app?.builtIn ? this.builtIn[s.app.builtIn] : undefined;
    const table = own && Object.prototype.hasOwnProperty.call(own, message) ? own : this.handlers;
    const handler = Object.prototype.hasOwnProperty.call(table, message) ? table[message] : undefined;
    if (!handler) {
      ctx.fail(s, `Unknown message ${message}`, 'ErrorEvent');
      return;
    }
    await handler(ctx, s, data);
  }
}
