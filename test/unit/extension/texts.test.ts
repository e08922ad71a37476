import assert from 'node:assert/strict';
import { sampleBody } from '../../../mock-server/protocol';
import { parseRulesText } from '../../../mock-server/hooks/rules';
import { exchangeDocument } from '../../../extension/exchangeText';
import { withRule } from '../../../extension/rulesEdit';
import { DEFAULT_SETTINGS, isLoopback, readSettings, serverOptions } from '../../../extension/config';
import { statusText } from '../../../extension/statusText';
import { defaultReplayUrl } from '../../../extension/replay';
import { answered, exchange } from '../view/exchanges';

describe('extension texts', () => {
  describe('exchange document', () => {
    it('holds request headers, body, issues and the answer, as JSON', () => {
      const ex = answered(exchange('call', { ...sampleBody('call'), callId: 7 }), { status: 403, reason: 'busy' });
      const doc = JSON.parse(exchangeDocument({ ...ex, answer: { ...ex.answer!, body: '{"status":403,"reason":"busy"}' } }));
      assert.equal(doc.method, 'call');
      assert.equal(doc.request.headers['content-type'], 'application/json');
      assert.equal(doc.request.body.caller, '1001');
      assert.deepEqual(doc.issues.map((i: { path: string }) => i.path), ['callId']);
      assert.equal(doc.answer.status, 403);
      assert.equal(doc.answer.by, 'developer');
      assert.deepEqual(doc.answer.body, { status: 403, reason: 'busy' });
    });

    it('shows a body that is not JSON as text and a held hook with no answer yet', () => {
      const ex = exchange('call', undefined, { body: undefined, rawBody: 'not json', error: 'malformed JSON', issues: [], keys: {} });
      const doc = JSON.parse(exchangeDocument(ex));
      assert.equal(doc.request.body, 'not json');
      assert.equal(doc.error, 'malformed JSON');
      assert.equal(doc.answer, null);
    });
  });

  describe('rules file edits', () => {
    it('creates a rules file with the rule', () => {
      const text = withRule(undefined, { method: 'OnCallEvent', answer: 'forbid' });
      assert.deepEqual(parseRulesText(text).rules, [{ method: 'OnCallEvent', answer: 'forbid' }]);
    });

    it('replaces a plain rule for the method in place and keeps the rest of the file', () => {
      const before = JSON.stringify({
        $schema: './x.json',
        rules: [{ method: 'connect', answer: 'echo' }, { method: 'call', answer: 'hold' }],
        default: 'echo',
      });
      const after = JSON.parse(withRule(before, { method: 'connect', answer: { status: 403, reason: 'closed' } }));
      assert.equal(after.$schema, './x.json');
      assert.equal(after.default, 'echo');
      assert.deepEqual(after.rules, [{ method: 'connect', answer: { status: 403, reason: 'closed' } }, { method: 'call', answer: 'hold' }]);
    });

    it('puts a new rule after field-specific ones and before generic ones, so neither shadows the other wrongly', () => {
      const before = JSON.stringify({
        rules: [{ method: 'call', when: { callee: '1' }, answer: 'forbid' }, { type: 'event', answer: 'echo' }],
      });
      const after = JSON.parse(withRule(before, { method: 'call', answer: 'echo' }));
      assert.deepEqual(after.rules.map((r: { method?: string; type?: string }) => r.method ?? r.type), ['call', 'call', 'event']);
      assert.deepEqual(after.rules[1], { method: 'call', answer: 'echo' });
    });

    it('refuses to rewrite a broken file', () => {
      assert.throws(() => withRule('{"rules": [', { method: 'x', answer: 'echo' }), { name: 'RulesError' });
      assert.throws(() => withRule('{"rules": [{"answer": "maybe"}]}', { method: 'x', answer: 'echo' }), { name: 'RulesError' });
    });
  });

  describe('settings', () => {
    it('reads the defaults, and falls back with a message on bad values', () => {
      assert.deepEqual(readSettings(() => undefined), { settings: DEFAULT_SETTINGS, problems: [] });
      const { settings, problems } = readSettings((k) => ({ port: 70000, fallback: 'maybe', holdTimeoutSeconds: 0.5, host: ' 0.0.0.0 ' } as Record<string, unknown>)[k]);
      assert.equal(settings.port, 9091);
      assert.equal(settings.fallback, 'echo');
      assert.equal(settings.holdTimeoutSeconds, 0.5);
      assert.equal(settings.host, '0.0.0.0');
      assert.equal(problems.length, 2);
      assert.match(problems[0], /wcsHookMock\.port/);
      assert.equal(serverOptions(settings).holdTimeoutMs, 500);
    });

    it('knows loopback addresses', () => {
      for (const h of ['127.0.0.1', 'localhost', '::1', '[::1]', '127.1.2.3']) assert.equal(isLoopback(h), true, h);
      for (const h of ['0.0.0.0', '::', '192.168.1.2', 'example.com']) assert.equal(isLoopback(h), false, h);
    });
  });

  describe('status bar text', () => {
    const s = { host: '127.0.0.1', policy: 'hold-blockable' } as const;
    it('shows the port and the held count, and warns when reachable from the network', () => {
      const running = { kind: 'running', url: 'http://127.0.0.1:9091', host: '127.0.0.1', port: 9091 } as const;
      assert.equal(statusText(running, 0, s, undefined).text, '$(radio-tower) WCS :9091');
      assert.equal(statusText(running, 3, s, 2).text, '$(radio-tower) WCS :9091 $(bell-dot) 3 held');
      assert.match(statusText(running, 3, s, 2).tooltip, /2 rules\n/);
      assert.match(statusText(running, 3, s, 2).tooltip, /^3 hooks waiting/m);
      assert.match(statusText(running, 1, s, 1).tooltip, /1 rule\n1 hook waiting/, 'no "hook(s)"');
      assert.match(statusText(running, 8, s, 1).tooltip, /^8 hooks waiting/m);
      assert.equal(statusText(running, 0, s, undefined).background, undefined);
      assert.equal(statusText({ ...running, host: '0.0.0.0' }, 0, s, undefined).background, 'warning');
      assert.equal(statusText({ kind: 'failed', message: 'port busy' }, 0, s, undefined).background, 'error');
      assert.match(statusText({ kind: 'stopped' }, 0, s, undefined).text, /off/);
    });
  });

  it('replays to the same path on the chosen backend', () => {
    assert.equal(defaultReplayUrl(exchange('connect')), 'http://127.0.0.1:3000/EchoApp/connect');
    assert.equal(defaultReplayUrl(exchange('connect'), 'http://10.0.0.2:8080/'), 'http://10.0.0.2:8080/EchoApp/connect');
  });
});
