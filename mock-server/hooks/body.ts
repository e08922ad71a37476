/**
 * Reading a hook's body within the size limit, on the hot path: a body that arrives in one chunk (nearly
 * every hook) is passed on as the Buffer Node made, with no copy; a declared length over the limit is
 * refused before a byte is read.
 */
import type { IncomingMessage } from 'node:http';

/** The Content-Length a request declares, read from rawHeaders (the header object is built lazily). */
function declaredLength(raw: readonly string[]): number | undefined {
  for (let i = 0; i < raw.length; i += 2) {
    const n = raw[i]!;
    if (n.length === 14 && n.toLowerCase() === 'content-length') return Number(raw[i + 1]);
  }
  return undefined;
}

/**
 * Calls `onBody` with the whole body, or `tooLarge` (once, with the size known so far) as soon as it is over
 * `max` bytes; the rest is then not kept.
 */
export function readBody(req: IncomingMessage, max: number, onBody: (raw: Buffer) => void, tooLarge: (size: number) => void): void {
  const declared = declaredLength(req.rawHeaders);
  if (declared !== undefined && declared > max) {
    tooLarge(declared);
    return;
  }
  let first: Buffer | undefined;
  let chunks: Buffer[] | undefined;
  let size = 0;
  let over = false;
  req.on('data', (chunk: Buffer) => {
    if (over) return;
    size += chunk.length;
    if (size > max) {
      over = true;
      tooLarge(size);
      return;
    }
    if (!first) first = chunk;
    else (chunks ??= [first]).push(chunk);
  });
  req.on('end', () => {
    if (over) return;
    onBody(chunks ? Buffer.concat(chunks, size) : (first ?? Buffer.alloc(0)));
  });
}
