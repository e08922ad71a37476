/**
 * Identifiers shaped like the ones WCS and the WebSDK use, so hook bodies look real to a backend that
 * parses or logs them (PROTOCOL.md §3.1). Browser-safe: WebCrypto's getRandomValues exists in every page,
 * randomUUID only in secure contexts, so UUIDs are built from random bytes (random.ts).
 */

import { hex, randomBytes, randomString } from './random';

/** RFC 4122 version 4 UUID. */
export function uuid(): string {
  const b = randomBytes(16);
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  return `${hex(b, 0, 4)}-${hex(b, 4, 6)}-${hex(b, 6, 8)}-${hex(b, 8, 10)}-${hex(b, 10, 16)}`;
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A node id as WCS reports it: 32 alphanumerics `@` the server's address. */
export function nodeId(address = '127.0.0.1'): string {
  return `${randomString(32, ALNUM)}@${address}`;
}

/** An ephemeral client port, for session ids of clients whose real address the transport does not know. */
export function ephemeralPort(): number {
  const b = randomBytes(2);
  return 49152 + (((b[0]! << 8) | b[1]!) % 16384);
}

/**
 * The session id form of current builds: `/<client ip:port>/<server ip:port>-<uuid>`.
 * `remote` may be `ip`, `ip:port` or `[v6]:port`.
 */
export function sessionId(remote: string | undefined, server: string): string {
  let client = remote && remote.length > 0 ? remote : '127.0.0.1';
  if (!/:\d+$/.test(client) || (client.includes(':') && !client.includes(']') && client.split(':').length > 2)) {
    client = `${client}:${ephemeralPort()}`;
  }
  return `/${client}/${server}-${uuid()}`;
}

/** A SIP Call-ID for calls the mock's far end places to the client. */
export function sipCallId(host = '127.0.0.1'): string {
  return `${uuid().replace(/-/g, '').slice(0, 24)}@${host}`;
}
