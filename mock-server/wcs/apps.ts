/**
 * Applications, as WCS has them (PROTOCOL.md §7.1): every `connection` names an `appKey`; the app decides
 * where that session's hooks go (its REST URL, with Basic auth or signing, or an in-process handler), which
 * hook methods are posted at all (WCS's `app-rest-method`), and any built-in behaviour (`roomApp`).
 * Browser-safe: zod only, no Node built-ins. The apps *file* (JSON with positions) is in appsFile.ts.
 */
import * as z from 'zod';
import { METHOD_NAMES } from '../protocol';
import type { Backend } from './backend';

/** Built-in server-side behaviour of an app. `room`: the Room API of ROOMS.md (roomApp). */
export const BUILT_INS = ['room'] as const;
export type BuiltIn = (typeof BUILT_INS)[number];

export interface WcsAppConfig {
  /** Where this app's hooks go. Default: the engine's backend. */
  backend?: Backend;
  /**
   * Hook methods posted for this app (`add app-rest-method`). Default `"all"`. A method not listed is
   * never posted; what it is about goes ahead as if the backend had echoed it (PROTOCOL.md §1.4, inferred).
   * Note that a new app in a real WCS starts with none; the mock defaults to all because a mock that posts
   * nothing shows nothing.
   */
  methods?: 'all' | readonly string[];
  builtIn?: BuiltIn;
}

/** What an unknown appKey gets: refused like WCS refuses it, or served as if it were defaultApp's twin. */
export const UNKNOWN_APP_MODES = ['refuse', 'accept'] as const;
export type UnknownAppMode = (typeof UNKNOWN_APP_MODES)[number];

export interface WcsApp {
  readonly appKey: string;
  readonly backend: Backend;
  /** True when the app uses the engine's backend (nothing configured for it). */
  readonly engineBackend: boolean;
  readonly methods: 'all' | ReadonlySet<string>;
  readonly builtIn?: BuiltIn;
}

/** The apps every engine has unless configured otherwise: WCS ships both (PROTOCOL.md §7.1, ROOMS.md §2). */
export const DEFAULT_APPS: Readonly<Record<string, WcsAppConfig>> = {
  defaultApp: {},
  roomApp: { builtIn: 'room' },
};

/**
 * The refusal text for an unknown appKey. WCS answers such a connect with ConnectionStatusEvent FAILED and
 * an `info` (PROTOCOL.md §3.3); the exact words are stated by no source (inferred).
 */
export function unknownAppInfo(appKey: string): string {
  return `Application not found: ${appKey}`;
}

/** Throws a TypeError naming `where` when `b` is not a usable backend. */
export function checkBackend(b: unknown, where: string): asserts b is Backend {
  if (!b || typeof b !== 'object') throw new TypeError(`${where} must be {url} or {handler}`);
  const o = b as Record<string, unknown>;
  if ('handler' in o) {
    if (typeof o.handler !== 'function') throw new TypeError(`${where}.handler must be a function`);
  } else if (typeof o.url !== 'string' || !/^https?:\/\//i.test(o.url)) {
    throw new TypeError(`${where}.url must be an http(s) app URL, got ${JSON.stringify(o.url)}`);
  }
}

/** The JSON form of one app, as the apps file and `--apps` take it (no handler: a file cannot hold one). */
export const UrlBackendSchema = z.strictObject({
  url: z.string().regex(/^https?:\/\//i, 'must be an http(s) URL'),
  basicAuth: z.strictObject({ username: z.string(), password: z.string() }).optional(),
  signingSecret: z.string().optional(),
  timeoutMs: z.number().int().min(0).optional(),
});

export const MethodListSchema = z.union([
  z.literal('all'),
  z.array(z.string().refine((m) => METHOD_NAMES.includes(m), { message: 'not a WCS hook method' })),
]);

export const AppConfigSchema = z.strictObject({
  backend: UrlBackendSchema.optional(),
  methods: MethodListSchema.optional(),
  builtIn: z.enum(BUILT_INS).optional(),
});

export const AppsConfigSchema = z.strictObject({
  apps: z.record(z.string().min(1, 'an appKey cannot be empty'), AppConfigSchema),
  unknownApps: z.enum(UNKNOWN_APP_MODES).optional(),
});
export type AppsConfig = z.infer<typeof AppsConfigSchema>;

/** One app's settings checked and completed; throws a TypeError naming the bad field. */
export function resolveApp(appKey: string, cfg: WcsAppConfig, engineBackend: Backend): WcsApp {
  const where = `apps.${appKey}`;
  if (!cfg || typeof cfg !== 'object') throw new TypeError(`${where} must be an object {backend?, methods?, builtIn?}`);
  if (cfg.backend !== undefined) checkBackend(cfg.backend, `${where}.backend`);
  let methods: WcsApp['methods'] = 'all';
  if (cfg.methods !== undefined && cfg.methods !== 'all') {
    if (!Array.isArray(cfg.methods) || cfg.methods.some((m) => typeof m !== 'string')) {
      throw new TypeError(`${where}.methods must be "all" or a list of hook method names`);
    }
    methods = new Set(cfg.methods);
  }
  if (cfg.builtIn !== undefined && !BUILT_INS.includes(cfg.builtIn)) {
    throw new TypeError(`${where}.builtIn must be one of ${BUILT_INS.map((b) => `"${b}"`).join(', ')}, got ${JSON.stringify(cfg.builtIn)}`);
  }
  return { appKey, backend: cfg.backend ?? engineBackend, engineBackend: cfg.backend === undefined, methods, ...(cfg.builtIn ? { builtIn: cfg.builtIn } : {}) };
}

/** The engine's apps: the defaults, each replaced by a configured app of the same key, plus the others. */
export function resolveApps(engineBackend: Backend, apps: Readonly<Record<string, WcsAppConfig>> | undefined): Map<string, WcsApp> {
  if (apps !== undefined && (!apps || typeof apps !== 'object' || Array.isArray(apps))) throw new TypeError('apps must be an object keyed by appKey');
  const out = new Map<string, WcsApp>();
  for (const [k, cfg] of Object.entries({ ...DEFAULT_APPS, ...(apps ?? {}) })) {
    if (k.length === 0) throw new TypeError('apps: an appKey cannot be empty');
    out.set(k, resolveApp(k, cfg, engineBackend));
  }
  return out;
}

/** The app an unknown appKey gets under `unknownApps: "accept"`: the engine's backend, every method. */
export function adHocApp(appKey: string, engineBackend: Backend): WcsApp {
  return { appKey, backend: engineBackend, engineBackend: true, methods: 'all' };
}

export function methodEnabled(app: WcsApp, method: string): boolean {
  return app.methods === 'all' || app.methods.has(method);
}

/** Plain-data view of an app, for `sessions()`, the CLI and tests. */
export interface WcsAppInfo {
  readonly appKey: string;
  /** The URL, "in-process handler", or "engine backend". */
  readonly backend: string;
  readonly methods: 'all' | readonly string[];
  readonly builtIn?: BuiltIn;
}

export function appInfo(app: WcsApp): WcsAppInfo {
  const backend = app.engineBackend ? 'engine backend' : 'handler' in app.backend ? 'in-process handler' : app.backend.url;
  return { appKey: app.appKey, backend, methods: app.methods === 'all' ? 'all' : [...app.methods], ...(app.builtIn ? { builtIn: app.builtIn } : {}) };
}
