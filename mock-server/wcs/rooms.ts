/**
 * roomApp: the server side of the WebSDK Room API (ROOMS.md). Rooms hold participants (their login is the
 * connection's `custom.login`), participants hold published streams. Commands arrive as `sendData`
 * `{command, options}`; every notification is an `OnDataEvent` frame whose payload is
 * `{roomName, name, info}` (ROOMS.md §3, §4). No source documents the server side, so the rules below
 * are read from what the SDK and the demos expect, and each is inferred:
 *
 * - STATE goes to the joiner only, listing the *other* participants: a participant with announced
 *   streams as one `{login, name}` object per stream, one without as its login string.
 * - JOINED, LEFT, PUBLISHED, UNPUBLISHED, FAILED go to the other participants only, never about oneself.
 * - A participant receives events only about logins it knows (from its STATE or a JOINED): the SDK throws
 *   on an unknown login. A join is therefore *pending* (invisible to the room) until its ACCEPTED is out,
 *   and becomes visible, with its STATE, in one synchronous step.
 * - Leaving (command, or disconnect without it): UNPUBLISHED for each announced stream, then LEFT.
 * - Hooks: WCS documents none for room actions, so a room command fires the OnDataEvent / DataStatusEvent
 *   hooks of any sendData (PROTOCOL.md §3.8); a backend declining OnDataEvent under FAIL stops the action.
 */
import type { EngineContext } from './context';
import { sendData, type DataDecision, type MessageHandler } from './data';
import { uuid } from './ids';
import { isRecord, str, type Session, type StreamState } from './session';

export interface RoomMember {
  readonly session: Session;
  readonly login: string;
  /** False between an accepted join's check and its ACCEPTED frame: the room does not see it yet. */
  active: boolean;
  /** Streams announced to the room with PUBLISHED (mediaSessionId → stream name). */
  readonly announced: Map<string, string>;
}

export interface Room {
  readonly name: string;
  readonly members: Map<string, RoomMember>;
}

/** Participants of one room, for `WcsEngine.rooms()`, the CLI and tests. */
export interface WcsRoomInfo {
  readonly name: string;
  readonly participants: readonly { readonly login: string; readonly sessionId: string; readonly streams: readonly string[] }[];
}

/** The Room API login of a session: `custom.login` of its connection (ROOMS.md §2). */
export function roomLogin(s: Session): string | undefined {
  const custom = s.connection.custom;
  return isRecord(custom) ? str(custom.login) : undefined;
}

export function roomsInfo(rooms: ReadonlyMap<string, Room>): WcsRoomInfo[] {
  return [...rooms.values()].map((r) => ({
    name: r.name,
    participants: [...r.members.values()].filter((m) => m.active).map((m) => ({ login: m.login, sessionId: m.session.id, streams: [...m.announced.values()] })),
  }));
}

/** One room notification to one participant, shaped like a `data/send` frame (ROOMS.md §4). */
function notify(ctx: EngineContext, to: Session, roomName: string, name: string, info: unknown): void {
  const obj = { nodeId: ctx.nodeId, appKey: to.appKey, sessionId: to.id, operationId: uuid(), payload: { roomName, name, info } };
  ctx.send(to, 'OnDataEvent', [ctx.clientView(to, ['OnDataEvent'], obj)]);
}

function others(room: Room, self: Session): RoomMember[] {
  return [...room.members.values()].filter((m) => m.active && m.session !== self);
}

/** A published stream counts for a room when the SDK tagged it so: `custom.name` or the `<room>-<login>-` prefix (ROOMS.md §5). */
function belongsTo(st: StreamState, room: string, login: string): boolean {
  const custom = st.obj.custom;
  if (isRecord(custom) && typeof custom.name === 'string') return custom.name === room;
  return typeof st.obj.name === 'string' && st.obj.name.startsWith(`${room}-${login}-`);
}

const refuse = (info: string): DataDecision => ({ ok: false, info });

function joinCommand(ctx: EngineContext, s: Session, options: Record<string, unknown>): DataDecision {
  const roomName = str(options.name);
  const login = roomLogin(s);
  if (!roomName) return refuse('join refused: options.name (the room name) is missing');
  if (!login) return refuse('join refused: the connection has no custom.login (the username passed to RoomApi.connect)');
  const room = ctx.rooms.get(roomName) ?? { name: roomName, members: new Map<string, RoomMember>() };
  if (room.members.has(login)) return refuse(`join refused: ${login} is already in room ${roomName}`);
  const limit = ctx.opts.maxRoomParticipants;
  if (limit > 0 && room.members.size >= limit) return refuse(`join refused: room ${roomName} is full (${limit} participants)`);
  const member: RoomMember = { session: s, login, active: false, announced: new Map() };
  room.members.set(login, member);
  ctx.rooms.set(roomName, room);
  s.rooms.add(roomName);
  return {
    ok: true,
    after: () => {
      if (room.members.get(login) !== member) return;
      const state: unknown[] = [];
      for (const m of others(room, s)) {
        if (m.announced.size === 0) state.push(m.login);
        else for (const name of m.announced.values()) state.push({ login: m.login, name });
      }
      member.active = true;
      ctx.decide(s, 'join', `${JSON.stringify(login)} joined room ${JSON.stringify(roomName)} (${[...room.members.values()].filter((m) => m.active).length} participants)`);
      notify(ctx, s, roomName, 'STATE', state);
      for (const m of others(room, s)) notify(ctx, m.session, roomName, 'JOINED', login);
      // Streams published before the join become visible now.
      for (const st of s.streams.values()) announce(ctx, room, member, st);
    },
  };
}

