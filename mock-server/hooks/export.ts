/**
 * Replays of an exchange outside the mock: a cURL command and a REST Client `.http` request, both sending
 * the exact received body with the headers that matter to a backend (content type, authorization).
 */
import type { Exchange } from './types';

/** Received headers worth replaying; hop-by-hop and length headers are the client tool's business. */
const REPLAY_HEADERS = ['content-type', 'accept', 'authorization', 'user-agent'];

/** The headers a replay sends, as name/value pairs (a repeated header gives several pairs). */
export function replayHeaders(ex: Exchange): [string, string][] {
  const out: [string, string][] = [];
  for (const name of REPLAY_HEADERS) {
    const v = ex.headers[name];
    if (v === undefined) continue;
    for (const one of Array.isArray(v) ? v : [v]) out.push([name.replace(/(^|-)[a-z]/g, (m) => m.toUpperCase()), one]);
  }
  if (!out.some(([n]) => n === 'Content-Type')) out.unshift(['Content-Type', 'application/json']);
  return out;
}

/** The received path (or app and method for absolute-form targets) on another server. */
export function targetUrl(ex: Exchange, baseUrl: string): string {
  const base = baseUrl.replace(/\/+$/, '');
  const path = ex.url.startsWith('/') ? ex.url : `${ex.app}/${ex.method}`;
  return base + path;
}

/** POSIX shell single-quoting: safe for any byte sequence except NUL. */
function shq(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export function toCurl(ex: Exchange, baseUrl: string): string {
  const parts = ['curl', '-sS', '-i', '-X', 'POST', shq(targetUrl(ex, baseUrl))];
  for (const [n, v] of replayHeaders(ex)) parts.push('-H', shq(`${n}: ${v}`));
  // --data-binary keeps the bytes exactly (plain -d strips newlines), which a signature depends on.
  parts.push('--data-binary', shq(ex.rawBody));
  return parts.join(' ');
}

/** A request in REST Client's `.http` format (also read by JetBrains HTTP Client). */
export function toHttpFile(ex: Exchange, baseUrl: string): string {
  const lines = [`### ${ex.method} #${ex.id}${ex.app ? ` (${ex.app})` : ''}`, `POST ${targetUrl(ex, baseUrl)}`];
  for (const [n, v] of replayHeaders(ex)) lines.push(`${n}: ${v}`);
  lines.push('');
  // A line starting with ### would end the request in .http syntax; it cannot occur in JSON text except
  // inside a string, where an indent would change the body, so such a body is sent as is and flagged.
  if (/^###/m.test(ex.rawBody)) lines.push('# note: the body contains a line starting with ###, which REST Client reads as a separator');
  lines.push(ex.rawBody);
  return lines.join('\n') + '\n';
}
