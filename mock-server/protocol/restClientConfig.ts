/**
 * restClientConfig (PROTOCOL.md §4): what the backend's 200 answer to `connect` may carry to govern
 * every later hook of the session, keyed by method name.
 */
import * as z from 'zod';

export const REST_ON_ERROR = ['FAIL', 'LOG'] as const;
export type RestOnError = (typeof REST_ON_ERROR)[number];

/** `DISABLED` is the WCS 4 spelling of `DISABLE`; both are accepted and treated alike. */
export const REST_POLICIES = ['NOTIFY', 'OVERWRITE', 'DISABLE', 'DISABLED'] as const;
export type RestPolicy = (typeof REST_POLICIES)[number];

export const MethodConfigSchema = z.looseObject({
  restExclude: z.string().optional(),
  clientExclude: z.string().optional(),
  restOnError: z.enum(REST_ON_ERROR).optional(),
  restPolicy: z.enum(REST_POLICIES).optional(),
  restOverwrite: z.string().optional(),
});
export type MethodConfig = z.infer<typeof MethodConfigSchema>;

export const RestClientConfigSchema = z.record(z.string(), MethodConfigSchema);
export type RestClientConfig = z.infer<typeof RestClientConfigSchema>;

/** One method's effective settings, every field filled in. */
export interface ResolvedMethodConfig {
  readonly restExclude: readonly string[];
  readonly clientExclude: readonly string[];
  readonly restOnError: RestOnError;
  readonly restPolicy: 'NOTIFY' | 'OVERWRITE' | 'DISABLE';
  readonly restOverwrite: readonly string[];
}

/** Documented defaults: LOG and NOTIFY, nothing excluded. One old table says OVERWRITE; its own text says NOTIFY. */
export const DEFAULT_METHOD_CONFIG: ResolvedMethodConfig = Object.freeze({
  restExclude: [],
  clientExclude: [],
  restOnError: 'LOG',
  restPolicy: 'NOTIFY',
  restOverwrite: [],
});

function fieldList(csv: string | undefined): string[] {
  return (csv ?? '').split(',').map((f) => f.trim()).filter((f) => f.length > 0);
}

/** The settings that govern `method` under `config` (absent config or entry: the defaults). */
export function resolveMethodConfig(config: RestClientConfig | undefined, method: string): ResolvedMethodConfig {
  const entry = config?.[method];
  if (!entry) return DEFAULT_METHOD_CONFIG;
  return {
    restExclude: fieldList(entry.restExclude),
    clientExclude: fieldList(entry.clientExclude),
    restOnError: entry.restOnError ?? 'LOG',
    restPolicy: entry.restPolicy === 'DISABLED' ? 'DISABLE' : entry.restPolicy ?? 'NOTIFY',
    restOverwrite: fieldList(entry.restOverwrite),
  };
}

/** A copy of `body` without the named top-level fields (restExclude / clientExclude). */
export function withoutFields<T extends Record<string, unknown>>(body: T, fields: readonly string[]): T {
  if (fields.length === 0) return body;
  const copy: Record<string, unknown> = { ...body };
  for (const f of fields) delete copy[f];
  return copy as T;
}

/**
 * Fields of the 200 answer to `connect` that take effect besides `restClientConfig`: the SIP credentials a
 * backend may supply (PROTOCOL.md §1.3, §3.2, WCS 4 examples) and `authToken` (inferred: the client stores
 * whatever `getUserData` carries). Any other change in the answer is not a documented override.
 */
export const CONNECT_OVERRIDE_FIELDS: readonly string[] = [
  'sipLogin', 'sipAuthenticationName', 'sipPassword', 'sipDomain', 'sipOutboundProxy', 'sipProxy', 'sipPort',
  'sipRegisterRequired', 'sipVisibleName', 'sipContactParams', 'authToken',
];
