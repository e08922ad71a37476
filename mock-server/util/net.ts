/**
 * Loopback binds are private to this machine; anything else exposes the mock (and whatever it echoes) to the
 * network, which every server here announces loudly. One definition, so the CLI, the WCS server and the
 * extension agree on what counts as exposed.
 */
export function isLoopback(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) || h === '::ffff:127.0.0.1';
}
