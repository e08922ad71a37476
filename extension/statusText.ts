/** What the status bar item shows for a server state. No `vscode` import: unit-tested in plain mocha. */
import { counted } from '../mock-server/view';
import { POLICY_LABELS, isLoopback, type Settings } from './config';

export type ServerState =
  | { readonly kind: 'stopped' }
  | { readonly kind: 'starting' }
  | { readonly kind: 'running'; readonly url: string; readonly host: string; readonly port: number }
  | { readonly kind: 'failed'; readonly message: string };

export interface StatusText {
  readonly text: string;
  readonly tooltip: string;
  readonly background?: 'warning' | 'error';
}

/** Pure: what the item shows for a state. */
export function statusText(
  state: ServerState,
  held: number,
  settings: Pick<Settings, 'host' | 'policy'>,
  ruleCount: number | undefined,
): StatusText {
  switch (state.kind) {
    case 'running': {
      const exposed = !isLoopback(state.host);
      return {
        text: `$(radio-tower) WCS :${state.port}${held > 0 ? ` $(bell-dot) ${held} held` : ''}`,
        tooltip: [
          `WCS hook server on ${state.url}${exposed ? ' (reachable from the network!)' : ''}`,
          `Policy: ${POLICY_LABELS[settings.policy]}; ${ruleCount === undefined ? 'no rules file' : counted(ruleCount, 'rule')}`,
          held > 0 ? `${counted(held, 'hook')} waiting for your answer` : 'No hook is waiting',
          'Click to show the hooks',
        ].join('\n'),
        background: exposed ? 'warning' : undefined,
      };
    }
    case 'starting':
      return { text: '$(loading~spin) WCS', tooltip: 'The WCS hook server is starting' };
    case 'failed':
      return { text: '$(error) WCS', tooltip: `${state.message}\nClick to show the hooks view`, background: 'error' };
    case 'stopped':
      return { text: '$(circle-slash) WCS off', tooltip: 'The WCS hook server is stopped. Click to show the hooks view' };
  }
}
