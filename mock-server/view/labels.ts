/**
 * The vocabulary of exchanges: how every surface (terminal, log lines, tree, tooltips, messages, exports)
 * names an answer, who gave it, a hook's key fields, times and durations. One module, so a word changes
 * in one place.
 *
 * Two registers, on purpose (each is asserted by its surface's tests):
 * - the terminal and log lines name the answer *form* as rules files write it ("403 forbid", "200 merge",
 *   "500 body") and who answered by the server's own word ("developer", "timeout"): they are read next to
 *   rules files and journal records;
 * - the tree, tooltips and messages say what happened, for a person ("403", "200 merged", "200 edited",
 *   answered by "you", "hold timeout").
 */
import { describeAnswer, type AnsweredBy, type Exchange, type ForwardLeg, type SentAnswer } from '../hooks';
import { recordOr, str } from '../util';

export type Register = 'log' | 'person';

/** Who answered, in both registers; a rule by its 1-based number, the rules file's default or the policy as "default". */
const WHO: Readonly<Record<Exclude<AnsweredBy, 'rule'>, Readonly<Record<Register, string>>>> = {
  developer: { log: 'developer', person: 'you' },
  timeout: { log: 'timeout', person: 'hold timeout' },
  shutdown: { log: 'shutdown', person: 'shutdown' },
  server: { log: 'server', person: 'server' },
  backend: { log: 'backend', person: 'your backend' },
  fallback: { log: 'fallback', person: 'fallback' },
};

export function answeredBy(answer: SentAnswer, register: Register = 'person'): string {
  if (answer.by === 'rule') return answer.ruleIndex !== undefined ? `rule ${answer.ruleIndex + 1}` : 'default';
  return WHO[answer.by][register];
}

