/**
 * The fake WCS's settings (`wcsHookMock.wcs.*`), kept apart from the hook server's: they never restart the
 * hook server, and the hook server's never restart the fake WCS. Plain getter, no `vscode`: unit-tested.
 */
import { DEFAULT_REST_PORT, DEFAULT_WCS_WS_PORT } from '../../mock-server/wcs';

/** The settings sub-section, under `wcsHookMock`. */
export const WCS_SUBSECTION = 'wcs';

export interface WcsSettings {
  /** Start the fake WCS whenever the hook server is running. */
  readonly autoStart: boolean;
  /** WebSocket port (what the web app's urlServer names); 0 = a free one. */
  readonly port: number;
  /** REST API and control API port; 0 = a free one. */
  readonly restPort: number;
  /** Where hooks go; '' = the running hook server's `<url>/EchoApp`. */
  readonly backend: string;
}

export const DEFAULT_WCS_SETTINGS: WcsSettings = {
  autoStart: false,
  port: DEFAULT_WCS_WS_PORT,
  restPort: DEFAULT_REST_PORT,
  backend: '',
};

/** The settings whose change restarts a running fake WCS (connected clients are closed). */
export const WCS_RESTART_KEYS: readonly (keyof WcsSettings)[] = ['port', 'restPort', 'backend'];

/** The path under the hook server's URL the fake WCS posts to by default, as in WCS's `add app -l`. */
export const DEFAULT_APP_PATH = '/EchoApp';

export function readWcsSettings(get: (key: keyof WcsSettings) => unknown): { settings: WcsSettings; problems: string[] } {
  const problems: string[] = [];
  const d = DEFAULT_WCS_SETTINGS;
  const pick = <K extends keyof WcsSettings>(key: K, ok: (v: unknown) => boolean, what: string): WcsSettings[K] => {
    const v = get(key);
    if (v === undefined || v === null) return d[key];
    if (ok(v)) return v as WcsSettings[K];
    problems.push(`wcsHookMock.${WCS_SUBSECTION}.${key} must be ${what}; using ${JSON.stringify(d[key])} instead of ${JSON.stringify(v)}`);
    return d[key];
  };
  const port = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 65535;
  const settings: WcsSettings = {
    autoStart: pick('autoStart', (v) => typeof v === 'boolean', 'true or false'),
    port: pick('port', port, 'a port number from 0 to 65535'),
    restPort: pick('restPort', port, 'a port number from 0 to 65535'),
    backend: pick('backend', (v) => typeof v === 'string' && (v.trim() === '' || /^https?:\/\/\S+$/i.test(v.trim())), 'empty or an http(s) URL'),
  };
  return { settings: { ...settings, backend: settings.backend.trim() }, problems };
}

/** Where the fake WCS sends hooks: the setting, else the hook server's app URL, else nothing to send to. */
export function backendUrl(settings: WcsSettings, hookServerUrl: string | undefined): string | undefined {
  if (settings.backend !== '') return settings.backend;
  return hookServerUrl === undefined ? undefined : `${hookServerUrl.replace(/\/+$/, '')}${DEFAULT_APP_PATH}`;
}
