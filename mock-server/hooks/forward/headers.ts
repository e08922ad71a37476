/**
 * The request headers the backend gets: the ones WCS sent, minus those that belong to one connection
 * (RFC 9110 §7.6.1) and the length (recomputed for the body actually sent); with a target secret, the body
 * signature computed again, since the backend checks it against its own secret and the body may be edited.
 */
import { signatureHeader } from '../auth';

const HOP_BY_HOP = new Set([
  'connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'proxy-connection', 'te', 'trailer',
  'transfer-encoding', 'upgrade', 'host', 'content-length', 'expect',
]);

export interface OutgoingHeaders {
  /** Name/value pairs in WCS's order and spelling (Node's rawHeaders shape, flattened). */
  readonly raw: string[];
  readonly resigned: boolean;
}

/**
 * @param rawHeaders what WCS sent (Node's rawHeaders)
 * @param secret the target's signing secret; undefined: WCS's own Authorization goes through unchanged
 * @param host the backend's host:port (the Host header it gets)
 */
export function backendHeaders(rawHeaders: readonly string[], body: Buffer, secret: string | undefined, host: string): OutgoingHeaders {
  // Headers a Connection header names are hop-by-hop too.
  const named = new Set<string>();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    if (rawHeaders[i]!.toLowerCase() === 'connection') for (const n of rawHeaders[i + 1]!.split(',')) named.add(n.trim().toLowerCase());
  }
  // Headers given as a list are sent as they are: Node adds no Host then, and a server may require one.
  const raw: string[] = ['Host', host];
  let resigned = false;
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    const lower = name.toLowerCase();
    if (HOP_BY_HOP.has(lower) || named.has(lower)) continue;
    if (secret !== undefined && lower === 'authorization') {
      // Only the signature is redone; HTTP Basic credentials in the same header stay as WCS sent them.
      const kept = rawHeaders[i + 1]!.split(/,\s*(?=[A-Za-z][\w.+-]*\s)/).filter((v) => !/^\s*wcs\s/i.test(v));
      if (kept.length) raw.push(name, kept.join(', '));
      continue;
    }
    raw.push(name, rawHeaders[i + 1]!);
  }
  if (secret !== undefined) {
    raw.push('Authorization', signatureHeader(body, secret));
    resigned = true;
  }
  raw.push('Content-Length', String(body.length));
  return { raw, resigned };
}

/** Pairs as an object for the record (repeated names joined, as Node joins them). */
export function headerRecord(raw: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const n = raw[i]!.toLowerCase();
    out[n] = out[n] === undefined ? raw[i + 1]! : `${out[n]}, ${raw[i + 1]}`;
  }
  return out;
}
