/**
 * The two ways WCS can authenticate itself to a backend (PROTOCOL.md §1.5): HTTP Basic per app and an
 * HMAC-MD5 signature of the body in `Authorization: WCS <hex>`. Both use `Authorization`; how WCS combines
 * them is undocumented, so when both are configured every value of the header is looked at.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** The signature WCS sends for `body` with `secret`: lowercase hex HMAC-MD5 of the raw bytes. */
export function signBody(body: Buffer | string, secret: string): string {
  return createHmac('md5', secret).update(body).digest('hex');
}

/** The `Authorization` header value WCS sends for a signed hook. */
export function signatureHeader(body: Buffer | string, secret: string): string {
  return `WCS ${signBody(body, secret)}`;
}

export function basicHeader(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}

function equalText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Splits header values like `Basic abc, WCS 0123` that a proxy may have joined into one line. */
function authValues(values: readonly string[] | undefined): string[] {
  const out: string[] = [];
  for (const v of values ?? []) for (const part of v.split(/,\s*(?=(?:Basic|WCS)\s)/i)) out.push(part.trim());
  return out;
}

/** Undefined when the request passes; otherwise why it does not (shown to the developer). */
export function checkBasic(values: readonly string[] | undefined, username: string, password: string): string | undefined {
  const basics = authValues(values).filter((v) => /^basic\s/i.test(v));
  if (basics.length === 0) return 'missing HTTP Basic credentials';
  // One request, one identity: a list of guesses (comma-joined or repeated headers) must not pass because
  // one of them is right.
  if (basics.length > 1) return `${basics.length} HTTP Basic credentials in one request (exactly one is accepted)`;
  const expected = basicHeader(username, password).slice(6);
  if (basics.some((v) => equalText(v.slice(6).trim(), expected))) return undefined;
  let user = '?';
  try {
    user = Buffer.from(basics[0]!.slice(6).trim(), 'base64').toString('utf8').split(':')[0] ?? '?';
  } catch {
    // unreadable credentials: reported as wrong below
  }
  return `wrong HTTP Basic credentials (user "${user}")`;
}

export function checkSignature(values: readonly string[] | undefined, raw: Buffer, secret: string): string | undefined {
  const sigs = authValues(values).filter((v) => /^wcs\s/i.test(v));
  if (sigs.length === 0) return 'missing body signature (Authorization: WCS <hex HMAC-MD5>)';
  if (sigs.length > 1) return `${sigs.length} body signatures in one request (exactly one is accepted)`;
  const expected = signBody(raw, secret);
  if (sigs.some((v) => equalText(v.slice(4).trim().toLowerCase(), expected))) return undefined;
  return 'body signature does not match (wrong secret, or the body was changed after signing)';
}

/**
 * An `Authorization` value with every credential replaced and its scheme kept (`Basic [redacted]`), so a
 * journal says how a hook authenticated without storing what would let anyone replay it.
 */
export function redactCredentials(value: string): string {
  return value
    .split(/,\s*(?=[A-Za-z][\w.+-]*\s)/)
    .map((part) => {
      const m = /^\s*([A-Za-z][\w.+-]*)(\s+)\S/.exec(part);
      return m ? `${m[1]} [redacted]` : part.trim() === '' ? part : '[redacted]';
    })
    .join(', ');
}
