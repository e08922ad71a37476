/**
 * In-page REST API: while installed, the page's `fetch` to the mock's REST URL (e.g.
 * `http://127.0.0.1:8081/rest-api/stream/find_all`, and `/wcs-mock/...` on the same origin) is answered by
 * the engine's REST API with no network; every other URL goes to the real fetch. Browser-safe.
 * The WebSDK's own REST wrapper (`flashphoner-rest-api.js`) uses XMLHttpRequest: requests to the same
 * origin through XMLHttpRequest are answered the same way, where the page has XMLHttpRequest.
 */
import { createWcsRestApi, type HasSurface, type WcsRestApiOptions } from './rest';

type Fetch = typeof fetch;

export interface InstalledRestFetch {
  /** Puts the previous fetch back (unless someone replaced ours since). */
  uninstall(): void;
}

export function installRestFetch(engine: HasSurface, restUrl: string, options: WcsRestApiOptions = {}): InstalledRestFetch {
  let base: URL;
  try {
    base = new URL(restUrl);
  } catch {
    throw new TypeError(`restUrl must be an http(s) URL like http://127.0.0.1:8081/rest-api, got ${JSON.stringify(restUrl)}`);
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new TypeError(`restUrl must be http(s), got ${JSON.stringify(restUrl)}`);
  const scope = globalThis as { fetch?: Fetch };
  const previous = scope.fetch;
  // The page itself is the only caller here, so its origin needs no check.
  const api = createWcsRestApi(engine, { allowOrigins: '*', ...options });
  const ours: Fetch = async (input, init) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    if (url.origin !== base.origin) {
      if (!previous) throw new TypeError(`fetch ${request.url}: no fetch implementation besides the WCS mock here`);
      return previous(input, init);
    }
    const headers: Record<string, string> = {};
    request.headers.forEach((v, k) => (headers[k] = v));
    const r = await api.handle({ method: request.method, url: `${url.pathname}${url.search}`, headers, body: await request.text() });
    return new Response(r.body === '' || r.status === 204 ? null : r.body, { status: r.status, headers: r.headers });
  };
  scope.fetch = ours;
  const xhrScope = globalThis as { XMLHttpRequest?: typeof XMLHttpRequest };
  const previousXhr = xhrScope.XMLHttpRequest;
  const oursXhr = previousXhr ? restXhr(previousXhr, base.origin, api.handle) : undefined;
  if (oursXhr) xhrScope.XMLHttpRequest = oursXhr;
  return {
    uninstall() {
      api.close();
      if (scope.fetch === ours) scope.fetch = previous;
      if (oursXhr && xhrScope.XMLHttpRequest === oursXhr) xhrScope.XMLHttpRequest = previousXhr;
    },
  };
}

type Handle = ReturnType<typeof createWcsRestApi>['handle'];

/**
 * An XMLHttpRequest whose requests to `origin` are answered by the REST API and every other request is the
 * page's own. Only what a REST client reads is simulated (status, statusText, response/responseText,
 * readyState, response headers, and the load/readystatechange/loadend events, asynchronously as a real
 * request's are); timeouts, progress and abort of an answered request are not.
 */
function restXhr(Base: typeof XMLHttpRequest, origin: string, handle: Handle): typeof XMLHttpRequest {
  class RestXhr extends Base {
    private restCall?: { method: string; url: string; headers: Record<string, string> };

    override open(method: string, url: string | URL, async = true, user?: string | null, password?: string | null): void {
      const target = new URL(String(url), globalThis.location?.href);
      if (target.origin !== origin) {
        this.restCall = undefined;
        super.open(method, url, async, user, password);
        return;
      }
      this.restCall = { method: method.toUpperCase(), url: `${target.pathname}${target.search}`, headers: {} };
      this.fake({ readyState: 1 });
      this.dispatchEvent(new Event('readystatechange'));
    }

    override setRequestHeader(name: string, value: string): void {
      if (this.restCall) this.restCall.headers[name.toLowerCase()] = value;
      else super.setRequestHeader(name, value);
    }

    override send(body?: Document | XMLHttpRequestBodyInit | null): void {
      const call = this.restCall;
      if (!call) return super.send(body);
      void handle({ method: call.method, url: call.url, headers: call.headers, body: typeof body === 'string' ? body : '' }).then((r) => {
        const headers = Object.entries(r.headers ?? {}).map(([k, v]) => `${k}: ${String(v)}`).join('\r\n');
        this.fake({ readyState: 4, status: r.status, statusText: r.status === 200 ? 'OK' : '', response: r.body, responseText: r.body, responseURL: `${origin}${call.url}` });
        Object.defineProperty(this, 'getAllResponseHeaders', { configurable: true, value: () => headers });
        Object.defineProperty(this, 'getResponseHeader', { configurable: true, value: (n: string) => (r.headers?.[n.toLowerCase()] as string | undefined) ?? null });
        for (const type of ['readystatechange', 'load', 'loadend']) this.dispatchEvent(type === 'readystatechange' ? new Event(type) : new ProgressEvent(type));
      });
    }

    /** Shadows the native read-only getters on this one object. */
    private fake(values: Record<string, unknown>): void {
      for (const [k, value] of Object.entries(values)) Object.defineProperty(this, k, { configurable: true, value });
    }
  }
  return RestXhr;
}
