/**
 * The `wcs` Playwright fixture: a WCS engine in the test's own Node process, reached by the page through
 * `routeWebSocket`. The app under test keeps its real WebSDK and its own `urlServer`; Playwright hands every
 * matching WebSocket to the engine instead of the network, so the page needs no injected script, and hooks
 * go from Node (fetch to a real backend URL, or a handler in the test) with no CORS in the way.
 */
import { test as base, type BrowserContext, type Page, type WebSocketRoute } from '@playwright/test';
import {
  WcsEngine,
  type Backend,
  type FarEndScript,
  type HookReply,
  type HookResult,
  type IncomingCallRequest,
  type IncomingCallResult,
  type WcsAppConfig,
  type WcsEngineOptions,
  type WcsLogEntry,
  type WcsSessionInfo,
} from '../index';

/** What `routeWebSocket` accepts as a URL matcher. */
export type WebSocketUrlMatcher = string | RegExp | ((url: URL) => boolean);

export interface WcsFixtureOptions {
  /**
   * The WebSocket(s) to hand to the engine: the app's `urlServer`, as a glob, RegExp or predicate. Default: any
   * `ws:` URL on port 8080 and any `wss:` URL on port 8443 (WCS's own ports), so a dev server's hot-reload
   * socket on another port keeps working.
   */
  url?: WebSocketUrlMatcher;
  /** Where hooks go: `{url}` (a real backend, POSTed from Node) or `{handler}` (a function in the test). Default: echo (200, the body back). */
  backend?: Backend;
  /**
   * Applications by appKey, as in WCS's `add app`: each with its own backend, hook methods and built-in
   * behaviour (`roomApp`). `defaultApp` and `roomApp` always exist; an unknown appKey is refused unless
   * `engine.unknownApps` is `'accept'`.
   */
  apps?: Record<string, WcsAppConfig>;
  /** What the SIP side does with outgoing calls. Default: answers at once. */
  farEnd?: FarEndScript;
  /** Any other engine option (pingIntervalMs, hookTimeoutMs, sdpAnswer, unknownApps ...). */
  engine?: Omit<WcsEngineOptions, 'backend' | 'farEnd' | 'apps'>;
  /** `context` (default) routes every page of the test's browser context, popups included; `page` only the test's page. */
  scope?: 'context' | 'page';
}

/** One hook the engine fired during the test, with what came of it. */
export interface WcsHook {
  readonly sessionId: string;
  readonly method: string;
  /** The hook body (restOverwrite fields taken from the answer); `result.sent` is false when restPolicy DISABLE skipped it. */
  readonly body: Readonly<Record<string, unknown>>;
  /** The backend's HTTP status; 0 when no answer arrived (timeout, unreachable, handler threw) or the hook was skipped. */
  readonly status: number;
  readonly result: HookResult;
}

export interface WaitForHookOptions {
  /** Only hooks of this session. */
  sessionId?: string;
  /** Only hooks this accepts (e.g. `(h) => h.body.status === 'PUBLISHING'`). */
  where?: (hook: WcsHook) => boolean;
  /** Milliseconds; default 10000. The error message carries the engine's log. */
  timeout?: number;
}

export interface WcsFixture {
  /** The engine itself, for anything the levers below do not cover. */
  readonly engine: WcsEngine;
  /** Hooks fired so far, oldest first; the latest `engine.logLimit` (default 10000) are kept. */
  readonly hooks: readonly WcsHook[];
  /** The engine's event log (bounded by its `logLimit`, default 10000 entries). */
  readonly log: readonly WcsLogEntry[];
  /** The log as text, for assertion messages. */
  logText(sessionId?: string): string;
  /** Sessions not yet closed. */
  sessions(): WcsSessionInfo[];
  /** The first hook (already fired or still to come) of `method` that matches; rejects after the timeout. */
  waitForHook(method: string, options?: WaitForHookOptions): Promise<WcsHook>;
  /** An incoming SIP call to a session (selected by sessionId, sipLogin or appKey): OnCallEvent, then the client rings. */
  incomingCall(session: string, call: IncomingCallRequest): Promise<IncomingCallResult>;
  /** Server → client data (the REST API's /data/send): the client gets APP_DATA. */
  pushData(session: string, payload: unknown): void;
  /**
   * A live stream ends as WCS ends it on a media failure (StreamStatusEvent, then the app sees FAILED with
   * `info`, default "Failed by RTP activity"); `stream` is a mediaSessionId or a stream name. Other faults:
   * `engine.faults`.
   */
  failStream(stream: string, info?: string): Promise<string[]>;
  /** The far end hangs up a live call. */
  hangup(callId: string): Promise<void>;
  /** Closes a session from the server side; the disconnect hooks follow. */
  dropSession(session: string, reason?: string): Promise<void>;
  /** Fires any hook for a session (e.g. the messaging hooks no WebSDK message triggers). */
  hook(session: string, method: string, payload?: Record<string, unknown>): Promise<HookResult>;
  /** Resolves once no session has hooks in flight. */
  idle(): Promise<void>;
}

/** WCS's own ports: 8080 plain, 8443 TLS. */
function wcsPorts(url: URL): boolean {
  return (url.protocol === 'ws:' && url.port === '8080') || (url.protocol === 'wss:' && url.port === '8443');
}

