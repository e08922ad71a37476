/**
 * In-page / in-test transport: `new WebSocket(url)` for the mock's URL reaches the WCS engine through
 * mock-socket, with no network at all. Every other URL still gets the real WebSocket, so a dev server's
 * hot-reload socket (or any other socket of the page) keeps working while the mock is installed.
 */
import { Server, WebSocket as MockWebSocket, type Client } from 'mock-socket';
import { WcsEngine, type WcsEngineOptions } from './engine';
import { LoopbackMedia, loopbackAvailable, type MediaMode, type MediaPlane } from './media';
import { frameText, type AcceptingEngine, type ClientError } from './transport';
import type { WcsRestApiOptions } from './rest';
import { installRestFetch, type InstalledRestFetch } from './restFetch';

export type { ClientError } from './transport';

interface OwnEngine extends Omit<WcsEngineOptions, 'media'> {
  /** The WebSocket URL the app passes to `Flashphoner.createSession({urlServer})`, e.g. `ws://127.0.0.1:8080`. */
  url: string;
  /**
   * `loopback` (default where the page has RTCPeerConnection): real media through RTCPeerConnections in the
   * page. `synthetic` (default elsewhere, e.g. Node): SDP only, no media. Or a MediaPlane of your own.
   */
  media?: MediaMode | MediaPlane;
}

interface SharedEngine {
  url: string;
  /** Use this engine instead of creating one (e.g. one engine behind both transports). Not closed by uninstall(). */
  engine: AcceptingEngine;
}

export type InstallWcsMockOptions = (OwnEngine | SharedEngine) & {
  /** Called when the page's message handler throws on a frame the mock sent (the SDK has such bugs). */
  onClientError?: (e: ClientError) => void;
  /**
   * Also answer the page's `fetch` to this WCS REST URL (e.g. `http://127.0.0.1:8081/rest-api`) and the
   * control API on its origin, from the engine (restFetch.ts). Needs a WcsEngine.
   */
  restUrl?: string;
  /** Options of that REST API (auth, emptyList, terminateStatus). */
  rest?: WcsRestApiOptions;
};

export interface InstalledWcsMock<E extends AcceptingEngine = WcsEngine> {
  readonly engine: E;
  readonly server: Server;
  /** The URL as mock-socket normalised it. */
  readonly url: string;
  /** Frames the client's handlers threw on, oldest first. A test that expects a clean run asserts this is empty. */
  readonly clientErrors: readonly ClientError[];
  /** Closes every mock connection (the SDK sees the socket close), puts the previous WebSocket back. */
  uninstall(): Promise<void>;
}

type WebSocketCtor = new (url: string | URL, protocols?: string | string[]) => unknown;

const WS_CONSTANTS = { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 } as const;

/** The part of a WebSocket URL mock-socket routes by: scheme, host, port and path, without query or hash. */
function routeKey(url: string | URL): string | undefined {
  try {
    const u = new URL(String(url));
    return `${u.protocol}//${u.host}${u.pathname || '/'}`;
  } catch {
    return undefined;
  }
}

/** Our routing constructors, so an uninstall can skip links of the chain that were uninstalled out of order. */
const routers = new WeakMap<WebSocketCtor, { previous?: WebSocketCtor; isActive(): boolean }>();

function firstLive(ctor: WebSocketCtor | undefined): WebSocketCtor | undefined {
  let c = ctor;
  for (let r = c && routers.get(c); r && !r.isActive(); r = c && routers.get(c)) c = r.previous;
  return c;
}

function globalScope(): { WebSocket?: WebSocketCtor } {
  return globalThis as unknown as { WebSocket?: WebSocketCtor };
}

type Extras = Pick<InstallWcsMockOptions, 'onClientError' | 'restUrl' | 'rest'>;

function mediaPlane(media: MediaMode | MediaPlane | undefined): MediaPlane | undefined {
  if (media === undefined) return loopbackAvailable() ? new LoopbackMedia() : undefined;
  if (media === 'synthetic') return undefined;
  if (media === 'loopback') return new LoopbackMedia();
  if (typeof media === 'object' && media !== null && typeof media.answer === 'function') return media;
  throw new TypeError(`installWcsMock: media must be "loopback", "synthetic" or a MediaPlane, got ${JSON.stringify(media)}`);
}

