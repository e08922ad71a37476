/**
 * The WCS REST API (`/rest-api/<group>/<verb>`, REST-API.md) and the mock's control API (`/wcs-mock/...`)
 * as one request → response function, with no transport: the Node HTTP server (http.ts), a test, and the
 * in-page mock's fetch all call `handle`. Browser-safe.
 *
 * Transport rules as WCS documents them (§1): POST with a JSON body, GET for parameterless methods, JSON
 * arrays for finds, an empty 200 for actions, errors as a status with a plain-text reason (the body is
 * inferred), CORS open to any origin (rest_access_control_allow_origin=*), optional Basic auth.
 */
import { CONTROL_PREFIX } from '../control';
import type { EngineSurface } from '../surface';
import { CONTROL_ROUTES } from './controlRoutes';
import { REST_METHODS, UNSIMULATED_GROUPS, UNSIMULATED_METHODS, type RestBehaviour, type RestContext } from './methods';
import { BadRequest } from './objects';
import { RestCalls } from './restCalls';

export const REST_PREFIX = '/rest-api/';

/** Request bodies larger than this answer 413 (the largest documented body is a few hundred bytes). */
export const MAX_REST_BODY_BYTES = 1024 * 1024;

/** Bodies up to this size are kept in the engine's log entry; larger ones only by size. */
const LOGGED_BODY_BYTES = 4096;

export interface WcsRestApiOptions {
  /** HTTP Basic credentials every request must carry, as WCS with `disable_rest_auth=false`. Default: none. */
  auth?: { username: string; password: string };
  /** What a find with no match answers: 404 as WCS documents (default), or 200 with `[]`. */
  emptyList?: 404 | 200;
  /** The status sent with "Stopped by rest /terminate": `natural` (UNPUBLISHED/STOPPED, default) or `FAILED`. */
  terminateStatus?: 'natural' | 'FAILED';
  /** Serve the control API under /wcs-mock/ (default true). */
  control?: boolean;
  /**
   * Browser origins allowed to call, besides loopback ones (`http://localhost:3000` ...). `'*'` allows every
   * origin, as WCS does by default; the mock's default is loopback only, because it runs on a developer's
   * machine and any web page could otherwise end their streams. Requests without Origin (backends) pass.
   */
  allowOrigins?: readonly string[] | '*';
}

export interface RestRequest {
  readonly method: string;
  /** Path and query, e.g. `/rest-api/stream/find_all`. */
  readonly url: string;
  readonly headers?: Readonly<Record<string, string | readonly string[] | undefined>>;
  /** The raw body ('' or absent when none). */
  readonly body?: string;
}

export interface RestResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface WcsRestApi {
  handle(request: RestRequest): Promise<RestResponse>;
  /** `POST /rest-api/<path>` with `body` as JSON; the parsed answer for convenience in tests. */
  call(path: string, body?: unknown): Promise<{ status: number; json?: unknown; text: string }>;
  /** Forgets REST-started calls and their timers (the HTTP server calls it when it closes). */
  close(): void;
}

/** What the API needs of an engine: its surface (WcsEngine has it). */
export interface HasSurface {
  surface(): EngineSurface;
}

const JSON_TYPE = 'application/json;charset=UTF-8';
const TEXT_TYPE = 'text/plain;charset=UTF-8';