const echo = (_method: string, body: Record<string, unknown>): HookReply => ({ status: 200, body });

const DEFAULT_WAIT_MS = 10_000;
const DEFAULT_HOOK_LIMIT = 10_000;

function pageOrigin(page: Page): string | undefined {
  try {
    const origin = new URL(page.url()).origin;
    return origin === 'null' ? undefined : origin;
  } catch {
    return undefined;
  }
}

/** One routed WebSocket becomes one engine session; closing either side closes the other. */
function connect(engine: WcsEngine, ws: WebSocketRoute, origin: string | undefined): void {
  let open = true;
  const link = engine.accept(
    {
      send(text) {
        if (open) ws.send(text);
      },
      close(code, reason) {
        if (!open) return;
        open = false;
        // The page may already be gone (test ending); nothing is left to tell then.
        ws.close({ code: code ?? 1000, reason }).catch(() => undefined);
      },
    },
    { origin, remoteAddress: '127.0.0.1' },
  );
  ws.onMessage((message) => {
    if (open) link.receive(typeof message === 'string' ? message : message.toString('utf8'));
  });
  ws.onClose(() => {
    open = false;
    link.closed();
  });
}

/** Builds the fixture's engine and its test-facing side; `dispose` ends it. */
export function createWcsFixture(options: WcsFixtureOptions): { fixture: WcsFixture; route: (target: Page | BrowserContext, page?: Page) => Promise<void>; dispose: () => Promise<void> } {
  const engine = new WcsEngine({
    pingIntervalMs: 0,
    ...options.engine,
    backend: options.backend ?? { handler: echo },
    farEnd: options.farEnd,
    ...(options.apps ? { apps: options.apps } : {}),
  });
  const hooks: WcsHook[] = [];
  // The same bound as the engine's log: a long test keeps the latest hooks, not all of them.
  const hookLimit = Math.max(1, options.engine?.logLimit ?? DEFAULT_HOOK_LIMIT);
  const waiters = new Map<(h: WcsHook) => void, (why: Error) => void>();
  engine.on('hook', (sessionId, method, result) => {
    const h: WcsHook = { sessionId, method, body: result.body, status: result.response?.status ?? 0, result };
    hooks.push(h);
    if (hooks.length > hookLimit) hooks.splice(0, hooks.length - hookLimit);
    for (const w of [...waiters.keys()]) w(h);
  });

  const fixture: WcsFixture = {
    engine,
    hooks,
    get log() {
      return engine.log;
    },
    logText: (sessionId) => engine.logText(sessionId),
    sessions: () => engine.sessions(),
    waitForHook(method, o = {}) {
      const matches = (h: WcsHook) => h.method === method && (o.sessionId === undefined || h.sessionId === o.sessionId) && (!o.where || o.where(h));
      const seen = hooks.find(matches);
      if (seen) return Promise.resolve(seen);
      const timeout = o.timeout ?? DEFAULT_WAIT_MS;
      return new Promise<WcsHook>((resolve, reject) => {
        const settle = (h: WcsHook | Error) => {
          clearTimeout(timer);
          waiters.delete(waiter);
          if (h instanceof Error) reject(h);
          else resolve(h);
        };
        const waiter = (h: WcsHook) => {
          if (matches(h)) settle(h);
        };
        const timer = setTimeout(() => {
          settle(new Error(`no ${method} hook within ${timeout} ms; engine log:\n${engine.logText() || '(empty: did the page connect to a routed URL?)'}`));
        }, timeout);
        waiters.set(waiter, settle);
      });
    },
    incomingCall: (session, call) => engine.injectIncomingCall(session, call),
    pushData: (session, payload) => engine.pushData(session, payload),
    failStream: (stream, info) => engine.faults.failStream(stream, info),
    hangup: (callId) => engine.hangupFromFarEnd(callId),
    dropSession: (session, reason) => engine.dropSession(session, reason),
    hook: (session, method, payload) => engine.hook(session, method, payload),
    idle: () => engine.idle(),
  };

  const matcher = options.url ?? wcsPorts;
  return {
    fixture,
    async route(target, page) {
      await target.routeWebSocket(matcher, (ws) => connect(engine, ws, page ? pageOrigin(page) : undefined));
    },
    // Hooks still in flight when the test ends are abandoned: the test's verdict is already in.
    async dispose() {
      for (const settle of [...waiters.values()]) settle(new Error('the test ended while waiting for a hook'));
      await engine.close({ abortHooks: true });
    },
  };
}

export interface WcsTestFixtures {
  wcs: WcsFixture;
}

export interface WcsTestOptions {
  wcsOptions: WcsFixtureOptions;
}

/** Playwright's `test` with the `wcs` fixture and its `wcsOptions` option (`test.use({ wcsOptions: {...} })`). */
export const test = base.extend<WcsTestFixtures & WcsTestOptions>({
  wcsOptions: [{}, { option: true }],
  wcs: async ({ wcsOptions, context, page }, use) => {
    const { fixture, route, dispose } = createWcsFixture(wcsOptions);
    try {
      await route(wcsOptions.scope === 'page' ? page : context, page);
      await use(fixture);
    } finally {
      await dispose();
    }
  },
});
