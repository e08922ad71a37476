/**
 * The fake WCS's pure parts: its settings, how its nodes look, and that the manifest's item menus match the
 * context values the presentation produces (a `when` that never matches fails silently in VS Code).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MAX_CHILDREN, presentWcs, rootChildren, sessionChildren, type WcsNode } from '../../../extension/wcs/presentation';
import { DEFAULT_WCS_SETTINGS, backendUrl, readWcsSettings } from '../../../extension/wcs/settings';
import type { WcsSessionInfo } from '../../../mock-server/wcs';

const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8'));

function session(over: Partial<WcsSessionInfo> = {}): WcsSessionInfo {
  return {
    sessionId: '/127.0.0.1:50000/127.0.0.1:8080-abc', appKey: 'defaultApp', state: 'established', remoteAddress: '127.0.0.1',
    sipLogin: '1001', openedAt: 0, connection: {}, streams: [], calls: [], ...over,
  };
}

/** The commands whose view/item/context entry for the Fake WCS view shows on an item with this contextValue. */
function menuFor(contextValue: string): string[] {
  return (pkg.contributes.menus['view/item/context'] as { command: string; when: string }[])
    .filter((e) => e.when.startsWith('view == wcsHookMock.wcs '))
    .filter((e) => {
      const re = /viewItem =~ \/(.+)\/$/.exec(e.when);
      if (re) return new RegExp(re[1]).test(contextValue);
      const eq = /viewItem == (\S+)$/.exec(e.when);
      return eq ? eq[1] === contextValue : false;
    })
    .map((e) => e.command);
}

describe('fake WCS in the extension: settings', () => {
  it('reads defaults, keeps good values and reports bad ones', () => {
    assert.deepEqual(readWcsSettings(() => undefined), { settings: DEFAULT_WCS_SETTINGS, problems: [] });
    const values: Record<string, unknown> = { autoStart: true, port: 0, restPort: 9000, backend: ' http://127.0.0.1:3000/EchoApp ' };
    assert.deepEqual(readWcsSettings((k) => values[k]).settings, { autoStart: true, port: 0, restPort: 9000, backend: 'http://127.0.0.1:3000/EchoApp' });
    const bad: Record<string, unknown> = { port: 70000, restPort: 'x', backend: 'ftp://x', autoStart: 'yes' };
    const r = readWcsSettings((k) => bad[k]);
    assert.deepEqual(r.settings, DEFAULT_WCS_SETTINGS);
    assert.equal(r.problems.length, 4);
    assert.match(r.problems.join('\n'), /wcsHookMock\.wcs\.port must be a port number/);
  });

  it('sends hooks to the setting, else the hook server app URL, else nowhere', () => {
    assert.equal(backendUrl(DEFAULT_WCS_SETTINGS, 'http://127.0.0.1:9091'), 'http://127.0.0.1:9091/EchoApp');
    assert.equal(backendUrl(DEFAULT_WCS_SETTINGS, undefined), undefined);
    assert.equal(backendUrl({ ...DEFAULT_WCS_SETTINGS, backend: 'http://b:1/App' }, 'http://127.0.0.1:9091'), 'http://b:1/App');
  });
});

describe('fake WCS in the extension: the view', () => {
  const endpoint = { wsUrl: 'ws://127.0.0.1:8080', restUrl: 'http://127.0.0.1:8081', backend: 'http://127.0.0.1:9091/EchoApp' };

  it('shows the endpoint first, then sessions with counts, streams and calls with status', () => {
    const s = session({
      streams: [{ mediaSessionId: 'm1', name: 'cam1', published: true, status: 'PUBLISHING' }],
      calls: [{ callId: 'c1', incoming: true, status: 'RING', caller: 'bob', callee: '1001' }],
    });
    const [ep, sn] = rootChildren(endpoint, [s]);
    assert.equal(presentWcs(ep!).label, 'ws://127.0.0.1:8080');
    assert.equal(presentWcs(ep!).description, 'REST :8081 · hooks → :9091/EchoApp');
    const p = presentWcs(sn!);
    assert.equal(p.label, '1001');
    assert.equal(p.description, 'ESTABLISHED · 1 stream · 1 call · defaultApp');
    assert.equal(presentWcs({ kind: 'session', session: session({ sipLogin: undefined }) }).label, 'defaultApp · 127.0.0.1');
    assert.equal(p.collapsible, 'expanded');
    const [st, call] = sessionChildren(s).map(presentWcs);
    assert.deepEqual([st!.label, st!.description, st!.iconId], ['cam1', 'publishing · PUBLISHING', 'device-camera-video']);
    assert.deepEqual([call!.label, call!.description, call!.iconId], ['bob → 1001', 'incoming · RING', 'call-incoming']);
    assert.equal(rootChildren(undefined, [s]).length, 0, 'a stopped fake WCS shows the welcome text');
  });

  it('keeps client-chosen text on one line and escapes it in tooltips', () => {
    const s = session({ sipLogin: 'evil\nline\u202e', appKey: 'a*b_c' });
    const p = presentWcs({ kind: 'session', session: s });
    assert.doesNotMatch(p.label, /[\n\u202e]/);
    assert.match(p.tooltip!, /a\\\*b\\_c/);
  });

  it('folds more than MAX_CHILDREN sessions into one row', () => {
    const many = Array.from({ length: MAX_CHILDREN + 5 }, (_, i) => session({ sessionId: `s${i}` }));
    const nodes = rootChildren(endpoint, many);
    assert.equal(nodes.length, MAX_CHILDREN + 2);
    assert.equal(presentWcs(nodes.at(-1)!).label, '… 5 more');
  });

  it('offers each lever exactly on the items it applies to', () => {
    const cv = (n: WcsNode) => presentWcs(n).contextValue;
    const est = cv({ kind: 'session', session: session() });
    assert.deepEqual(menuFor(est).sort(), [
      'wcsHookMock.wcs.dropSession', 'wcsHookMock.wcs.incomingCall', 'wcsHookMock.wcs.incomingCall', 'wcsHookMock.wcs.pushData', 'wcsHookMock.wcs.sipMessage',
    ]);
    assert.deepEqual(menuFor(cv({ kind: 'session', session: session({ state: 'connecting' }) })), ['wcsHookMock.wcs.dropSession']);
    assert.deepEqual(menuFor(cv({ kind: 'stream', sessionId: 's', stream: { mediaSessionId: 'm', published: false, status: 'PLAYING' } })), ['wcsHookMock.wcs.failStream']);
    const ringing = cv({ kind: 'call', sessionId: 's', call: { callId: 'c', incoming: true, status: 'RING' } });
    assert.deepEqual(menuFor(ringing).sort(), ['wcsHookMock.wcs.busy', 'wcsHookMock.wcs.hangup']);
    const talking = cv({ kind: 'call', sessionId: 's', call: { callId: 'c', incoming: true, status: 'ESTABLISHED' } });
    assert.deepEqual(menuFor(talking), ['wcsHookMock.wcs.hangup'], 'a far end that answered can only hang up');
    assert.deepEqual(menuFor(cv({ kind: 'endpoint', endpoint, sessions: 0 })), ['wcsHookMock.wcs.copyUrl']);
  });
});
