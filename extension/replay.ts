/**
 * Sends a recorded hook again, to any URL (the developer's backend, another mock): the exact received bytes
 * with the headers a backend looks at. No `vscode` import.
 */
import { replayHeaders, targetUrl } from '../mock-server/hooks';
import type { Exchange } from '../mock-server/hooks';
import { WCS_REST_REQUEST_TIMEOUT_MS } from '../mock-server/protocol';

export interface ReplayResult {
  readonly status: number;
  readonly body: string;
  readonly ms: number;
}

/** Where a replay goes by default: the same path on a backend at `base`. */
export function defaultReplayUrl(ex: Exchange, base = 'http://127.0.0.1:3000'): string {
  return targetUrl(ex, base);
}

export async function replay(ex: Exchange, url: string, timeoutMs = WCS_REST_REQUEST_TIMEOUT_MS): Promise<ReplayResult> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    throw new Error(`not a URL: ${url}`);
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') throw new Error(`only http and https URLs, not ${target.protocol}`);
  // The same headers cURL and .http exports send; fetch joins repeated ones.
  const headers = replayHeaders(ex);
  const started = Date.now();
  const res = await fetch(target, { method: 'POST', headers, body: ex.rawBody, signal: AbortSignal.timeout(timeoutMs) });
  const body = await res.text();
  return { status: res.status, body, ms: Date.now() - started };
}
