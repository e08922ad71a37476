/** The extension's side of forward mode: the setting, and an exchange's text showing the backend leg. */
import assert from 'node:assert/strict';
import { readSettings, serverOptions } from '../../../extension/config';
import { answerDraft } from '../../../extension/answerDraft';
import { exchangeDocument } from '../../../extension/exchangeText';
import { startBackend } from '../hooks/backend';
import { next, post, started } from '../hooks/client';

describe('extension: forward mode', function () {
  this.timeout(30_000);

  it('wcsHookMock.forward becomes the server\'s forward target; a bad URL falls back to off with a message', () => {
    const on = readSettings((k) => (k === 'forward' ? ' http://127.0.0.1:3000/wcs ' : undefined));
    assert.deepEqual(serverOptions(on.settings).forward, { target: 'http://127.0.0.1:3000/wcs' });
    assert.equal(serverOptions(readSettings(() => undefined).settings).forward, undefined);
    const bad = readSettings((k) => (k === 'forward' ? 'ftp://x' : undefined));
    assert.equal(bad.settings.forward, '');
    assert.match(bad.problems[0]!, /wcsHookMock\.forward must be empty or an http/);
  });

  it('the breakpoint settings become the server\'s breakpoints, with or without a target; bad ones fall back with a message', () => {
    const get = (v: Record<string, unknown>) => (k: string) => v[k];
    const both = readSettings(get({ forward: 'http://127.0.0.1:3000/wcs', forwardBreakBefore: [' connect', 'call'], forwardBreakAfter: ['*'] }));
    assert.deepEqual(serverOptions(both.settings).forward, { target: 'http://127.0.0.1:3000/wcs', breakBefore: ['connect', 'call'], breakAfter: ['*'] });
    // A rule's {"forward": URL} needs no target setting, and its hooks still stop at the breakpoints.
    const rulesOnly = readSettings(get({ forwardBreakAfter: ['publishStream'] }));
    assert.deepEqual(serverOptions(rulesOnly.settings).forward, { breakAfter: ['publishStream'] });
    const bad = readSettings(get({ forwardBreakBefore: ['connect', 42], forwardBreakAfter: 'connect' }));
    assert.deepEqual([bad.settings.forwardBreakBefore, bad.settings.forwardBreakAfter], [[], []]);
    assert.equal(bad.problems.length, 2);
    assert.match(bad.problems[0]!, /wcsHookMock\.forwardBreakBefore must be a list of hook methods/);
  });

  it('shows the backend leg in the exchange document and starts an edit of a held backend answer from it', async () => {
    const backend = await startBackend();
    backend.behave({ kind: 'answer', status: 200, headers: { 'Content-Type': 'application/json' }, body: '{"from":"backend"}' });
    const s = await started({ forward: { target: backend.url, breakAfter: ['connect'] } });
    try {
      const held = next(s.server, 'held');
      const reply = post(s.url, '/EchoApp/connect', '{"login":"a"}');
      const [ex] = await held;
      assert.deepEqual(JSON.parse(answerDraft(ex)), { from: 'backend' });
      s.server.pass(ex.id);
      await reply;
      const doc = JSON.parse(exchangeDocument(s.server.journal.get(ex.id)!));
      assert.equal(doc.backend.request.url, `${backend.url}/connect`);
      assert.deepEqual(doc.backend.answer.body, { from: 'backend' });
      assert.equal(doc.answer.by, 'backend');
      assert.deepEqual(Object.keys(doc).slice(0, 9), ['id', 'method', 'type', 'app', 'state', 'receivedAt', 'request', 'backend', 'issues']);
    } finally {
      await s.server.close();
      await backend.close();
    }
  });
});
