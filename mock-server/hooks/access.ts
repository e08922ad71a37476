/**
 * Who may post hooks to the server. A mock backend on a developer's machine is reachable by every web page the
 * developer visits, so before a request becomes a hook it must name this machine by a loopback Host (DNS
 * rebinding), come from no page or an allowed one (CORS), and, once its body is read, carry the credentials
 * WCS was configured with. Requests turned away here never become exchanges; they are counted instead.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isLoopback, isLoopbackHostHeader, normalizeOrigin, originAllowed } from '../util';
import { checkBasic, checkSignature } from './auth';

export interface AccessOptions {
  /** The address the server binds: bound to loopback, requests must also name it by a loopback Host. */
  readonly host: string;
  /** Web page origins allowed besides loopback ones. */
  readonly allowOrigins?: readonly string[];
  readonly basicAuth?: { readonly username: string; readonly password: string };
  /** Check `Authorization: WCS <hex HMAC-MD5 of the raw body>`. */
  readonly signingSecret?: string;
}

/** Requests refused before they became hooks, by reason (each also announced as a warning, rate-limited). */
export interface RefusedCounts {
  /** A `Host` that is not a loopback name while bound to loopback (DNS rebinding): 421. */
  host: number;
  /** A browser page whose origin is not allowed: 403. */
  origin: number;
  /** A method other than POST (a browser's address bar, a health check's GET); CORS preflights are not counted: 405. */
  method: number;
}

/** CORS for an allowed page: its own origin (never `*`), a fixed list of headers (never reflected). */
function corsHeaders(origin: string): string[] {
  return [
    'Access-Control-Allow-Origin', origin,
    'Vary', 'Origin',
    'Access-Control-Allow-Methods', 'POST, OPTIONS',
    'Access-Control-Allow-Headers', 'Authorization, Content-Type, Accept',
    'Access-Control-Max-Age', '86400',
  ];
}

const NO_CORS: readonly string[] = Object.freeze([]);

interface SeenHeaders {
  host: string | undefined;
  origin: string | undefined;
  origins: number;
}

const seenHeaders: SeenHeaders = { host: undefined, origin: undefined, origins: 0 };

/**
 * Host (the first, as Node's header object keeps it) and Origin, read from the raw list: `req.headers` builds
 * an object of every header, lower-cased, on first read, which the hot path otherwise never needs. The result
 * is one reused object, read before the next call.
 */
function scanHeaders(raw: readonly string[]): SeenHeaders {
  const seen = seenHeaders;
  seen.host = undefined;
  seen.origin = undefined;
  seen.origins = 0;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length === 4) {
      if (seen.host === undefined && name.toLowerCase() === 'host') seen.host = raw[i + 1];
    } else if (name.length === 6 && name.toLowerCase() === 'origin') {
      if (seen.origins++ === 0) seen.origin = raw[i + 1];
    }
  }
  return seen;
}

export class AccessGate {
  private readonly host: string;
  private readonly allowOrigins: readonly string[];
  private readonly basicAuth?: { readonly username: string; readonly password: string };
  private readonly secret?: string;
  /** Bound to loopback: then a request must also name this machine by a loopback Host. */
  private readonly checkHost: boolean;
  private readonly counts: RefusedCounts = { host: 0, origin: 0, method: 0 };
  /** The CORS headers decided for a hook's response when its request arrived (allowed pages only). */
  private readonly corsFor = new WeakMap<ServerResponse, readonly string[]>();
  private anyCors = false;
  private lastHost: string | undefined;
  private lastHostLoopback = false;

  /** @param warn announces a refused request (the server's `warning` event) */
  constructor(options: AccessOptions, private readonly warn: (message: string) => void) {
    this.host = options.host;
    this.allowOrigins = (options.allowOrigins ?? []).map((o) => {
      const n = normalizeOrigin(o);
      if (n === undefined) throw new RangeError(`allowOrigins: '${o}' is not an origin like https://app.example.com`);
      return n;
    });
    this.basicAuth = options.basicAuth;
    this.secret = options.signingSecret;
    this.checkHost = isLoopback(this.host);
  }

  get refused(): Readonly<RefusedCounts> {
    return { ...this.counts };
  }