export function installWcsMock(options: OwnEngine & Extras): InstalledWcsMock<WcsEngine>;
export function installWcsMock<E extends AcceptingEngine>(options: { url: string; engine: E } & Extras): InstalledWcsMock<E>;
export function installWcsMock(options: InstallWcsMockOptions): InstalledWcsMock<AcceptingEngine> {
  if (!options || typeof options.url !== 'string') throw new TypeError('installWcsMock needs {url: "ws://...", backend | engine}');
  const key = routeKey(options.url);
  if (!key || !/^wss?:$/.test(new URL(options.url).protocol)) {
    throw new TypeError(`installWcsMock: url must be a ws:// or wss:// URL, got "${options.url}"`);
  }
  const shared = 'engine' in options && options.engine !== undefined;
  let engine: AcceptingEngine;
  if (shared) {
    engine = (options as SharedEngine).engine;
  } else {
    const { url: _url, onClientError: _cb, restUrl: _r, rest: _o, media, ...engineOptions } = options as OwnEngine & Extras;
    engine = new WcsEngine({ serverAddress: new URL(options.url).host, ...engineOptions, media: mediaPlane(media) });
  }

  // mock: false — we route the global ourselves instead of letting mock-socket capture every URL.
  let server: Server;
  try {
    server = new Server(options.url, { mock: false });
  } catch (err) {
    if (!shared) void engine.close();
    if (/already listening/.test(String(err))) {
      throw new Error(`installWcsMock: a mock is already installed on ${options.url}; uninstall() it first`);
    }
    throw err;
  }
  let restFetch: InstalledRestFetch | undefined;
  if (options.restUrl !== undefined) {
    const withSurface = engine as Partial<WcsEngine>;
    try {
      if (typeof withSurface.surface !== 'function') throw new TypeError('installWcsMock: restUrl needs a WcsEngine (its REST API reads the engine)');
      restFetch = installRestFetch(withSurface as WcsEngine, options.restUrl, options.rest);
    } catch (err) {
      server.stop();
      if (!shared) void engine.close();
      throw err;
    }
  }
  const clientErrors: ClientError[] = [];
  const origin = (globalThis as { location?: { origin?: string } }).location?.origin;

  server.on('connection', (socket: Client) => {
    let open = true;
    const link = engine.accept(
      {
        send(text: string) {
          // A real browser drops frames once close() was called; mock-socket would still deliver them.
          if (!open || socket.readyState !== WS_CONSTANTS.OPEN) return;
          try {
            socket.send(text);
          } catch (error) {
            // mock-socket delivers synchronously: this is the page's onmessage throwing, not a transport fault.
            const e = { frame: text, error };
            clientErrors.push(e);
            try {
              options.onClientError?.(e);
            } catch {
              /* a failing observer must not hide the client's error */
            }
            // The engine catches this too and puts "client threw" in its log next to the frame.
            throw error;
          }
        },
        close(code?: number, reason?: string) {
          if (!open) return;
          socket.close({ code: code ?? 1000, reason: reason ?? '', wasClean: true });
        },
      },
      { origin, remoteAddress: '127.0.0.1' },
    );
    let ended = false;
    socket.on('message', (data) => {
      if (!open) return;
      const text = frameText(data);
      if (typeof text === 'string') link.receive(text);
      else void text.then((t) => open && link.receive(t), () => undefined);
    });
    socket.on('close', () => {
      open = false;
      if (ended) return;
      ended = true;
      link.closed();
    });
  });

  // Route the mock URL to mock-socket and everything else to whatever WebSocket was there before.
  const scope = globalScope();
  const previous = scope.WebSocket;
  let active = true;
  const Routed = function WebSocket(this: unknown, url: string | URL, protocols?: string | string[]) {
    if (active && routeKey(url) === key) return new MockWebSocket(url, protocols) as object;
    if (!previous) throw new Error(`WebSocket to ${String(url)}: no WebSocket implementation besides the WCS mock here`);
    return new previous(url, protocols) as object;
  } as unknown as WebSocketCtor;
  Object.assign(Routed, WS_CONSTANTS);
  (Routed as unknown as { prototype: unknown }).prototype = (previous ?? MockWebSocket).prototype;
  routers.set(Routed, { previous, isActive: () => active });
  scope.WebSocket = Routed;

  let uninstalled: Promise<void> | undefined;
  return {
    engine,
    server,
    url: (server as unknown as { url: string }).url,
    clientErrors,
    uninstall() {
      uninstalled ??= (async () => {
        active = false;
        restFetch?.uninstall();
        // Only put the old WebSocket back if nobody installed over us; otherwise stay in the chain as a pass-through.
        if (scope.WebSocket === Routed) {
          const restore = firstLive(previous);
          // Node 20 has no WebSocket global: leave none behind, so `'WebSocket' in globalThis` is false again.
          if (restore === undefined) delete scope.WebSocket;
          else scope.WebSocket = restore;
        }
        server.close({ code: 1001, reason: 'WCS mock uninstalled', wasClean: true });
        server.stop();
        if (!shared) await engine.close();
      })();
      return uninstalled;
    },
  };
}
