/**
 * In-page REST API: while installed, the page's `fetch` to the mock's REST URL (e.g.
 * `http://127.0.0.1:8081/rest-api/stream/find_all`, and `/wcs-mock/...` on the same origin) is answered by
 * the engine's REST API with no network; every other URL goes to the real fetch. Browser-safe.
 * The WebSDK's own REST wrapper uses XMLHttpRequest, which this does not intercept.
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
  return {
    uninstall() {
      api.close();
      if (scope.fetch === ours) scope.fetch = previous;
    },
  };
}
