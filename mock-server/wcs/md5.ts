/**
 * MD5 and HMAC-MD5 (RFC 1321, RFC 2104) in plain TypeScript.
 *
 * WCS signs hook bodies with HMAC-MD5 (PROTOCOL.md §1.5). The engine also runs in a browser page, where
 * WebCrypto offers no MD5 and node:crypto does not exist, so the digest is computed here. Tested against
 * node:crypto in test/unit/wcs/md5.test.ts.
 */

const S = [
  7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20,
  4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21,
];

const K = Array.from({ length: 64 }, (_, i) => Math.floor(Math.abs(Math.sin(i + 1)) * 2 ** 32) >>> 0);

const BLOCK = 64;

function utf8(text: string | Uint8Array): Uint8Array {
  return typeof text === 'string' ? new TextEncoder().encode(text) : text;
}

/** The 16-byte MD5 digest of `input` (strings are UTF-8 encoded). */
export function md5(input: string | Uint8Array): Uint8Array {
  const msg = utf8(input);
  const bitLength = msg.length * 8;
  const padded = new Uint8Array((((msg.length + 8) >>> 6) + 1) * BLOCK);
  padded.set(msg);
  padded[msg.length] = 0x80;
  const view = new DataView(padded.buffer);
  // Length in bits, little-endian 64-bit; split because JS bit operations are 32-bit.
  view.setUint32(padded.length - 8, bitLength >>> 0, true);
  view.setUint32(padded.length - 4, Math.floor(bitLength / 2 ** 32), true);

  let a0 = 0x67452301;
  let b0 = 0xefcdab89;
  let c0 = 0x98badcfe;
  let d0 = 0x10325476;
  const m = new Uint32Array(16);
  for (let off = 0; off < padded.length; off += BLOCK) {
    for (let j = 0; j < 16; j++) m[j] = view.getUint32(off + j * 4, true);
    let a = a0;
    let b = b0;
    let c = c0;
    let d = d0;
    for (let i = 0; i < 64; i++) {
      let f: number;
      let g: number;
      if (i < 16) {
        f = (b & c) | (~b & d);
        g = i;
      } else if (i < 32) {
        f = (d & b) | (~d & c);
        g = (5 * i + 1) % 16;
      } else if (i < 48) {
        f = b ^ c ^ d;
        g = (3 * i + 5) % 16;
      } else {
        f = c ^ (b | ~d);
        g = (7 * i) % 16;
      }
      const sum = (a + f + K[i]! + m[g]!) >>> 0;
      a = d;
      d = c;
      c = b;
      b = (b + ((sum << S[i]!) | (sum >>> (32 - S[i]!)))) >>> 0;
    }
    a0 = (a0 + a) >>> 0;
    b0 = (b0 + b) >>> 0;
    c0 = (c0 + c) >>> 0;
    d0 = (d0 + d) >>> 0;
  }
  const out = new Uint8Array(16);
  const outView = new DataView(out.buffer);
  [a0, b0, c0, d0].forEach((word, i) => outView.setUint32(i * 4, word, true));
  return out;
}

/** HMAC-MD5 of `message` keyed with `key`. */
export function hmacMd5(key: string | Uint8Array, message: string | Uint8Array): Uint8Array {
  let k = utf8(key);
  if (k.length > BLOCK) k = md5(k);
  const ipad = new Uint8Array(BLOCK).fill(0x36);
  const opad = new Uint8Array(BLOCK).fill(0x5c);
  for (let i = 0; i < k.length; i++) {
    ipad[i]! ^= k[i]!;
    opad[i]! ^= k[i]!;
  }
  const msg = utf8(message);
  const inner = new Uint8Array(BLOCK + msg.length);
  inner.set(ipad);
  inner.set(msg, BLOCK);
  const outer = new Uint8Array(BLOCK + 16);
  outer.set(opad);
  outer.set(md5(inner), BLOCK);
  return md5(outer);
}

export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

/** Lowercase hex HMAC-MD5, the form WCS puts after `Authorization: WCS `. */
export function hmacMd5Hex(key: string | Uint8Array, message: string | Uint8Array): string {
  return toHex(hmacMd5(key, message));
}
