/**
 * The "Fake WCS" view's nodes and how each one looks, from a snapshot of the engine's sessions. Pure (no
 * `vscode`): the tree provider maps a presentation to a TreeItem, and unit tests read it directly.
 * Everything shown came from a client over the network, so labels are made single-line and tooltips escaped.
 */
import type { WcsCallInfo, WcsSessionInfo, WcsStreamInfo } from '../../mock-server/wcs';
import type { ItemPresentation } from '../tree';

/** No node lists more children than this; the rest fold into one "… N more" row (the engine keeps them all). */
export const MAX_CHILDREN = 200;

export interface Endpoint {
  readonly wsUrl: string;
  readonly restUrl?: string;
  readonly backend: string;
}

export type WcsNode =
  | { readonly kind: 'endpoint'; readonly endpoint: Endpoint; readonly sessions: number }
  | { readonly kind: 'session'; readonly session: WcsSessionInfo }
  | { readonly kind: 'stream'; readonly sessionId: string; readonly stream: WcsStreamInfo }
  | { readonly kind: 'call'; readonly sessionId: string; readonly call: WcsCallInfo }
  | { readonly kind: 'more'; readonly parent: string; readonly count: number };

/** How a Fake WCS row looks: the Hooks view's shape; `contextValue` is `wcsMock:<kind>` plus `+flag`s, matched by the manifest's `viewItem =~` clauses. */
export type WcsItemPresentation = ItemPresentation;

const GREEN = 'testing.iconPassed';
const RED = 'testing.iconFailed';
const AMBER = 'editorWarning.foreground';

