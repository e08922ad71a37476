/**
 * How the WCS mock delivers one REST hook: HTTP POST to `<app URL>/<method>` the way WCS does
 * (PROTOCOL.md §1.2–1.5), or a call into an in-process handler. Browser-safe: no Node built-ins.
 *
 * The result says what came back, or why nothing usable did (timeout, unreachable, handler threw); what
 * that *means* for the session (restOnError) is decided by the engine, not here.
 */
import { hmacMd5Hex } from './md5';

export interface HookReply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface UrlBackend {
  /** The app URL, as in WCS's `add app`; hooks go to `${url}/${method}`. */
  url: string;
  basicAuth?: { username: string; password: string };
  /** Sign bodies: `Authorization: WCS <hex HMAC-MD5(body)>` (rest_hook_send_hash). */
  signingSecret?: string;
  /** Overrides the engine's hookTimeoutMs for this backend. */
  timeoutMs?: number;
}

export interface HandlerBackend {
  handler: (method: string, body: Record<string, unknown>) => HookReply | Promise<HookReply>;
}

export type Backend = UrlBackend | HandlerBackend;

/** Why no usable answer arrived. `undefined` on the result means an HTTP answer did arrive. */
export type DeliveryFailure = 'timeout' | 'unreachable' | 'handler-error' | 'aborted';

export interface HookResponse {
  /** 0 when no answer arrived. */
  readonly status: number;
  /** The reason phrase: the server's, else the standard one for the status. */
  readonly statusText: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly contentType?: string;
  /** The answer's body as text ('' when none). */
  readonly rawBody: string;
  /** Parsed JSON body; undefined when empty or not JSON. */
  readonly json?: unknown;
  readonly durationMs: number;
  readonly failure?: DeliveryFailure;
  /** One line saying what went wrong, for failures. */
  readonly error?: string;
}

/**
 * A way to POST a hook other than `fetch`. In Node the engine uses a keep-alive connection pool per backend
 * (nodeTransport.ts), set as the default by the Node entry; the browser bundle never sees it and uses fetch.
 * It reports what happened; the words for the failure stay here, the same for every transport.
 */
export interface HookTransport {
  post(request: TransportRequest): Promise<TransportResult>;
}

export interface TransportRequest {
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: string;
  /** The whole answer must arrive within this many ms; 0 = no limit. */
  readonly timeoutMs: number;
  /** As `DeliveryOptions.register`: lets the engine abort the request when it closes. */
  readonly register?: (abort: () => void) => () => void;
}

export type TransportResult =
  | { readonly status: number; readonly statusText: string; readonly headers: Record<string, string>; readonly body: string; readonly failure?: undefined }
  /** `detail`: the network error, e.g. `ECONNREFUSED (connect ECONNREFUSED 127.0.0.1:9)`. */
  | { readonly failure: 'timeout' | 'unreachable' | 'aborted'; readonly detail?: string };

let defaultTransport: HookTransport | undefined;

/**
 * Sets the transport hooks go over when the caller passes neither `transport` nor `fetch`. The Node entry
 * sets its pooled transport; without a call (the browser) hooks go through `fetch`.
 */
export function setDefaultHookTransport(transport: HookTransport | undefined): void {
  defaultTransport = transport;
}

export interface DeliveryOptions {
  /** 0 = no limit (rest_request_timeout=0). */
  timeoutMs: number;
  fetch?: typeof fetch;
  /** Wins over `fetch`; without either, the default transport (Node) or the global fetch (browser). */
  transport?: HookTransport;
  /**
   * Lets the owner abort requests in flight (the engine closing): called with an abort function, returns
   * the unregister function. A registry rather than one shared AbortSignal, which would collect a
   * listener per concurrent request.
   */
  register?: (abort: () => void) => () => void;
}

/** Reason phrases for statuses a backend plausibly sends; fetch gives '' when the server sent none. */
const REASON_PHRASES: Readonly<Record<number, string>> = {
  200: 'OK', 201: 'Created', 202: 'Accepted', 204: 'No Content', 301: 'Moved Permanently', 302: 'Found',
  304: 'Not Modified', 400: 'Bad Request', 401: 'Unauthorized', 402: 'Payment Required', 403: 'Forbidden',
  404: 'Not Found', 405: 'Method Not Allowed', 406: 'Not Acceptable', 408: 'Request Timeout', 409: 'Conflict',
  410: 'Gone', 413: 'Payload Too Large', 415: 'Unsupported Media Type', 422: 'Unprocessable Entity',
  429: 'Too Many Requests', 500: 'Internal Server Error', 501: 'Not Implemented', 502: 'Bad Gateway',
  503: 'Service Unavailable', 504: 'Gateway Timeout',
};

export function reasonPhrase(status: number): string {
  return REASON_PHRASES[status] ?? `HTTP ${status}`;
}

export function hookUrl(appUrl: string, method: string): string {
  return `${appUrl.replace(/\/+$/, '')}/${encodeURIComponent(method)}`;
}

