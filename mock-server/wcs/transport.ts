/**
 * What the two transports (mock-socket in a page, `ws` on a port) share: the slice of the engine they
 * drive, and how they turn a socket into a ClientPort that cannot hurt the engine.
 */
import type { ClientLink, ClientPort } from './engine';

/**
 * The part of WcsEngine a transport uses, so tests can drive a transport with a scripted engine. Note that
 * the in-page transport's `port.send` rethrows what the page's message handler threw (mock-socket delivers
 * synchronously); WcsEngine catches and logs it.
 */
export interface AcceptingEngine {
  accept(port: ClientPort, info?: { origin?: string; remoteAddress?: string }): ClientLink;
  close(): void | Promise<void>;
}

/** A frame the client could not take: its message handler threw while we delivered it. */
export interface ClientError {
  readonly frame: string;
  readonly error: unknown;
}

/** Text of a frame, whatever the socket library handed us. Binary WebSDK frames are not part of the protocol. */
export function frameText(data: unknown): string | Promise<string> {
  if (typeof data === 'string') return data;
  if (data instanceof ArrayBuffer) return new TextDecoder().decode(data);
  if (ArrayBuffer.isView(data)) return new TextDecoder().decode(data);
  if (Array.isArray(data)) return frameText(concat(data as Uint8Array[]));
  const blob = data as { text?: () => Promise<string> } | null;
  if (blob && typeof blob.text === 'function') return blob.text();
  return String(data);
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

