/** The `wcs` command's flags for its REST port (WCS REST API + the mock's control API). */
import { DEFAULT_REST_PORT, type WcsRestApiOptions } from '../wcs';
import { UsageError } from './flags';

export const REST_OPTIONS = {
  'rest-port': { type: 'string' },
  'rest-user': { type: 'string' },
  'rest-password': { type: 'string' },
  'rest-allow-origin': { type: 'string', multiple: true },
  'rest-empty-list': { type: 'string' },
  'rest-terminate-status': { type: 'string' },
} as const;

export const REST_USAGE = `  --rest-port PORT       port of the WCS REST API (/rest-api/...) and the control API (/wcs-mock/...),
                         on --host; default ${DEFAULT_REST_PORT} as WCS, or a free one when --port is 0; 'off' = none
  --rest-user NAME       require HTTP Basic auth on the REST port, as WCS's disable_rest_auth=false
  --rest-password PASS   password for --rest-user (or env WCS_HOOK_MOCK_REST_PASSWORD)
  --rest-allow-origin O  a browser origin allowed to call besides loopback ones (repeat; '*' = any, as WCS)
  --rest-empty-list N    what a find with no match answers: 404 (default, as documented) or 200 (an empty list)
  --rest-terminate-status S
                         status sent with "Stopped by rest /terminate": natural (UNPUBLISHED/STOPPED,
                         default) or FAILED`;

export interface RestFlags extends WcsRestApiOptions {
  /** Undefined: no REST port. */
  port?: number;
}

export function restFromFlags(values: Record<string, unknown>, env: NodeJS.ProcessEnv, wsPort: number): RestFlags {
  const text = values['rest-port'];
  let port: number | undefined;
  if (text === 'off') port = undefined;
  else if (typeof text === 'string') {
    const n = Number(text);
    if (text.trim() === '' || !Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError(`--rest-port needs an integer 0–65535 or 'off', got '${text}'`);
    port = n;
  } else {
    // A free WebSocket port means a test run or a second mock: a fixed REST port would collide there.
    port = wsPort === 0 ? 0 : DEFAULT_REST_PORT;
  }
  const flags: RestFlags = { port };
  const user = values['rest-user'];
  const password = typeof values['rest-password'] === 'string' ? values['rest-password'] : env.WCS_HOOK_MOCK_REST_PASSWORD;
  if (typeof user === 'string') {
    if (user === '' || user.includes(':')) throw new UsageError('--rest-user needs a name without ":"');
    if (password === undefined) throw new UsageError('--rest-user needs --rest-password (or env WCS_HOOK_MOCK_REST_PASSWORD)');
    flags.auth = { username: user, password };
  } else if (typeof values['rest-password'] === 'string') throw new UsageError('--rest-password needs --rest-user');
  const origins = values['rest-allow-origin'];
  if (Array.isArray(origins) && origins.length > 0) {
    if (origins.includes('*')) flags.allowOrigins = '*';
    else {
      for (const o of origins as string[]) {
        let ok: boolean;
        try {
          const u = new URL(o);
          ok = (u.protocol === 'http:' || u.protocol === 'https:') && u.origin === o;
        } catch {
          ok = false;
        }
        if (!ok) throw new UsageError(`--rest-allow-origin needs an origin like http://localhost:3000 (scheme://host[:port], no path), got '${o}'`);
      }
      flags.allowOrigins = origins as string[];
    }
  }
  const empty = values['rest-empty-list'];
  if (typeof empty === 'string') {
    if (empty !== '404' && empty !== '200') throw new UsageError(`--rest-empty-list needs 404 or 200, got '${empty}'`);
    flags.emptyList = empty === '404' ? 404 : 200;
  }
  const term = values['rest-terminate-status'];
  if (typeof term === 'string') {
    if (term !== 'natural' && term !== 'FAILED') throw new UsageError(`--rest-terminate-status needs natural or FAILED, got '${term}'`);
    flags.terminateStatus = term;
  }
  return flags;
}