/** "1 hook", "8 hooks": a count with its noun in the right number (the nouns used here add an s). */
export function counted(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** Cuts text to `max` characters, marking the cut. */
export function clip(text: string, max = 40): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * The answer in one of the two registers: `log` is the form with the status actually sent ("403 forbid");
 * `person` is what the developer sees it did ("403", `403 "busy"`, "200 merged", "200 edited").
 */
export function answerLabel(answer: SentAnswer, register: Register = 'person'): string {
  const spec = answer.spec;
  // Forward mode: the backend's own answer, passed on as it came; its status is the whole story.
  if (answer.by === 'backend') return `${answer.status}`;
  if (register === 'log') {
    const text = describeAnswer(spec);
    // Show the status actually sent (a server error answer's spec already says it, echo is always 200).
    return text.startsWith(String(answer.status)) ? text : `${answer.status} ${text}`;
  }
  if (spec === 'echo') return '200 echo';
  if (spec === 'forbid') return '403';
  if ('reason' in spec && spec.reason !== undefined) return `${spec.status} "${clip(spec.reason, 30)}"`;
  if ('merge' in spec && spec.merge !== undefined) return `${spec.status} merged`;
  if ('body' in spec && spec.body !== undefined) return `${spec.status} edited`;
  return `${spec.status}`;
}

/** How a forward failure kind reads: "refused", "timeout", "reset", "bad status line"… */
const FAILURE_WORDS: Readonly<Record<NonNullable<ForwardLeg['failure']>['kind'], string>> = {
  refused: 'refused',
  timeout: 'timeout',
  reset: 'reset',
  'bad-response': 'bad status line',
  unreachable: 'unreachable',
  'too-large': 'answer too large',
  error: 'error',
};

/**
 * The backend leg of a forwarded exchange in a few words: "→ backend 200 12ms", "→ backend refused 3ms",
 * "→ backend held before sending", "→ backend 200 12ms, held before WCS gets it". Undefined when not forwarded.
 */
export function backendLegLabel(leg: ForwardLeg | undefined): string | undefined {
  if (!leg) return undefined;
  const edited = leg.request?.body !== undefined ? ' (edited)' : '';
  if (leg.failure) return `→ backend ${FAILURE_WORDS[leg.failure.kind]} ${formatLatency(leg.failure.latencyMs)}${edited}`;
  if (leg.response) {
    const text = `→ backend ${leg.response.status} ${formatLatency(leg.response.latencyMs)}${edited}`;
    return leg.stage === 'after' ? `${text}, held before WCS gets it` : text;
  }
  if (leg.stage === 'before') return '→ backend: held before sending';
  if (leg.stage === 'sending') return '→ backend …';
  return '→ backend: not sent';
}

/** Why the backend gave no answer, in a sentence (for the line under a forwarded exchange). */
export function backendFailure(leg: ForwardLeg | undefined): string | undefined {
  return leg?.failure ? `backend ${FAILURE_WORDS[leg.failure.kind]}: ${leg.failure.message}` : undefined;
}

/** `HH:MM:SS` local time, or `HH:MM:SS.mmm` with milliseconds. */
export function clock(ms: number, withMs = false): string {
  const d = new Date(ms);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const s = `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
  return withMs ? `${s}.${p(d.getMilliseconds(), 3)}` : s;
}

/** "85ms", "1.5s"; '' when unknown. */
export function formatLatency(ms: number | undefined): string {
  if (ms === undefined) return '';
  return ms < 1000 ? `${ms}ms` : `${(ms / 1000).toFixed(1)}s`;
}

/** Seconds until a held hook's fallback answer; undefined when it waits forever. */
export function remainingSeconds(ex: Exchange, now: number): number | undefined {
  if (ex.holdDeadline === undefined) return undefined;
  return Math.max(0, (ex.holdDeadline - now) / 1000);
}

/** "9 s left" for a held exchange with a deadline; undefined when it is not held or waits forever. */
export function timeLeft(ex: Exchange, now: number): string | undefined {
  if (ex.state !== 'pending') return undefined;
  const s = remainingSeconds(ex, now);
  return s === undefined ? undefined : `${Math.ceil(s)} s left`;
}

/**
 * "15 min left", then "59 s left" in the last minute: for a place that costs the UI a round trip to refresh
 * (the line above an answer draft), so it changes once a minute until the last one.
 */
export function coarseTimeLeft(seconds: number): string {
  return seconds >= 60 ? `${Math.ceil(seconds / 60)} min left` : `${Math.ceil(seconds)} s left`;
}

/** The body's fields, never throwing on a body that is not an object. */
export function bodyFields(ex: Exchange): Record<string, unknown> {
  return recordOr(ex.body);
}

/** WCS's built-in room application, the Room API's default appKey. */
const ROOM_APP = 'roomApp';

/** What a hook says about roomApp (docs/wcs-rooms.md). */
export interface RoomFacts {
  /** The participant's name: `custom.login` of the connection, as the Room API sends it. */
  readonly login?: string;
  /** A room command sent with sendData (`join`, `leave`, `sendMessage`) and the room it names. */
  readonly command?: string;
  readonly room?: string;
}

/**
 * The Room API adds no hooks of its own: a participant's login rides in `custom.login` of every hook of its
 * session, and a room command is an OnDataEvent whose payload is `{command, options}` (inferred from the SDK,
 * as the WCS mock's roomApp is).
 */
export function roomFacts(body: Record<string, unknown>): RoomFacts {
  const custom = recordOr(body.custom);
  const payload = recordOr(body.payload);
  const options = recordOr(payload.options);
  const command = str(payload.command);
  const isRoomCommand = command === 'join' || command === 'leave' || command === 'sendMessage';
  // Other apps put what they like in `custom`; a login means a participant only in roomApp or a room command.
  const inRooms = isRoomCommand || body.appKey === ROOM_APP;
  return {
    login: inRooms ? str(custom.login) : undefined,
    command: isRoomCommand ? command : undefined,
    room: isRoomCommand ? (str(options.name) ?? str(recordOr(options.roomConfig).name)) : undefined,
  };
}

/**
 * The fields that tell one hook of a method from another, as the tree shows them: status, caller→callee,
 * from→to, stream name, a room command and its room, info.
 */
export function keyFields(ex: Exchange): string {
  const b = bodyFields(ex);
  const parts: string[] = [];
  const status = str(b.status);
  if (status) parts.push(status);
  const room = roomFacts(b);
  if (room.command) parts.push(`${room.command} ${room.room ?? '?'}`);
  const caller = str(b.caller);
  const callee = str(b.callee);
  if (caller || callee) parts.push(`${caller ?? '?'}→${callee ?? '?'}`);
  const from = str(b.from);
  const to = str(b.to);
  if (!caller && !callee && (from || to)) parts.push(`${from ?? '?'}→${to ?? '?'}`);
  const name = str(b.name);
  if (name) parts.push(name);
  const info = str(b.info);
  if (info) parts.push(clip(info));
  return parts.join(' ');
}

/**
 * The same facts as a terminal line shows them, ids first: a terminal has no tree to group by session, call
 * or stream, so their ids (shortened to the tail that differs) come before the body fields.
 */
export function keyFieldsWithIds(ex: Exchange): string {
  const k = ex.keys;
  const parts: string[] = [];
  if (k.sessionId) parts.push(`session …${k.sessionId.slice(-8)}`);
  if (k.callId) parts.push(`call ${k.callId.length > 14 ? '…' + k.callId.slice(-12) : k.callId}`);
  if (k.name) parts.push(`stream ${k.name}`);
  else if (k.mediaSessionId) parts.push(`media …${k.mediaSessionId.slice(-8)}`);
  const b = bodyFields(ex);
  for (const f of ['status', 'callee', 'caller', 'to', 'from'] as const) {
    const v = str(b[f]);
    if (v) parts.push(`${f} ${v}`);
  }
  // A terminal has no session row to carry the participant's name, so every room hook names it.
  const room = roomFacts(b);
  if (room.login) parts.push(`login ${room.login}`);
  if (room.command) parts.push(`${room.command} ${room.room ?? '?'}`);
  return parts.join(' · ');
}
