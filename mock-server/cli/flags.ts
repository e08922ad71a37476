/**
 * What the CLI's commands share: the usage error, and the flags of every command that sends hooks to a
 * backend (`trigger`, `check`, `wcs`), named as WCS's `add app` and flashphoner.properties name them.
 */
import { WCS_REST_REQUEST_TIMEOUT_MS } from '../protocol';
import type { FarEnd as FarEndAction, UrlBackend } from '../wcs';

/** A mistake in the command line: reported as one line plus the command's usage, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Whether an error is the user's command line (ours, or node:util parseArgs's) rather than a failure. */
export function isUsageError(err: unknown): boolean {
  return err instanceof UsageError || !!(err as { code?: string } | null)?.code?.startsWith('ERR_PARSE_ARGS');
}

/** Flags every backend-facing command shares, as WCS's `add app` and flashphoner.properties name them. */
export const BACKEND_OPTIONS = {
  backend: { type: 'string', short: 'b' },
  user: { type: 'string', short: 'u' },
  password: { type: 'string' },
  secret: { type: 'string' },
  timeout: { type: 'string' },
} as const;

export const BACKEND_USAGE = `  --backend URL          the app URL, as in WCS's \`add app\` (hooks go to URL/<method>),
                         e.g. http://127.0.0.1:9091/EchoApp
  --user NAME            send HTTP Basic credentials (with --password or env WCS_HOOK_MOCK_PASSWORD)
  --password PASS        password for --user
  --secret SECRET        sign bodies: Authorization: WCS <HMAC-MD5> (or env WCS_HOOK_MOCK_SECRET)
  --timeout SECONDS      hook timeout, as rest_request_timeout (default ${WCS_REST_REQUEST_TIMEOUT_MS / 1000})`;

export interface BackendFlags {
  backend: UrlBackend;
  timeoutMs: number;
}

export function backendFromFlags(values: Record<string, string | boolean | undefined>, env: NodeJS.ProcessEnv): BackendFlags {
  const url = values.backend;
  if (typeof url !== 'string' || url === '') throw new UsageError('--backend URL is required (the app URL hooks go to, e.g. http://127.0.0.1:9091/EchoApp)');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`--backend: not a URL: '${url}'`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new UsageError(`--backend must be an http:// or https:// URL, got '${url}'`);
  return { backend: { url, ...credentialsFromFlags(values, env) }, timeoutMs: timeoutFromFlags(values) };
}

/** `--user`/`--password` and `--secret` (or their environment variables): how hooks are authenticated. */
export function credentialsFromFlags(
  values: Record<string, string | boolean | undefined>,
  env: NodeJS.ProcessEnv,
): Pick<UrlBackend, 'basicAuth' | 'signingSecret'> {
  const out: Pick<UrlBackend, 'basicAuth' | 'signingSecret'> = {};
  const user = values.user;
  const password = typeof values.password === 'string' ? values.password : env.WCS_HOOK_MOCK_PASSWORD;
  if (typeof user === 'string') {
    if (password === undefined) throw new UsageError('--user needs --password (or env WCS_HOOK_MOCK_PASSWORD)');
    out.basicAuth = { username: user, password };
  } else if (typeof values.password === 'string') throw new UsageError('--password needs --user');
  const secret = typeof values.secret === 'string' ? values.secret : env.WCS_HOOK_MOCK_SECRET;
  if (secret !== undefined && secret !== '') out.signingSecret = secret;
  return out;
}

/** `--timeout SECONDS`, as WCS's rest_request_timeout (its 15 s default when absent). */
export function timeoutFromFlags(values: Record<string, string | boolean | undefined>): number {
  if (typeof values.timeout !== 'string') return WCS_REST_REQUEST_TIMEOUT_MS;
  const n = Number(values.timeout);
  if (values.timeout.trim() === '' || !Number.isFinite(n) || n < 0) throw new UsageError(`--timeout needs seconds ≥ 0, got '${values.timeout}'`);
  return Math.round(n * 1000);
}

export function positiveInt(flag: string, text: string | undefined, def: number): number {
  if (text === undefined) return def;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${flag} needs an integer ≥ 1, got '${text}'`);
  return n;
}

/** `answer`, `answer:MS`, `busy`, `reject:CODE`, `ring`. */
export function parseFarEnd(text: string | undefined): FarEndAction | undefined {
  if (text === undefined) return undefined;
  const [kind, arg] = text.split(':', 2);
  if (kind === 'answer') {
    const afterMs = arg === undefined ? 0 : Number(arg);
    if (!Number.isFinite(afterMs) || afterMs < 0) throw new UsageError(`--far-end answer:MS needs milliseconds ≥ 0, got '${arg}'`);
    return { kind: 'answer', afterMs };
  }
  if (kind === 'busy' && arg === undefined) return { kind: 'busy' };
  if (kind === 'ring' && arg === undefined) return { kind: 'ring' };
  if (kind === 'reject') {
    const sipStatus = Number(arg);
    if (!Number.isInteger(sipStatus) || sipStatus < 400 || sipStatus > 699) throw new UsageError(`--far-end reject:CODE needs a SIP status 400–699, got '${arg ?? ''}'`);
    return { kind: 'reject', sipStatus };
  }
  throw new UsageError(`--far-end must be answer[:MS], busy, reject:CODE or ring, got '${text}'`);
}