  /**
   * Whether a request may go on to become a hook. False when it was answered here: a wrong Host or page
   * origin, a CORS preflight, or an HTTP method other than POST.
   */
  admit(req: IncomingMessage, res: ServerResponse): boolean {
    const seen = scanHeaders(req.rawHeaders);
    if (this.checkHost && !this.loopbackHost(seen.host)) {
      // DNS rebinding: a page on evil.example whose name now resolves to 127.0.0.1 reaches us with its own
      // name as Host. Bound to loopback, only loopback names are ours.
      this.refuse(req, res, 421, 'host', `Host ${JSON.stringify(seen.host ?? '')} is not a loopback name (bound to ${this.host})`);
      return false;
    }
    // A repeated Origin is joined by Node's header object: that rare case is left to it.
    const origin = seen.origins > 1 ? req.headers.origin : seen.origin;
    const allowed = origin !== undefined && originAllowed(origin, this.allowOrigins);
    const cors = allowed ? corsHeaders(origin) : [];
    if (req.method !== 'POST') {
      if (req.method === 'OPTIONS') {
        // CORS preflight: the in-browser WCS mock posts hooks from a page on another origin (loopback by
        // default). Chrome's private-network opt-in only for a page allowed by name.
        if (allowed && req.headers['access-control-request-private-network'] === 'true') {
          cors.push('Access-Control-Allow-Private-Network', 'true');
        }
        res.writeHead(allowed || origin === undefined ? 204 : 403, cors);
        res.end();
        req.resume();
      } else {
        // Said like the other refusals: someone opening the URL in a browser otherwise sees nothing in the log.
        this.announce(req, 405, 'method', 'hooks are POST requests');
        const body = `{"error":"method not allowed: hooks are POST requests"}`;
        res.writeHead(405, [
          'Allow', 'POST, OPTIONS', 'Content-Type', 'application/json', 'Content-Length', String(body.length), ...cors,
        ]);
        res.end(body);
        req.resume();
      }
      return false;
    }
    if (origin !== undefined && !allowed) {
      // WCS sends no Origin; a browser always does. A page the developer merely visits must not post hooks.
      this.refuse(req, res, 403, 'origin', `a web page on ${JSON.stringify(origin)} is not an allowed origin (see --allow-origin)`);
      return false;
    }
    if (cors.length) {
      this.corsFor.set(res, cors);
      this.anyCors = true;
    }
    return true;
  }

  /** The CORS headers an admitted request's answer carries (none unless it came from an allowed page). */
  cors(res: ServerResponse): readonly string[] {
    // WCS sends no Origin: a server that never saw a page skips the lookup.
    return this.anyCors ? (this.corsFor.get(res) ?? NO_CORS) : NO_CORS;
  }

  /** isLoopbackHostHeader, remembered for the last Host seen: WCS names the server the same way every time. */
  private loopbackHost(host: string | undefined): boolean {
    if (host !== this.lastHost || host === undefined) {
      this.lastHost = host;
      this.lastHostLoopback = isLoopbackHostHeader(host);
    }
    return this.lastHostLoopback;
  }

  /** Undefined when the request's credentials pass (or none are configured); otherwise why they do not. */
  credentials(req: IncomingMessage, raw: Buffer): string | undefined {
    if (!this.basicAuth && !this.secret) return undefined;
    const values = req.headersDistinct.authorization;
    let denied: string | undefined;
    if (this.basicAuth) denied = checkBasic(values, this.basicAuth.username, this.basicAuth.password);
    if (!denied && this.secret) denied = checkSignature(values, raw, this.secret);
    return denied;
  }

  /** Counts a refused request and announces the first of its kind and then every 100th. */
  private announce(req: IncomingMessage, status: number, kind: keyof RefusedCounts, why: string): void {
    const n = ++this.counts[kind];
    if (n === 1 || n % 100 === 0) this.warn(`${status} for ${req.method ?? '?'} ${req.url ?? ''} from ${req.socket.remoteAddress ?? '?'}: ${why} (${n} so far)`);
  }

  /** A request that is not let in at all: answered, counted, announced. */
  private refuse(req: IncomingMessage, res: ServerResponse, status: number, kind: keyof RefusedCounts, why: string): void {
    this.announce(req, status, kind, why);
    const body = JSON.stringify({ error: why });
    // Connection: close: nothing more from this client is wanted, and its body is not read.
    res.writeHead(status, ['Content-Type', 'application/json', 'Content-Length', String(Buffer.byteLength(body)), 'Connection', 'close']);
    res.end(body);
    req.resume();
  }
}
