/**
 * Which web pages may talk to our servers. A browser sends `Origin` with every cross-origin request and
 * WebSocket upgrade; a page the developer merely visits must not be able to post hooks or drive the WCS
 * mock. Loopback pages (the in-page mock, a dev server) are allowed by default; others only when named.
 */
import { isLoopback } from './net';

/** `scheme://host[:port]` in the form browsers send, or undefined when `text` is not an origin. */
export function normalizeOrigin(text: string): string | undefined {
  let u: URL;
  try {
    u = new URL(text.trim());
  } catch {
    return undefined;
  }
  if (u.origin === 'null' || u.pathname.length > 1 || u.search || u.hash || u.username || u.password) return undefined;
  return u.origin;
}

/** An http(s) page served from this machine (`localhost`, `127.x.x.x`, `[::1]`, any port). */
export function isLoopbackOrigin(origin: string): boolean {
  let u: URL;
  try {
    u = new URL(origin);
  } catch {
    return false;
  }
  return (u.protocol === 'http:' || u.protocol === 'https:') && isLoopback(u.hostname);
}

/** Whether a request's `Origin` is allowed: loopback pages, or one of `extra` (normalised origins). */
export function originAllowed(origin: string, extra: readonly string[] = []): boolean {
  if (isLoopbackOrigin(origin)) return true;
  const n = normalizeOrigin(origin);
  return n !== undefined && extra.includes(n);
}

/** Whether a `Host` header names this machine by a loopback name or address (a DNS rebinding page does not). */
export function isLoopbackHostHeader(host: string | undefined): boolean {
  if (!host) return false;
  // A Host header is only host and port; anything a URL would read as path or credentials is not one.
  if (/[/?#@\\\s]/.test(host)) return false;
  try {
    return isLoopback(new URL(`http://${host}/`).hostname);
  } catch {
    return false;
  }
}
