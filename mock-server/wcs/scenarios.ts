/**
 * Realistic hook sequences fired at a backend through the engine, with a scripted WebSDK client on the
 * other side: what `wcs-hook-mock trigger` runs, and the load source for benchmarks (`sessions` ×
 * `concurrency`). Each scenario is what an app does with the SDK; the hooks are whatever the engine
 * fires for it, so they follow the same rules as with a real browser.
 */
import { WCS_REST_REQUEST_TIMEOUT_MS, sampleBody } from '../protocol';
import type { Backend } from './backend';
import { WcsEngine, type FarEndScript, type HookResult } from './engine';
import type { WcsLogEntry } from './log';
import { RoomClient } from './roomClient';
import { ScriptedClient, type ConnectOptions } from './scriptedClient';

export const SCENARIOS = ['connect', 'outgoing-call', 'incoming-call', 'publish', 'play', 'data', 'keep-alive', 'messaging', 'room'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export const SCENARIO_SUMMARIES: Readonly<Record<ScenarioName, string>> = {
  connect: 'createSession, then disconnect',
  'outgoing-call': 'SIP session, call 1002 (far end answers), hang up',
  'incoming-call': 'SIP session, a call from 1002 arrives (OnCallEvent), the client answers, then hangs up',
  publish: 'publish a stream, then stop it',
  play: 'publish a stream, play it, send a stream event to the player, stop both',
  data: 'sendData to the backend, then the server pushes data to the client',
  'keep-alive': 'publish a stream, two StreamKeepAliveEvent rounds, stop it',
  messaging: 'sendMessage, MessageStatusEvent, OnMessageEvent, MessageStatusEvent (no WebSDK API: hooks only)',
  room: 'roomApp: alice and bob join a room, alice publishes, bob plays it, they message each other, both leave',
};

export function isScenario(name: string): name is ScenarioName {
  return (SCENARIOS as readonly string[]).includes(name);
}

export interface ScenarioOptions {
  backend: Backend;
  /** Sessions to run in total (default 1). */
  sessions?: number;
  /** Sessions in flight at once (default 1). */
  concurrency?: number;
  hookTimeoutMs?: number;
  farEnd?: FarEndScript;
  fetch?: typeof fetch;
  /** Keep each session's log and SDK view; default: only when sessions ≤ 20 (load runs skip it). */
  transcripts?: boolean;
  /** Called for every hook that got an answer or failed; for progress output. */
  onHook?: (sessionId: string, method: string, result: HookResult) => void;
}

export interface SessionTranscript {
  readonly sessionId?: string;
  /** `completed`, `refused` (connect declined) or `error` (a step got no answer). */
  readonly outcome: 'completed' | 'refused' | 'error';
  readonly error?: string;
  /** What the WebSDK would have reported, in order. */
  readonly sdkEvents: readonly string[];
  readonly log: readonly WcsLogEntry[];
}

export interface ScenarioResult {
  readonly scenario: ScenarioName;
  readonly backend: string;
  readonly sessions: number;
  readonly completed: number;
  readonly refused: number;
  readonly hooks: number;
  /** Hooks answered with anything but 200 (declines included). */
  readonly hookErrors: number;
  readonly durationMs: number;
  /** Delivery failures (unreachable, timeout) and steps that got no answer, deduplicated with counts. */
  readonly errors: readonly string[];
  /** Why sessions stopped early by the backend's choice (a refused connect, a declined publish ...), with counts. */
  readonly stopped: readonly string[];
  /** True when no hook reached the backend at all (nothing listening there). */
  readonly unreachable: boolean;
  readonly transcripts: readonly SessionTranscript[];
}

type Step = (c: ScriptedClient, engine: WcsEngine, n: number) => Promise<void>;

function expectStatus(what: string, got: { status: string; info?: string }, ...want: string[]): void {
  if (!want.includes(got.status)) throw new StoppedEarly(`${what}: ${got.status}${got.info ? ` (${got.info})` : ''}`);
}

/** A step ended in a state the backend chose (e.g. a decline under FAIL): the scenario stops, not an error. */
class StoppedEarly extends Error {}

const SIP = { login: '1001', password: 'secret-1001', domain: '127.0.0.1', registerRequired: true };

/** Room commands answered FAILED (a declining backend) stop the scenario like any decline. */
function expectAccepted(what: string, got: { status: string; info?: string }): void {
  expectStatus(what, got, 'ACCEPTED');
}

/**
 * Two Room API participants (ROOMS.md §10). The scenario's session is alice's; bob is a second session
 * on the same engine. The SDK's view of both is checked: a frame the real Room API would throw on is an error.
 */
async function roomStory(c: ScriptedClient, engine: WcsEngine, n: number): Promise<void> {
  const room = `room-${n}`;
  const alice = new RoomClient(c, `alice-${n}`);
  const bob = new RoomClient(engine, `bob-${n}`);
  try {
    expectAccepted('alice join', await alice.join(room));
    await bob.connect();
    expectAccepted('bob join', await bob.join(room));
    await alice.waitForEvent((e) => e.name === 'JOINED', 'JOINED');
    const pub = await alice.publish(room);
    expectStatus('publish', pub, 'PUBLISHING');
    const published = await bob.waitForEvent((e) => e.name === 'PUBLISHED', 'PUBLISHED');
    const play = await bob.play(room, String((published.info as { name?: unknown }).name));
    expectStatus('play', play, 'PLAYING');
    expectAccepted('bob → alice message', await bob.message(room, alice.login, 'hi alice'));
    expectAccepted('alice → bob message', await alice.message(room, bob.login, 'hi bob'));
    await alice.waitForEvent((e) => e.name === 'MESSAGE', 'MESSAGE');
    await bob.waitForEvent((e) => e.name === 'MESSAGE', 'MESSAGE');
    // The SDK's leave: the command, then its local cleanup stops the room's streams (ROOMS.md §3).
    expectAccepted('bob leave', await bob.leave(room));
    await bob.client.stopStream(play.id, false);
    await alice.waitForEvent((e) => e.name === 'LEFT', 'LEFT');
    expectAccepted('alice leave', await alice.leave(room));
    await c.stopStream(pub.id, true);
    await engine.idle();
    const problems = [...alice.problems.map((p) => `alice: ${p}`), ...bob.problems.map((p) => `bob: ${p}`)];
    if (problems.length > 0) throw new Error(`the Room API would have thrown: ${problems.join('; ')}`);
  } finally {
    bob.client.disconnect();
  }
}

const STEPS: Readonly<Record<ScenarioName, { sip?: boolean; connect?: (n: number) => ConnectOptions; run: Step }>> = {
  connect: { run: async () => undefined },
  'outgoing-call': {
    sip: true,
    run: async (c) => {
      const call = await c.call('1002');
      expectStatus('call', call, 'ESTABLISHED');
      await c.callAction('hangup', call.id, ['FINISH']);
    },
  },
  'incoming-call': {
    sip: true,
    run: async (c, engine) => {
      const offered = c.waitFor((f) => f.message === 'notifyIncomingCall', 'notifyIncomingCall');
      const res = await engine.injectIncomingCall(c.sessionId!, { caller: '1002' });
      if (!res.offered) {
        void offered.catch(() => undefined);
        throw new StoppedEarly(`incoming call refused: the SIP caller got 403${res.info ? ` (${res.info})` : ''}`);
      }
      await offered;
      expectStatus('answer', await c.answer(res.callId), 'ESTABLISHED');
      await c.callAction('hangup', res.callId, ['FINISH']);
    },
  },
  publish: {
    run: async (c, _e, n) => {
      const pub = await c.publish(`stream-${n}`);
      expectStatus('publish', pub, 'PUBLISHING');
      await c.stopStream(pub.id, true);
    },
  },
  play: {
    run: async (c, engine, n) => {
      const pub = await c.publish(`stream-${n}`);
      expectStatus('publish', pub, 'PUBLISHING');
      const play = await c.play(`stream-${n}`);
      expectStatus('play', play, 'PLAYING');
      const event = c.waitFor((f) => f.message === 'notifyStreamEvent', 'notifyStreamEvent');
      c.sendStreamEvent(pub.id, 'data', { count: n });
      await event;
      await c.stopStream(play.id, false);
      await c.stopStream(pub.id, true);
      await engine.idle();
    },
  },
  data: {
    run: async (c, engine) => {
      await c.sendData({ message: 'hello from the scripted client' });
      const got = c.waitFor((f) => f.message === 'OnDataEvent', 'OnDataEvent');
      engine.pushData(c.sessionId!, { message: 'hello from the server' });
      await got;
    },
  },
  'keep-alive': {
    run: async (c, engine, n) => {
      const pub = await c.publish(`stream-${n}`);
      expectStatus('publish', pub, 'PUBLISHING');
      await engine.keepAliveRound(c.sessionId!);
      await engine.keepAliveRound(c.sessionId!);
      if (!engine.session(c.sessionId!)?.streams.length) throw new StoppedEarly('stream terminated by keep-alive');
      await c.stopStream(pub.id, true);
    },
  },
  messaging: {
    sip: true,
    // WebSDK 2.x has no SIP-message API, so these hooks are fired directly; fields follow the catalog's
    // samples (inferred, PROTOCOL.md §3.9), the order the §5.3 capture.
    run: async (c, engine) => {
      const sid = c.sessionId!;
      const body = (method: string, patch: Record<string, unknown>) => {
        const { nodeId: _n, appKey: _a, sessionId: _s, ...rest } = sampleBody(method);
        return { ...rest, ...patch };
      };
      const out = await engine.hook(sid, 'sendMessage', body('sendMessage', { from: '1001', to: '1002' }));
      if (!out.proceeds) throw new StoppedEarly(`sendMessage refused${out.info ? ` (${out.info})` : ''}`);
      await engine.hook(sid, 'MessageStatusEvent', body('MessageStatusEvent', { from: '1001', to: '1002', status: 'ACCEPTED' }));
      const inbound = await engine.hook(sid, 'OnMessageEvent', body('OnMessageEvent', { from: '1002', to: '1001' }));
      await engine.hook(sid, 'MessageStatusEvent', body('MessageStatusEvent', {
        id: inbound.body.id, from: '1002', to: '1001', body: inbound.body.body, status: inbound.proceeds ? 'RECEIVED' : 'FAILED',
      }));
    },
  },
  room: {
    connect: (n) => ({ appKey: 'roomApp', custom: { login: `alice-${n}`, scenario: 'room' } }),
    run: roomStory,
  },
};

async function oneSession(engine: WcsEngine, name: ScenarioName, n: number, waitMs: number): Promise<Omit<SessionTranscript, 'log'>> {
  const c = new ScriptedClient(engine, { origin: 'http://127.0.0.1', remoteAddress: '127.0.0.1', waitMs });
  const step = STEPS[name];
  try {
    const r = await c.connect(step.connect ? step.connect(n) : step.sip ? { sip: SIP, custom: { scenario: name } } : { custom: { scenario: name } });
    if (!r.established) {
      await c.whenClosed();
      return { sessionId: c.sessionId, outcome: 'refused', error: `connect refused: ${r.info}`, sdkEvents: c.sdkEvents };
    }
    await step.run(c, engine, n);
    c.disconnect();
    return { sessionId: c.sessionId, outcome: 'completed', sdkEvents: c.sdkEvents };
  } catch (err) {
    c.disconnect();
    const msg = err instanceof Error ? err.message : String(err);
    return { sessionId: c.sessionId, outcome: err instanceof StoppedEarly ? 'completed' : 'error', error: msg, sdkEvents: c.sdkEvents };
  }
}

function positive(name: string, v: number | undefined, def: number): number {
  if (v === undefined) return def;
  if (!Number.isInteger(v) || v < 1) throw new RangeError(`${name} must be an integer ≥ 1, got ${String(v)}`);
  return v;
}

/** What one session ended as, without its log (the run keeps the log once, in the engine). */
export type SessionOutcome = Omit<SessionTranscript, 'log'>;

export type ScenarioRunOptions = Omit<ScenarioOptions, 'sessions' | 'concurrency'>;

/** Distinct failure and stop messages kept per run; the rest are counted under one line. */
const MAX_DISTINCT_MESSAGES = 100;

/**
 * One engine that runs scenario sessions when its caller says so: `runScenario` runs N of them a few at a
 * time, the load scheduler at a rate, the Artillery engine one per virtual user. What it keeps is bounded
 * (counts, at most MAX_DISTINCT_MESSAGES distinct messages, the engine's log limit), unless transcripts
 * are asked for, which keep each session's outcome for the report.
 */
export class ScenarioRun {
  readonly engine: WcsEngine;
  private readonly keep: boolean;
  private readonly waitMs: number;
  private readonly failures = new Map<string, number>();
  private readonly stops = new Map<string, number>();
  private readonly outcomes: SessionOutcome[] = [];
  private readonly startedAt = now();
  private n = 0;
  private answered = 0;
  private counts = { sessions: 0, completed: 0, refused: 0 };

  constructor(private readonly opts: ScenarioRunOptions & { transcripts: boolean }) {
    this.keep = opts.transcripts;
    this.engine = new WcsEngine({
      backend: opts.backend,
      pingIntervalMs: 0,
      hookTimeoutMs: opts.hookTimeoutMs,
      farEnd: opts.farEnd,
      fetch: opts.fetch,
      // A load run keeps counts, not logs: transcripts need the log, anything else would only pay for copies.
      logLimit: this.keep ? 100_000 : 0,
    });
    // A step waits for several hooks (call: call, TRYING, RING, ESTABLISHED), each of which a developer may
    // hold in the hook server until the hook timeout; the client must not give up before the engine does.
    const hookTimeout = opts.hookTimeoutMs ?? WCS_REST_REQUEST_TIMEOUT_MS;
    this.waitMs = hookTimeout === 0 ? 24 * 3600_000 : hookTimeout * 5 + 5_000;
    this.engine.on('hook', (sid, method, r) => {
      if (r.response?.failure) this.note(this.failures, `${method}: ${r.response.error ?? r.response.failure}`);
      else if (r.sent) this.answered++;
      opts.onHook?.(sid, method, r);
    });
  }

  private note(m: Map<string, number>, msg: string): void {
    const key = m.has(msg) || m.size < MAX_DISTINCT_MESSAGES ? msg : 'other messages';
    m.set(key, (m.get(key) ?? 0) + 1);
  }

  /** Runs one session of `name` to its end; never throws. */
  async session(name: ScenarioName): Promise<SessionOutcome> {
    const n = ++this.n;
    this.counts.sessions++;
    const r = await oneSession(this.engine, name, n, this.waitMs);
    if (r.outcome === 'error' && r.error) this.note(this.failures, r.error);
    else if (r.error) this.note(this.stops, r.error);
    if (r.outcome === 'completed') this.counts.completed++;
    else if (r.outcome === 'refused') this.counts.refused++;
    if (this.keep) this.outcomes.push(r);
    return r;
  }

  /** Closes the engine (hooks in flight get their answers) and reports the run. */
  async finish(scenario: ScenarioName): Promise<ScenarioResult> {
    await this.engine.close({ abortHooks: false });
    const ended = now();
    const stats = this.engine.stats;
    const list = (m: Map<string, number>) => [...m].map(([msg, k]) => (k > 1 ? `${msg} (×${k})` : msg));
    return {
      scenario,
      backend: 'handler' in this.opts.backend ? 'in-process handler' : this.opts.backend.url,
      ...this.counts,
      hooks: stats.hooksSent,
      hookErrors: stats.hookErrors,
      durationMs: ended - this.startedAt,
      errors: list(this.failures),
      stopped: list(this.stops),
      unreachable: stats.hooksSent > 0 && this.answered === 0 && stats.deliveryFailures > 0,
      transcripts: this.keep ? this.outcomes.map((r) => ({ ...r, log: this.engine.log.filter((e) => e.sessionId === r.sessionId) })) : [],
    };
  }
}

const now = () => (typeof performance !== 'undefined' ? performance.now() : Date.now());

/** Runs `name` `sessions` times, `concurrency` at once, through one engine. */
export async function runScenario(name: string, opts: ScenarioOptions): Promise<ScenarioResult> {
  if (!isScenario(name)) throw new RangeError(`unknown scenario '${name}' (one of ${SCENARIOS.join(', ')})`);
  const sessions = positive('sessions', opts.sessions, 1);
  const concurrency = Math.min(positive('concurrency', opts.concurrency, 1), sessions);
  const run = new ScenarioRun({ ...opts, transcripts: opts.transcripts ?? sessions <= 20 });
  let started = 0;
  const worker = async () => {
    while (started < sessions) {
      started++;
      await run.session(name);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return run.finish(name);
}
