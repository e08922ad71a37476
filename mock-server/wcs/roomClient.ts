/**
 * A Room API stand-in over ScriptedClient: the commands `RoomApi` sends (ROOMS.md §3) and the room model the
 * SDK keeps from the frames it receives (ROOMS.md §4), so `trigger room` and the engine's tests see what a
 * real room page would, including the frames the SDK would throw on (recorded in `problems`).
 */
import { recordOr } from '../util';
import type { WcsEngine } from './engine';
import { ScriptedClient, type ServerFrame, type StatusResult } from './scriptedClient';

/** One room notification as the SDK's room handler gets it. */
export interface RoomEvent {
  readonly roomName: string;
  readonly name: string;
  readonly info: unknown;
}

export class RoomClient {
  readonly client: ScriptedClient;
  /** Room notifications in arrival order. */
  readonly events: RoomEvent[] = [];
  /** Frames the real SDK would throw on or drop with a console error. */
  readonly problems: string[] = [];
  /** What the SDK knows per joined room: participant login → its stream names. */
  private readonly known = new Map<string, Map<string, Set<string>>>();

  /** A new client on `engine`, or Room API behaviour on top of a client that is already connected. */
  constructor(from: WcsEngine | ScriptedClient, readonly login: string) {
    this.client = from instanceof ScriptedClient ? from : new ScriptedClient(from);
    const send = this.client.send.bind(this.client);
    // Watch every frame before the waiters see it, as the SDK's handler would.
    this.client.send = (raw: string) => {
      send(raw);
      const f = this.client.frames[this.client.frames.length - 1];
      if (f?.message === 'OnDataEvent') this.onData(f);
    };
  }

  async connect(appKey = 'roomApp'): Promise<void> {
    const r = await this.client.connect({ appKey, custom: { login: this.login } });
    if (!r.established) throw new Error(`${this.login}: connect refused: ${r.info ?? ''}`);
  }

  /** `session.join({name})`: resolves with the DataStatusEvent; the room is tracked from the moment it is sent. */
  join(room: string): Promise<StatusResult> {
    if (!this.known.has(room)) this.known.set(room, new Map());
    return this.client.sendData({ command: 'join', options: { name: room } });
  }

  /** `room.leave()`: the SDK forgets the room whatever the answer. */
  async leave(room: string): Promise<StatusResult> {
    const r = await this.client.sendData({ command: 'leave', options: { name: room } });
    this.known.delete(room);
    return r;
  }

  message(room: string, to: string, text: string): Promise<StatusResult> {
    return this.client.sendData({ command: 'sendMessage', options: { roomConfig: { name: room }, to, text } });
  }

  /** `room.publish()`: the stream name and custom the SDK gives it (ROOMS.md §5). */
  publish(room: string, suffix = Math.random().toString(16).slice(2, 6)): Promise<StatusResult> {
    return this.client.publish(`${room}-${this.login}-${suffix}`, { custom: { name: room } });
  }

  play(room: string, streamName: string): Promise<StatusResult> {
    return this.client.play(streamName, { custom: { name: room } });
  }

  /** Participants the SDK shows for a room, with their streams. */
  participants(room: string): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const [login, streams] of this.known.get(room) ?? []) out[login] = [...streams];
    return out;
  }

  /** `name info` of each event, e.g. `JOINED "bob"`, for sequence assertions. */
  eventList(room?: string): string[] {
    return this.events.filter((e) => room === undefined || e.roomName === room).map((e) => `${e.name} ${JSON.stringify(e.info)}`);
  }

  /** Resolves at the next room event passing `test` (earlier events included). */
  async waitForEvent(test: (e: RoomEvent) => boolean, what: string): Promise<RoomEvent> {
    const seen = this.events.find(test);
    if (seen) return seen;
    const f = await this.client.waitFor((x) => x.message === 'OnDataEvent' && isRoomEvent(x) && test(toEvent(x)), what);
    return toEvent(f);
  }

  private onData(f: ServerFrame): void {
    if (!isRoomEvent(f)) {
      this.problems.push(`OnDataEvent without payload.roomName: ${JSON.stringify(f.data[0])}`);
      return;
    }
    const e = toEvent(f);
    this.events.push(e);
    const room = this.known.get(e.roomName);
    if (!room) {
      this.problems.push(`${e.name} for room ${e.roomName}, which this session has not joined`);
      return;
    }
    const info = recordOr(e.info);
    const needKnown = (login: unknown, what: string) => {
      if (typeof login !== 'string' || !room.has(login)) this.problems.push(`${what} about unknown login ${JSON.stringify(login)} in ${e.roomName}`);
      return typeof login === 'string' ? room.get(login) : undefined;
    };
    switch (e.name) {
      case 'STATE':
        if (!Array.isArray(e.info)) this.problems.push('STATE info is not an array');
        for (const entry of Array.isArray(e.info) ? e.info : []) {
          if (typeof entry === 'string') room.set(entry, new Set());
          else {
            const o = recordOr(entry);
            const login = String(o.login);
            if (!room.has(login)) room.set(login, new Set());
            room.get(login)!.add(String(o.name));
          }
        }
        break;
      case 'JOINED':
        if (typeof e.info !== 'string') this.problems.push('JOINED info is not a login');
        if (e.info === this.login) this.problems.push('JOINED about oneself');
        room.set(String(e.info), new Set());
        break;
      case 'LEFT':
        needKnown(e.info, 'LEFT');
        room.delete(String(e.info));
        break;
      case 'PUBLISHED':
        if (info.login === this.login) this.problems.push('PUBLISHED about oneself');
        needKnown(info.login, 'PUBLISHED')?.add(String(info.name));
        break;
      case 'UNPUBLISHED':
      case 'FAILED':
        needKnown(info.login, e.name)?.delete(String(info.name));
        break;
      case 'MESSAGE':
        needKnown(info.from, 'MESSAGE');
        break;
      default:
        break;
    }
  }
}

function isRoomEvent(f: ServerFrame): boolean {
  const p = recordOr(recordOr(f.data[0]).payload);
  return typeof p.roomName === 'string' && p.roomName.length > 0;
}

function toEvent(f: ServerFrame): RoomEvent {
  const p = recordOr(recordOr(f.data[0]).payload);
  return { roomName: String(p.roomName), name: String(p.name), info: p.info };
}
