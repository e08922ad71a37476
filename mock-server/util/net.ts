/**
 * Loopback binds are private to this machine; anything else exposes the mock (and whatever it echoes) to the
 * network, which every server here announces loudly. One definition, so the CLI, the WCS server and the
 * extension agree on what counts as exposed.
 */
export function isLoopback(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) || h === '::ffff:127.0.0.1') return true;
  // IPv4-mapped 127.0.0.0/8 as a URL writes it (::ffff:7f00:2).
  if (/^::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}$/.test(h)) return true;
  // Short and numeric forms the resolver also takes (127.1, 0x7f.1, 2130706433, 0:0:0:0:0:0:0:1): compared
  // in the form a URL gives them.
  const canonical = canonicalHost(h);
  return canonical !== undefined && canonical !== h && isLoopback(canonical);
}

/** An IPv4 or IPv6 literal in its canonical form (WHATWG URL host parsing); undefined for anything else. */
function canonicalHost(h: string): string | undefined {
  if (h.includes(':')) {
    if (!/^[0-9a-f:.]+$/.test(h)) return undefined;
  } else if (!/^[0-9a-fx.]+$/.test(h) || !/^[0-9]/.test(h)) {
    return undefined;
  }
  try {
    return new URL(`http://${h.includes(':') ? `[${h}]` : h}/`).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return undefined;
  }
}
