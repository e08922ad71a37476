import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  decide, loadRulesFile, parseAnswerSpec, parseRules, parseRulesText, rulesJsonSchema, RulesError, type RulesFile,
} from '../../../mock-server/hooks';
import { methodType } from '../../../mock-server/protocol';

const ISSUE_EXAMPLE =
  '{"rules":[{"method":"OnCallEvent","when":{"callee":"PPP005"},"answer":{"status":403,"reason":"busy"}},' +
  '{"type":"event","answer":"echo"}],"default":"hold"}';

function facts(method: string, body: unknown = {}, app = '/EchoApp') {
  return { method, type: methodType(method), app, body };
}

function rulesError(fn: () => unknown): RulesError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof RulesError, `RulesError expected, got ${String(err)}`);
    return err;
  }
  assert.fail('no error thrown');
}

describe('rules', () => {
  describe('parsing', () => {
    it('accepts the example from the issue and every answer form', () => {
      const r = parseRulesText(ISSUE_EXAMPLE);
      assert.equal(r.rules.length, 2);
      assert.equal(r.default, 'hold');
      const all = parseRules({
        rules: [
          { method: 'connect', answer: 'echo' },
          { method: ['call', 'answer'], answer: 'forbid' },
          { type: 'direct', answer: 'hold' },
          { app: 'EchoApp', answer: { status: 403, reason: 'no' } },
          { when: { 'custom.login': 'bob', keepAlive: false, n: 1, x: null }, answer: { status: 200, merge: { a: 1 } } },
          { name: 'teapot', answer: { status: 418, body: { short: 'stout' } } },
          { answer: { status: 500 } },
        ],
        default: 'echo',
      });
      assert.equal(all.rules.length, 7);
    });

    it('reports a bad field with its path, line and column', () => {
      const text = '{\n  "rules": [\n    { "method": "connect", "answer": "echo" },\n    { "method": "call",\n      "answer": { "status": "403", "reason": "x" } }\n  ]\n}\n';
      const err = rulesError(() => parseRulesText(text, 'rules.json'));
      assert.equal(err.path, 'rules[1].answer.status');
      assert.equal(err.file, 'rules.json');
      assert.equal(err.line, 5);
      assert.equal(err.column, 29);
      assert.match(err.message, /^rules\.json:5:29: rules\[1\]\.answer\.status: .*expected number/);
    });

    it('reports a JSON syntax error with line and column', () => {
      const err = rulesError(() => parseRulesText('{\n  "rules": [\n    { "answer": "echo", }\n  ]\n}', 'r.json'));
      assert.equal(err.line, 3);
      assert.equal(err.path, '');
      assert.match(err.message, /^r\.json:3:\d+: invalid JSON: trailing comma/);
    });

    it('names unknown fields, bad keywords, bad types, conflicting parts and a missing answer', () => {
      const cases: [unknown, string, RegExp][] = [
        [{ rules: [{ methd: 'connect', answer: 'echo' }] }, 'rules[0]', /unknown field "methd"/],
        [{ rules: [{ answer: 'echoo' }] }, 'rules[0].answer', /expected "echo", "forbid", "hold".*"echoo"/],
        [{ rules: [{ type: 'events', answer: 'echo' }] }, 'rules[0].type', /connect.*incoming/],
        [{ rules: [{ method: 3, answer: 'echo' }] }, 'rules[0].method', /./],
        [{ rules: [{ answer: { status: 200, merge: {}, body: {} } }] }, 'rules[0].answer.body', /only one of/],
        [{ rules: [{ answer: { status: 99 } }] }, 'rules[0].answer.status', /100/],
        [{ rules: [{ when: { a: [1] }, answer: 'echo' }] }, 'rules[0].when.a', /./],
        [{ rules: [{ method: 'connect' }] }, 'rules[0].answer', /./],
        [{ rule: [] }, 'rules', /./],
        [{ rules: [], default: 'nope' }, 'default', /"nope"/],
      ];
      for (const [json, path, msg] of cases) {
        const err = rulesError(() => parseRules(json));
        assert.equal(err.path, path, JSON.stringify(json));
        assert.match(err.message, msg, JSON.stringify(json));
      }
    });

    it('refuses absurd nesting with a RulesError instead of overflowing the stack', () => {
      const err = rulesError(() => parseRulesText(`{"rules":[],"x":${'['.repeat(100_000)}`, 'deep.json'));
      assert.match(err.message, /^deep\.json:1:\d+: invalid JSON: nested more than 512 levels deep/);
    });

    it('locates the enclosing object of a missing field', () => {
      const err = rulesError(() => parseRulesText('{"rules": [\n  {"method": "connect"}\n]}', 'f.json'));
      assert.equal(err.path, 'rules[0].answer');
      assert.equal(err.line, 2);
      assert.equal(err.column, 3);
    });

    it('loads files and reports unreadable ones as RulesError', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'wcs-rules-'));
      const good = join(dir, 'good.json');
      await writeFile(good, ISSUE_EXAMPLE);
      assert.equal((await loadRulesFile(good)).rules.length, 2);
      await assert.rejects(loadRulesFile(join(dir, 'missing.json')), (e: RulesError) => e instanceof RulesError && /no such file/.test(e.message));
      await assert.rejects(loadRulesFile(dir), (e: RulesError) => e instanceof RulesError && /is a directory/.test(e.message));
    });

    it('exports a JSON Schema for editors', () => {
      const schema = rulesJsonSchema() as { type: string; properties: Record<string, unknown>; required: string[] };
      assert.equal(schema.type, 'object');
      assert.ok(schema.properties.rules && schema.properties.default);
      assert.deepEqual(schema.required, ['rules']);
    });

    it('checks answers given at run time', () => {
      assert.equal(parseAnswerSpec('echo'), 'echo');
      assert.deepEqual(parseAnswerSpec({ status: 403, reason: 'x' }), { status: 403, reason: 'x' });
      assert.throws(() => parseAnswerSpec('hold'), /rule decision/);
      assert.throws(() => parseAnswerSpec({ status: 200, reason: 1 }), /reason/);
    });
  });

  describe('decide', () => {
    const rules: RulesFile = parseRulesText(ISSUE_EXAMPLE);

    it('evaluates rules in order, matching body fields', () => {
      assert.deepEqual(decide(rules, 'echo-all', facts('OnCallEvent', { callee: 'PPP005' })), {
        answer: { status: 403, reason: 'busy' },
        ruleIndex: 0,
      });
      // OnCallEvent is an incoming invocation, not an event: the second rule does not apply.
      assert.deepEqual(decide(rules, 'echo-all', facts('OnCallEvent', { callee: 'PPP006' })), { answer: 'hold' });
      assert.deepEqual(decide(rules, 'hold-all', facts('StreamStatusEvent')), { answer: 'echo', ruleIndex: 1 });
    });

    it('the first matching rule wins even when a later one is more specific', () => {
      const r = parseRules({ rules: [{ type: 'direct', answer: 'forbid' }, { method: 'call', answer: 'echo' }] });
      assert.equal(decide(r, 'echo-all', facts('call')).ruleIndex, 0);
    });

    it('matches method arrays, app forms, type and dotted fields', () => {
      const r = parseRules({
        rules: [
          { method: ['call', 'answer'], app: '/rest/my_api', answer: 'forbid' },
          { app: 'my_api', type: 'unknown', answer: { status: 404 } },
          { when: { 'custom.login': 'bob' }, answer: { status: 200, merge: { ok: 1 } } },
          { when: { keepAlive: false, count: 2, missing: null }, answer: { status: 202 } },
        ],
      });
      assert.equal(decide(r, 'echo-all', facts('answer', {}, '/rest/my_api')).ruleIndex, 0);
      assert.equal(decide(r, 'echo-all', facts('call', {}, 'rest/my_api')).ruleIndex, 0, 'leading slash optional');
      assert.equal(decide(r, 'echo-all', facts('call', {}, '/other/my_api')).ruleIndex, undefined, 'a path compares whole');
      assert.equal(decide(r, 'echo-all', facts('NewThing', {}, '/rest/my_api')).ruleIndex, 1, 'last segment of the app');
      assert.equal(decide(r, 'echo-all', facts('connect', { custom: { login: 'bob' } })).ruleIndex, 2);
      assert.equal(decide(r, 'echo-all', facts('connect', { custom: { login: 'eve' } })).ruleIndex, undefined);
      assert.equal(decide(r, 'echo-all', facts('connect', { keepAlive: false, count: 2, missing: null })).ruleIndex, 3);
      assert.equal(decide(r, 'echo-all', facts('connect', { keepAlive: false, count: 2 })).ruleIndex, undefined, 'null is not absent');
      assert.equal(decide(r, 'echo-all', facts('connect', { keepAlive: 'false', count: 2, missing: null })).ruleIndex, undefined, 'strict equality');
      assert.equal(decide(r, 'echo-all', facts('connect', undefined)).ruleIndex, undefined, 'no body, no field match');
    });

    it('falls back to the policy when there is no rules default', () => {
      const r = parseRules({ rules: [] });
      assert.equal(decide(r, 'hold-blockable', facts('connect')).answer, 'hold');
      assert.equal(decide(r, 'hold-blockable', facts('publishStream')).answer, 'hold');
      assert.equal(decide(r, 'hold-blockable', facts('OnCallEvent')).answer, 'hold');
      assert.equal(decide(r, 'hold-blockable', facts('StreamStatusEvent')).answer, 'echo');
      assert.equal(decide(r, 'hold-blockable', facts('NotInCatalog')).answer, 'echo');
      assert.equal(decide(undefined, 'hold-all', facts('StreamStatusEvent')).answer, 'hold');
      assert.equal(decide(undefined, 'echo-all', facts('connect')).answer, 'echo');
    });
  });
});