function base64Utf8(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}

/** The headers WCS sends with a hook whose serialised body is `raw`. */
export function hookHeaders(backend: UrlBackend, raw: string): Record<string, string> {
  const headers: Record<string, string> = {
    'Content-Type': 'application/json;charset=UTF-8',
    Accept: 'application/json, application/*+json',
  };
  const auth: string[] = [];
  if (backend.basicAuth) auth.push(`Basic ${base64Utf8(`${backend.basicAuth.username}:${backend.basicAuth.password}`)}`);
  // Both schemes use Authorization and how WCS combines them is undocumented (PROTOCOL.md §8.6): we send
  // both values in one header, comma-separated, as HTTP does for repeated headers.
  if (backend.signingSecret !== undefined) auth.push(`WCS ${hmacMd5Hex(backend.signingSecret, raw)}`);
  if (auth.length > 0) headers.Authorization = auth.join(', ');
  return headers;
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function describeNetworkError(err: unknown): string {
  // Node's own errors carry the code themselves; fetch's carry it in `cause`.
  const own = err as { code?: unknown; message?: string } | undefined;
  if (typeof own?.code === 'string' && own.code !== '') return `${own.code}${own.message && !own.message.includes(own.code) ? ` (${own.message})` : ''}`;
  const cause = (err as { cause?: { code?: string; message?: string } } | undefined)?.cause;
  if (cause?.code) return `${cause.code}${cause.message && !cause.message.includes(cause.code) ? ` (${cause.message})` : ''}`;
  // fetch() refuses the WHATWG "bad ports" (6000, 6665-6669, 5060/5061, 10080, ...) before connecting. WCS would
  // post there; our client cannot, so say what to do instead of fetch's bare "bad port".
  if (cause?.message === 'bad port') return 'bad port (fetch() refuses this port, as browsers do; run the backend on another port)';
  if (cause?.message) return cause.message;
  return err instanceof Error ? err.message : String(err);
}

const now = () => (typeof performance !== 'undefined' ? performance.now() : Date.now());

function failed(failure: DeliveryFailure, error: string, started: number): HookResponse {
  return { status: 0, statusText: '', headers: {}, rawBody: '', durationMs: now() - started, failure, error };
}

/** Runs `work` with a deadline; `onTimeout` lets the caller cancel what is in flight. */
async function withDeadline<T>(work: Promise<T>, timeoutMs: number, onTimeout: () => void): Promise<T | 'timeout'> {
  if (timeoutMs <= 0) return work;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => {
      onTimeout();
      resolve('timeout');
    }, timeoutMs);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

async function postWithTransport(transport: HookTransport, backend: UrlBackend, method: string, raw: string, opts: DeliveryOptions): Promise<HookResponse> {
  const started = now();
  const url = hookUrl(backend.url, method);
  const timeoutMs = backend.timeoutMs ?? opts.timeoutMs;
  let got: TransportResult;
  try {
    got = await transport.post({ url, headers: hookHeaders(backend, raw), body: raw, timeoutMs, register: opts.register });
  } catch (err) {
    got = { failure: 'unreachable', detail: describeNetworkError(err) };
  }
  if (got.failure !== undefined) {
    if (got.failure === 'timeout') return failed('timeout', `Read timed out after ${timeoutMs} ms (${url})`, started);
    if (got.failure === 'aborted') return failed('aborted', 'engine closed before the answer arrived', started);
    return failed('unreachable', `cannot reach ${url}: ${got.detail ?? 'no answer'}`, started);
  }
  return answerOf(got.status, got.statusText || reasonPhrase(got.status), got.headers, got.body, now() - started);
}

/**
 * An answer whose `json` is parsed on first read: most answers are echoes nobody reads back (only connect's,
 * OVERWRITE's and a decline's are), and parsing each one cost a load run a JSON.parse per hook. A getter in
 * the literal is an own enumerable property, so spreads, JSON.stringify and deep equality see `json` as
 * before; measured, it is also cheaper than an eager parse or Object.defineProperty.
 */
function answerOf(status: number, statusText: string, headers: Readonly<Record<string, string>>, rawBody: string, durationMs: number): HookResponse {
  let parsed: unknown;
  let done = false;
  return {
    status,
    statusText,
    headers,
    contentType: headers['content-type'],
    rawBody,
    get json() {
      if (!done) {
        parsed = parseJson(rawBody);
        done = true;
      }
      return parsed;
    },
    durationMs,
  };
}

async function postToUrl(backend: UrlBackend, method: string, raw: string, opts: DeliveryOptions): Promise<HookResponse> {
  const transport = opts.transport ?? (opts.fetch ? undefined : defaultTransport);
  if (transport) return postWithTransport(transport, backend, method, raw, opts);
  const started = now();
  const doFetch = opts.fetch ?? globalThis.fetch;
  if (typeof doFetch !== 'function') return failed('unreachable', 'no fetch() available to send hooks', started);
  const url = hookUrl(backend.url, method);
  const ctl = new AbortController();
  let aborted = false;
  const unregister = opts.register?.(() => {
    aborted = true;
    ctl.abort();
  });
  const timeoutMs = backend.timeoutMs ?? opts.timeoutMs;
  try {
    const work = (async () => {
      const res = await doFetch(url, { method: 'POST', headers: hookHeaders(backend, raw), body: raw, signal: ctl.signal });
      const text = await res.text();
      return { res, text };
    })();
    // The deadline covers the whole answer, body included, as a read timeout does in WCS.
    const got = await withDeadline(work, timeoutMs, () => ctl.abort());
    if (got === 'timeout') {
      work.catch(() => undefined);
      // The words WCS logs for this case (SocketTimeoutException), PROTOCOL.md §1.4.
      return failed('timeout', `Read timed out after ${timeoutMs} ms (${url})`, started);
    }
    const headers: Record<string, string> = {};
    got.res.headers.forEach((v, k) => (headers[k] = v));
    return answerOf(got.res.status, got.res.statusText || reasonPhrase(got.res.status), headers, got.text, now() - started);
  } catch (err) {
    if (aborted) return failed('aborted', 'engine closed before the answer arrived', started);
    return failed('unreachable', `cannot reach ${url}: ${describeNetworkError(err)}`, started);
  } finally {
    unregister?.();
  }
}

async function callHandler(backend: HandlerBackend, method: string, body: Record<string, unknown>, opts: DeliveryOptions): Promise<HookResponse> {
  const started = now();
  try {
    // A copy: the handler must not be able to change what the engine logged or will send the client.
    const work = Promise.resolve().then(() => backend.handler(method, JSON.parse(JSON.stringify(body))));
    let unregister: (() => void) | undefined;
    const abort = new Promise<'aborted'>((resolve) => (unregister = opts.register?.(() => resolve('aborted'))));
    const got = await withDeadline(Promise.race([work, abort]), opts.timeoutMs, () => undefined).finally(() => unregister?.());
    if (got === 'aborted') {
      work.catch(() => undefined);
      return failed('aborted', 'engine closed before the answer arrived', started);
    }
    if (got === 'timeout') {
      work.catch(() => undefined);
      return failed('timeout', `Read timed out after ${opts.timeoutMs} ms (handler for ${method})`, started);
    }
    if (!got || typeof got.status !== 'number') return failed('handler-error', `handler for ${method} returned no {status}`, started);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(got.headers ?? {})) headers[k.toLowerCase()] = v;
    let rawBody = '';
    if (typeof got.body === 'string') rawBody = got.body;
    else if (got.body !== undefined) {
      rawBody = JSON.stringify(got.body);
      headers['content-type'] ??= 'application/json';
    }
    return {
      status: got.status,
      statusText: reasonPhrase(got.status),
      headers,
      contentType: headers['content-type'],
      rawBody,
      json: typeof got.body === 'string' ? parseJson(got.body) : got.body,
      durationMs: now() - started,
    };
  } catch (err) {
    return failed('handler-error', `handler for ${method} threw: ${err instanceof Error ? err.message : String(err)}`, started);
  }
}

