/**
 * Random bytes for ids and SDP credentials, drawn from one pool that WebCrypto refills 4 KiB at a time.
 *
 * Why a pool: a load run makes a dozen ids per session (session and stream uuids, ICE credentials, DTLS
 * fingerprints), and each `getRandomValues` call costs a trip into the platform's RNG. Measured in the
 * keep-alive load scenario (docs/benchmarks.md), one call per id was 17 % of the load source's CPU. The bytes
 * are the same quality (WebCrypto's); they are only fetched in bulk. Browser-safe: no Node built-ins.
 */

const POOL_BYTES = 4096;
const pool = new Uint8Array(POOL_BYTES);
let next = POOL_BYTES;

function fill(buf: Uint8Array): void {
  const c = (globalThis as { crypto?: { getRandomValues?(a: Uint8Array): Uint8Array } }).crypto;
  if (c?.getRandomValues) c.getRandomValues(buf);
  // A context without WebCrypto (an old worker, a stripped-down test runtime): ids need only be distinct.
  else for (let i = 0; i < buf.length; i++) buf[i] = Math.floor(Math.random() * 256);
}

/**
 * `n` random bytes (n ≤ 4096), as a view into the pool: read them before the next call, never keep the view.
 */
export function randomBytes(n: number): Uint8Array {
  if (n > POOL_BYTES) throw new RangeError(`randomBytes: at most ${POOL_BYTES} bytes at a time`);
  if (next + n > POOL_BYTES) {
    fill(pool);
    next = 0;
  }
  const out = pool.subarray(next, next + n);
  next += n;
  return out;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Lower-case hex of `bytes`, without an array per call. */
export function hex(bytes: Uint8Array, from = 0, to = bytes.length): string {
  let s = '';
  for (let i = from; i < to; i++) s += HEX[bytes[i]!];
  return s;
}

/** `length` characters of `alphabet`, chosen at random (modulo bias is acceptable for test ids). */
export function randomString(length: number, alphabet: string): string {
  const b = randomBytes(length);
  let s = '';
  for (let i = 0; i < length; i++) s += alphabet[b[i]! % alphabet.length];
  return s;
}