/** One line, no control characters, bounded: a client chooses these strings. */
export function oneLine(text: string, max = 80): string {
  const flat = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

export function escapeMd(text: string): string {
  return oneLine(text, 500).replace(/[\\`*_{}[\]()#+\-.!|<>~]/g, '\\$&');
}

/** `:9091/EchoApp` for a loopback URL (the usual case: the hook server), the whole URL otherwise. */
function shortUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.hostname === '127.0.0.1' || u.hostname === 'localhost') return oneLine(`:${u.port}${u.pathname}`);
  } catch {
    // not a URL: shown as it is
  }
  return oneLine(url);
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function sessionColor(state: string): string | undefined {
  if (state === 'established') return GREEN;
  if (state === 'refused' || state === 'closed') return RED;
  return AMBER;
}

function statusColor(status: string | undefined): string | undefined {
  if (status === undefined) return undefined;
  if (/^(FAILED|BUSY|REJECTED|NOT_ENOUGH_BANDWIDTH)$/.test(status)) return RED;
  if (/^(PUBLISHING|PLAYING|ESTABLISHED)$/.test(status)) return GREEN;
  return AMBER;
}

/** The calls that a far end can no longer answer busy or reject (the control API answers 409 for them). */
function answered(status: string | undefined): boolean {
  return status === 'ESTABLISHED' || status === 'HOLD';
}

/** A session's children: its streams, then its calls, capped. */
export function sessionChildren(s: WcsSessionInfo): WcsNode[] {
  const all: WcsNode[] = [
    ...s.streams.map((stream): WcsNode => ({ kind: 'stream', sessionId: s.sessionId, stream })),
    ...s.calls.map((call): WcsNode => ({ kind: 'call', sessionId: s.sessionId, call })),
  ];
  return capped(all, s.sessionId);
}

/** The root: the endpoint row, then the sessions, capped. */
export function rootChildren(endpoint: Endpoint | undefined, sessions: readonly WcsSessionInfo[]): WcsNode[] {
  if (!endpoint) return [];
  return [{ kind: 'endpoint', endpoint, sessions: sessions.length }, ...capped(sessions.map((session): WcsNode => ({ kind: 'session', session })), '')];
}

function capped(nodes: WcsNode[], parent: string): WcsNode[] {
  if (nodes.length <= MAX_CHILDREN) return nodes;
  return [...nodes.slice(0, MAX_CHILDREN), { kind: 'more', parent, count: nodes.length - MAX_CHILDREN }];
}

export function presentWcs(node: WcsNode): WcsItemPresentation {
  switch (node.kind) {
    case 'endpoint': {
      const e = node.endpoint;
      return {
        id: 'wcs-endpoint',
        label: e.wsUrl,
        description: `${e.restUrl ? `REST :${new URL(e.restUrl).port} · ` : ''}hooks → ${shortUrl(e.backend)}`,
        tooltip: [
          `**Fake WCS** on \`${e.wsUrl}\`: point the web app's \`urlServer\` here. ${plural(node.sessions, 'session')}.`,
          e.restUrl ? `REST API: \`${e.restUrl}/rest-api\` (control API: \`${e.restUrl}/wcs-mock/\`)` : 'No REST port.',
          `Hooks go to ${escapeMd(e.backend)}`,
        ].join('\n\n'),
        iconId: 'broadcast',
        colorId: GREEN,
        contextValue: 'wcsMock:endpoint',
        collapsible: 'none',
      };
    }
    case 'session': {
      const s = node.session;
      const counts = [s.streams.length > 0 ? plural(s.streams.length, 'stream') : '', s.calls.length > 0 ? plural(s.calls.length, 'call') : ''].filter(Boolean);
      // The SIP login is what a developer recognises; without one, the app and the client's address.
      const label = s.sipLogin ? oneLine(s.sipLogin, 40) : `${oneLine(s.appKey, 40)}${s.remoteAddress ? ` · ${oneLine(s.remoteAddress, 60)}` : ''}`;
      return {
        id: `wcs-session:${s.sessionId}`,
        label,
        description: [s.state.toUpperCase(), ...counts, ...(s.sipLogin ? [oneLine(s.appKey, 40)] : [])].join(' · '),
        tooltip: [
          `**Session** ${escapeMd(s.sessionId)}`,
          `App ${escapeMd(s.appKey)}${s.sipLogin ? ` · SIP login ${escapeMd(s.sipLogin)}` : ''} · ${s.state}`,
          `Opened ${new Date(s.openedAt).toISOString().slice(11, 19)} UTC${s.remoteAddress ? ` by ${escapeMd(s.remoteAddress)}` : ''}${s.origin ? ` from a page on ${escapeMd(s.origin)}` : ''}`,
        ].join('\n\n'),
        iconId: 'plug',
        colorId: sessionColor(s.state),
        contextValue: `wcsMock:session+${s.state}`,
        collapsible: s.streams.length + s.calls.length > 0 ? 'expanded' : 'none',
      };
    }
    case 'stream': {
      const st = node.stream;
      return {
        id: `wcs-stream:${node.sessionId}:${st.mediaSessionId}`,
        label: oneLine(st.name ?? st.mediaSessionId),
        description: `${st.published ? 'publishing' : 'playing'} · ${st.status ?? 'PENDING'}`,
        tooltip: `**Stream** ${escapeMd(st.name ?? '')} (${st.published ? 'published' : 'played'})\n\nmediaSessionId ${escapeMd(st.mediaSessionId)} · ${escapeMd(st.status ?? 'PENDING')}`,
        iconId: st.published ? 'device-camera-video' : 'play-circle',
        colorId: statusColor(st.status),
        contextValue: `wcsMock:stream+${st.published ? 'published' : 'played'}`,
        collapsible: 'none',
      };
    }
    case 'call': {
      const c = node.call;
      return {
        id: `wcs-call:${node.sessionId}:${c.callId}`,
        label: `${oneLine(c.caller ?? '?', 40)} → ${oneLine(c.callee ?? '?', 40)}`,
        description: `${c.incoming ? 'incoming' : 'outgoing'} · ${c.status ?? 'PENDING'}`,
        tooltip: `**Call** ${escapeMd(c.callId)} (${c.incoming ? 'incoming' : 'outgoing'}) · ${escapeMd(c.status ?? 'PENDING')}`,
        iconId: c.incoming ? 'call-incoming' : 'call-outgoing',
        colorId: statusColor(c.status),
        contextValue: `wcsMock:call${answered(c.status) ? '+answered' : ''}`,
        collapsible: 'none',
      };
    }
    case 'more':
      return {
        id: `wcs-more:${node.parent}`,
        label: `… ${node.count} more`,
        tooltip: `The view shows ${MAX_CHILDREN} per level; \`wcs-hook-mock ctl sessions\` lists them all.`,
        iconId: 'ellipsis',
        contextValue: 'wcsMock:more',
        collapsible: 'none',
      };
  }
}
