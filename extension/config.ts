/**
 * The extension's settings (`wcsHookMock.*`), read into one typed object. Takes a plain getter rather than a
 * WorkspaceConfiguration so it is unit-tested without VS Code; bad values fall back to the default with a
 * message, never a crash.
 */
import { POLICIES, forwardTargetProblem, type Policy } from '../mock-server/hooks';
import { DEFAULT_JOURNAL_LIMIT } from '../mock-server/hooks';
import { DEFAULT_HOLD_TIMEOUT_MS, DEFAULT_PORT, type HookServerOptions } from '../mock-server/hooks';
import { isLoopback as isLoopbackHost, normalizeOrigin } from '../mock-server/util';

export const SECTION = 'wcsHookMock';

export interface Settings {
  readonly autoStart: boolean;
  readonly host: string;
  /** 0: a free port. */
  readonly port: number;
  /** 0: hold until answered. */
  readonly holdTimeoutSeconds: number;
  readonly fallback: 'echo' | 'forbid';
  readonly journalSize: number;
  /** Workspace-relative (or absolute) path of the rules file. */
  readonly rulesFile: string;
  readonly policy: Policy;
  /** Web page origins allowed to post hooks besides loopback pages (`--allow-origin`). */
  readonly allowOrigins: readonly string[];
  /** Forward mode's target (`serve --forward`); '' when the mock answers. */
  readonly forward: string;
  /** Forward mode's breakpoints (`--break-before`, `--break-after`): method names, or `*` for every one. */
  readonly forwardBreakBefore: readonly string[];
  readonly forwardBreakAfter: readonly string[];
}

export const DEFAULT_SETTINGS: Settings = {
  autoStart: true,
  host: '127.0.0.1',
  port: DEFAULT_PORT,
  holdTimeoutSeconds: DEFAULT_HOLD_TIMEOUT_MS / 1000,
  fallback: 'echo',
  journalSize: DEFAULT_JOURNAL_LIMIT,
  rulesFile: '.vscode/wcs-hooks.json',
  policy: 'hold-blockable',
  allowOrigins: [],
  forward: '',
  forwardBreakBefore: [],
  forwardBreakAfter: [],
};

/** The settings whose change needs a server restart (all but autoStart and rulesFile, which reload live). */
export const RESTART_KEYS: readonly (keyof Settings)[] = ['host', 'port', 'holdTimeoutSeconds', 'fallback', 'journalSize', 'allowOrigins', 'forward', 'forwardBreakBefore', 'forwardBreakAfter'];

export function readSettings(get: (key: keyof Settings) => unknown): { settings: Settings; problems: string[] } {
  const problems: string[] = [];
  const d = DEFAULT_SETTINGS;
  const pick = <K extends keyof Settings>(key: K, ok: (v: unknown) => boolean, what: string): Settings[K] => {
    const v = get(key);
    if (v === undefined || v === null) return d[key];
    if (ok(v)) return v as Settings[K];
    problems.push(`${SECTION}.${key} must be ${what}; using ${JSON.stringify(d[key])} instead of ${JSON.stringify(v)}`);
    return d[key];
  };
  const methods = (v: unknown) => Array.isArray(v) && v.every((m) => typeof m === 'string' && /^(\*|[A-Za-z][A-Za-z0-9_]*)$/.test(m.trim()));
  const int = (min: number, max: number) => (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
  const settings: Settings = {
    autoStart: pick('autoStart', (v) => typeof v === 'boolean', 'true or false'),
    host: pick('host', (v) => typeof v === 'string' && v.trim() !== '', 'a host name or address'),
    port: pick('port', int(0, 65535), 'a port number from 0 to 65535'),
    holdTimeoutSeconds: pick('holdTimeoutSeconds', (v) => typeof v === 'number' && (v === 0 || (v >= 0.001 && v <= 86_400)), '0 or a number of seconds from 0.001 to 86400'),
    fallback: pick('fallback', (v) => v === 'echo' || v === 'forbid', '"echo" or "forbid"'),
    journalSize: pick('journalSize', int(1, 1_000_000), 'a whole number from 1 to 1000000'),
    rulesFile: pick('rulesFile', (v) => typeof v === 'string', 'a path'),
    policy: pick('policy', (v) => POLICIES.includes(v as Policy), POLICIES.map((p) => `"${p}"`).join(', ')),
    allowOrigins: pick(
      'allowOrigins',
      (v) => Array.isArray(v) && v.every((o) => typeof o === 'string' && normalizeOrigin(o) !== undefined),
      'a list of origins like "https://app.example.com"',
    ),
    forward: pick('forward', (v) => typeof v === 'string' && (v.trim() === '' || forwardTargetProblem(v.trim()) === undefined), 'empty or an http:// or https:// URL like "http://127.0.0.1:3000/wcs"'),
    forwardBreakBefore: pick('forwardBreakBefore', methods, 'a list of hook methods like ["connect", "call"], or ["*"]'),
    forwardBreakAfter: pick('forwardBreakAfter', methods, 'a list of hook methods like ["connect", "call"], or ["*"]'),
  };
  return { settings: { ...settings, host: settings.host.trim(), rulesFile: settings.rulesFile.trim(), forward: settings.forward.trim(), forwardBreakBefore: settings.forwardBreakBefore.map((m) => m.trim()), forwardBreakAfter: settings.forwardBreakAfter.map((m) => m.trim()) }, problems };
}

/** Whether only this machine can reach a server bound to `host` (settings may carry stray spaces). */
export function isLoopback(host: string): boolean {
  return isLoopbackHost(host.trim());
}

export function serverOptions(s: Settings): HookServerOptions {
  return {
    host: s.host,
    port: s.port,
    policy: s.policy,
    holdTimeoutMs: Math.round(s.holdTimeoutSeconds * 1000),
    fallback: s.fallback,
    journalLimit: s.journalSize,
    allowOrigins: s.allowOrigins,
    ...forwardOptions(s),
  };
}

/** Forward mode when a target or a breakpoint is set (a rule may forward without the setting's target). */
function forwardOptions(s: Settings): Pick<HookServerOptions, 'forward'> {
  const before = s.forwardBreakBefore.length ? { breakBefore: s.forwardBreakBefore } : {};
  const after = s.forwardBreakAfter.length ? { breakAfter: s.forwardBreakAfter } : {};
  if (!s.forward && !s.forwardBreakBefore.length && !s.forwardBreakAfter.length) return {};
  return { forward: { ...(s.forward ? { target: s.forward } : {}), ...before, ...after } };
}

export const POLICY_LABELS: Readonly<Record<Policy, string>> = {
  'hold-blockable': 'hold blockable',
  'hold-all': 'hold all (step mode)',
  'echo-all': 'echo all',
};