function leaveCommand(ctx: EngineContext, s: Session, options: Record<string, unknown>): DataDecision {
  const roomName = str(options.name);
  const login = roomLogin(s);
  const room = roomName ? ctx.rooms.get(roomName) : undefined;
  const member = room && login ? room.members.get(login) : undefined;
  if (!roomName) return refuse('leave refused: options.name (the room name) is missing');
  if (!room || !member || member.session !== s) return refuse(`leave refused: ${login ?? 'this session'} is not in room ${roomName}`);
  return { ok: true, after: () => leave(ctx, room, member) };
}

function messageCommand(ctx: EngineContext, s: Session, options: Record<string, unknown>): DataDecision {
  const roomName = isRecord(options.roomConfig) ? str(options.roomConfig.name) : undefined;
  const to = str(options.to);
  const login = roomLogin(s);
  const room = roomName ? ctx.rooms.get(roomName) : undefined;
  const sender = room && login ? room.members.get(login) : undefined;
  if (!roomName) return refuse('sendMessage refused: options.roomConfig.name (the room name) is missing');
  if (!room || !sender || sender.session !== s || !sender.active) return refuse(`sendMessage refused: ${login ?? 'this session'} is not in room ${roomName}`);
  if (!to) return refuse('sendMessage refused: options.to (the addressee\'s login) is missing');
  if (to === login) return refuse('sendMessage refused: a participant cannot message itself (the SDK knows no participant of that name)');
  const target = room.members.get(to);
  if (!target || !target.active) return refuse(`sendMessage refused: no participant ${to} in room ${roomName}`);
  return {
    ok: true,
    after: () => {
      // The addressee may have left while the DataStatusEvent hook was out.
      if (room.members.get(to) !== target || !target.active) {
        ctx.decide(s, 'sendMessage', `message to ${to} dropped: left room ${roomName} meanwhile`);
        return;
      }
      notify(ctx, target.session, roomName, 'MESSAGE', { from: login, text: options.text });
    },
  };
}

/** What roomApp makes of one sendData payload. */
function roomCommand(ctx: EngineContext, s: Session, p: Record<string, unknown>): DataDecision {
  const payload = isRecord(p.payload) ? p.payload : {};
  const command = str(payload.command);
  const options = isRecord(payload.options) ? payload.options : {};
  switch (command) {
    case 'join':
      return joinCommand(ctx, s, options);
    case 'leave':
      return leaveCommand(ctx, s, options);
    case 'sendMessage':
      return messageCommand(ctx, s, options);
    default:
      // Inferred: the SDK sends only these three; anything else is most likely a bug in the app.
      return refuse(`roomApp: unknown command ${JSON.stringify(payload.command ?? null)}; expected join, leave or sendMessage`);
  }
}

/** Announces a live room stream as PUBLISHED to the others, once. */
function announce(ctx: EngineContext, room: Room, member: RoomMember, st: StreamState): void {
  if (!member.active || !st.published || st.obj.status !== 'PUBLISHING' || member.announced.has(st.mediaSessionId)) return;
  if (member.session.streams.get(st.mediaSessionId) !== st || !belongsTo(st, room.name, member.login)) return;
  const name = String(st.obj.name);
  member.announced.set(st.mediaSessionId, name);
  for (const m of others(room, member.session)) notify(ctx, m.session, room.name, 'PUBLISHED', { login: member.login, name });
}

/** UNPUBLISHED (or FAILED, for a failed stream) to the others about one announced stream. */
function withdraw(ctx: EngineContext, room: Room, member: RoomMember, id: string, failed: boolean): void {
  const name = member.announced.get(id);
  if (name === undefined) return;
  member.announced.delete(id);
  for (const m of others(room, member.session)) notify(ctx, m.session, room.name, failed ? 'FAILED' : 'UNPUBLISHED', { login: member.login, name });
}

function leave(ctx: EngineContext, room: Room, member: RoomMember): void {
  if (room.members.get(member.login) !== member) return;
  if (member.active) {
    for (const id of [...member.announced.keys()]) withdraw(ctx, room, member, id, false);
    for (const m of others(room, member.session)) notify(ctx, m.session, room.name, 'LEFT', member.login);
  }
  room.members.delete(member.login);
  member.session.rooms.delete(room.name);
  if (member.active) ctx.decide(member.session, 'leave', `${JSON.stringify(member.login)} left room ${JSON.stringify(room.name)}${member.session.state === 'closed' ? ' (disconnected)' : ''}`);
  if (room.members.size === 0) ctx.rooms.delete(room.name);
}

/** A stream of a room session started or ended: the rooms it belongs to hear about it. */
export function roomStreamChanged(ctx: EngineContext, s: Session, st: StreamState): void {
  const login = roomLogin(s);
  if (!login) return;
  for (const roomName of s.rooms) {
    const room = ctx.rooms.get(roomName);
    const member = room?.members.get(login);
    if (!room || !member || member.session !== s) continue;
    if (s.streams.get(st.mediaSessionId) === st) announce(ctx, room, member, st);
    else withdraw(ctx, room, member, st.mediaSessionId, st.obj.status === 'FAILED');
  }
}

/** A room session is gone without `leave`: it leaves every room (ROOMS.md §6). */
export function leaveAllRooms(ctx: EngineContext, s: Session): void {
  const login = roomLogin(s);
  for (const roomName of [...s.rooms]) {
    const room = ctx.rooms.get(roomName);
    const member = room && login ? room.members.get(login) : undefined;
    if (room && member && member.session === s) leave(ctx, room, member);
  }
  s.rooms.clear();
}

/** The messages roomApp handles itself; everything else is the ordinary WebSDK protocol. */
export function roomMessages(ctx: EngineContext): Readonly<Record<string, MessageHandler>> {
  return {
    sendData: (_core, s, d) => sendData(ctx, s, d, (p) => roomCommand(ctx, s, p)),
  };
}