/** Delivers one hook; never throws. `raw` is the serialised body (what a signature covers). */
export function deliverHook(backend: Backend, method: string, body: Record<string, unknown>, raw: string, opts: DeliveryOptions): Promise<HookResponse> {
  return 'handler' in backend ? callHandler(backend, method, body, opts) : postToUrl(backend, method, raw, opts);
}

export function describeBackend(backend: Backend): string {
  return 'handler' in backend ? 'in-process handler' : backend.url;
}

/**
 * The custom refusal reason (build 5.2.968+, PROTOCOL.md §1.3): a JSON answer that is exactly
 * `{"status":<the HTTP status>,"reason":"…"}`. A missing or extra key makes WCS fall back to the HTTP
 * reason phrase, so anything else gives undefined.
 */
export function customReason(res: Pick<HookResponse, 'status' | 'contentType' | 'json'>): string | undefined {
  if (!res.contentType || !/application\/json/i.test(res.contentType)) return undefined;
  const j = res.json;
  if (!j || typeof j !== 'object' || Array.isArray(j)) return undefined;
  const keys = Object.keys(j).sort();
  if (keys.length !== 2 || keys[0] !== 'reason' || keys[1] !== 'status') return undefined;
  const { status, reason } = j as { status: unknown; reason: unknown };
  return status === res.status && typeof reason === 'string' ? reason : undefined;
}

/** What WCS tells the client about a failed hook: the custom reason, else the reason phrase, else the failure. */
export function failureInfo(res: HookResponse): string {
  if (res.failure === 'timeout') return 'Read timed out';
  if (res.failure) return res.failure === 'unreachable' ? 'Connection refused' : 'Internal Server Error';
  return customReason(res) ?? res.statusText;
}