function header(req: RestRequest, name: string): string | undefined {
  const v = req.headers?.[name] ?? req.headers?.[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : (v as string | undefined);
}

function isLoopbackOrigin(origin: string): boolean {
  try {
    const h = new URL(origin).hostname.replace(/^\[|\]$/g, '');
    return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
  } catch {
    return false;
  }
}

function decodeBasic(value: string | undefined): string | undefined {
  const m = value?.match(/^Basic\s+([A-Za-z0-9+/=]+)\s*$/i);
  if (!m) return undefined;
  try {
    const bytes = Uint8Array.from(atob(m[1]!), (c) => c.charCodeAt(0));
    return new TextDecoder().decode(bytes);
  } catch {
    return undefined;
  }
}

/** Constant-time for equal lengths, so a wrong password's timing says nothing about how close it was. */
function sameText(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

function byteLength(text: string): number {
  return new TextEncoder().encode(text).length;
}

export function createWcsRestApi(engine: HasSurface, options: WcsRestApiOptions = {}): WcsRestApi {
  const surface = engine.surface();
  const behaviour: RestBehaviour = { emptyList: options.emptyList ?? 404, terminateStatus: options.terminateStatus ?? 'natural' };
  if (behaviour.emptyList !== 404 && behaviour.emptyList !== 200) throw new RangeError(`emptyList must be 404 or 200, got ${String(options.emptyList)}`);
  if (behaviour.terminateStatus !== 'natural' && behaviour.terminateStatus !== 'FAILED') throw new RangeError(`terminateStatus must be natural or FAILED, got ${String(options.terminateStatus)}`);
  const ctx: RestContext = { surface, calls: new RestCalls(surface), behaviour };
  const control = options.control ?? true;
  const auth = options.auth;
  const allowOrigins = options.allowOrigins ?? [];

  function cors(origin: string | undefined): Record<string, string> {
    if (origin === undefined) return {};
    // With credentials a browser refuses `*`; echoing the (already allowed) origin works either way.
    return { 'Access-Control-Allow-Origin': origin, Vary: 'Origin', ...(auth ? { 'Access-Control-Allow-Credentials': 'true' } : {}) };
  }

  function answer(status: number, origin: string | undefined, body: { json?: unknown; text?: string }, extra: Record<string, string> = {}): RestResponse {
    const headers: Record<string, string> = { ...cors(origin), ...extra };
    if (body.json !== undefined) {
      headers['Content-Type'] = JSON_TYPE;
      return { status, headers, body: JSON.stringify(body.json) };
    }
    if (body.text !== undefined && body.text !== '') {
      headers['Content-Type'] = TEXT_TYPE;
      return { status, headers, body: body.text };
    }
    return { status, headers, body: '' };
  }

  function log(api: 'rest' | 'control', path: string, status: number, body: unknown, info: string | undefined): void {
    surface.record({ kind: 'rest', api, path, status, ...(body !== undefined ? { body } : {}), ...(info ? { info } : {}) });
  }

  async function handle(req: RestRequest): Promise<RestResponse> {
    const origin = header(req, 'origin');
    const verb = req.method.toUpperCase();
    const pathname = req.url.split(/[?#]/, 1)[0] ?? '';
    const isRest = pathname.startsWith(REST_PREFIX);
    const isControl = control && pathname.startsWith(CONTROL_PREFIX);
    const api = isControl ? 'control' : 'rest';
    const name = isRest ? pathname.slice(REST_PREFIX.length) : isControl ? pathname.slice(CONTROL_PREFIX.length) : pathname;
    // Only what was matched reaches the log verbatim; anything else is cut and quoted.
    const shown = /^[A-Za-z0-9_/-]{1,80}$/.test(name) ? name : JSON.stringify(name.slice(0, 80));
    const fail = (status: number, info: string, extra: Record<string, string> = {}, body?: unknown): RestResponse => {
      log(api, shown, status, body, info);
      return isControl ? answer(status, allowedOrigin, { json: { error: info } }, extra) : answer(status, allowedOrigin, { text: info }, extra);
    };

    const originAllowed = origin === undefined || allowOrigins === '*' || isLoopbackOrigin(origin) || allowOrigins.includes(origin);
    const allowedOrigin = originAllowed ? origin : undefined;
    if (!originAllowed) return fail(403, `origin ${origin} is not allowed (loopback origins only; see --rest-allow-origin)`);

    if (verb === 'OPTIONS') {
      // A CORS preflight: WCS's defaults (content-type, x-requested-with; POST), plus what the mock also takes.
      return answer(204, allowedOrigin, {}, {
        'Access-Control-Allow-Methods': 'POST, GET, OPTIONS',
        'Access-Control-Allow-Headers': 'content-type, x-requested-with, authorization',
        'Access-Control-Max-Age': '600',
      });
    }
    if (!isRest && !isControl) return fail(404, `not found: this server answers ${REST_PREFIX}<group>/<verb>${control ? ` and ${CONTROL_PREFIX}<action>` : ''}`);
    if (auth) {
      const given = decodeBasic(header(req, 'authorization'));
      if (given === undefined || !sameText(given, `${auth.username}:${auth.password}`)) {
        return fail(401, 'authentication required (HTTP Basic)', { 'WWW-Authenticate': 'Basic realm="WCS REST API"' });
      }
    }

    const route = isRest ? REST_METHODS[name] : CONTROL_ROUTES[name];
    if (!route || !Object.prototype.hasOwnProperty.call(isRest ? REST_METHODS : CONTROL_ROUTES, name)) {
      if (isRest) {
        const group = name.split('/', 1)[0] ?? '';
        if (UNSIMULATED_METHODS.includes(name) || UNSIMULATED_GROUPS.includes(group)) {
          return fail(501, `${name} is not simulated by wcs-hook-mock (it has no media server); see docs/wcs-rest-api.md`);
        }
        return fail(404, `no such REST method: ${name}`);
      }
      return fail(404, `no such control action: ${name}`);
    }
    if (verb !== 'POST' && !(verb === 'GET' && route.get)) return fail(405, `${verb} not allowed: use POST`, { Allow: route.get ? 'GET, POST' : 'POST' });

    const raw = verb === 'GET' ? '' : req.body ?? '';
    const size = byteLength(raw);
    if (size > MAX_REST_BODY_BYTES) return fail(413, `body of ${size} bytes is over the limit of ${MAX_REST_BODY_BYTES}`);
    let body: Record<string, unknown> = {};
    if (raw.trim() !== '') {
      let parsed: unknown;
      try {
        parsed = JSON.parse(raw);
      } catch (err) {
        return fail(400, `malformed JSON body: ${err instanceof Error ? err.message : String(err)}`);
      }
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return fail(400, 'the body must be a JSON object');
      body = parsed as Record<string, unknown>;
    }
    const logged = Object.keys(body).length === 0 ? undefined : size <= LOGGED_BODY_BYTES ? body : { bytes: size };

    try {
      if (isRest) {
        const r = REST_METHODS[name]!.run(ctx, body);
        log('rest', name, r.status, logged, r.info);
        if (r.status === 200) return answer(200, allowedOrigin, { json: r.json });
        return answer(r.status, allowedOrigin, { text: r.info });
      }
      const r = await CONTROL_ROUTES[name]!.run(ctx, body);
      log('control', name, r.status, logged, r.info);
      return answer(r.status, allowedOrigin, { json: r.json });
    } catch (err) {
      if (err instanceof BadRequest) return fail(400, err.message, {}, logged);
      // A bug of ours: the caller gets one line, the log the detail; the server goes on.
      const text = err instanceof Error ? err.message : String(err);
      surface.record({ kind: 'warning', text: `${api} ${name} failed: ${text}` });
      return fail(500, `internal error: ${text}`, {}, logged);
    }
  }

  return {
    handle,
    async call(path, body) {
      const url = path.startsWith('/') ? path : `${REST_PREFIX}${path}`;
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (auth) headers.authorization = `Basic ${btoa(String.fromCharCode(...new TextEncoder().encode(`${auth.username}:${auth.password}`)))}`;
      const res = await handle({ method: 'POST', url, headers, body: body === undefined ? '' : JSON.stringify(body) });
      let json: unknown;
      if (res.headers['Content-Type'] === JSON_TYPE) json = JSON.parse(res.body);
      return { status: res.status, json, text: res.body };
    },
    close() {
      ctx.calls.close();
    },
  };
}
