/**
 * The rules and config parsers on random and mutated input: they return a value or throw their own error
 * type with a message, never a TypeError from deep inside, never a zod dump. And whatever they accept, the
 * rule engine can evaluate against any hook without throwing.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decide, parseAnswerSpec, parseRules, parseRulesText, RulesError, type RulesFile } from '../../../mock-server/hooks';
import { UsageError } from '../../../mock-server/cli/flags';
import { parseServeArgs } from '../../../mock-server/cli/serveArgs';
import { isLoopback } from '../../../mock-server/util';
import { methodType } from '../../../mock-server/protocol';

const VALID_RULES = `{
  "rules": [
    { "name": "busy callee", "method": "OnCallEvent", "when": { "callee": "PPP005" }, "answer": { "status": 403, "reason": "busy" } },
    { "method": ["connect"], "app": "EchoApp", "answer": { "status": 200, "merge": { "restClientConfig": { "playStream": { "restExclude": ["name"] } } } } },
    { "type": "event", "answer": "echo" },
    { "method": "publishStream", "when": { "custom.login": "bob", "hasVideo": true }, "answer": { "status": 500, "body": { "x": 1 } } }
  ],
  "default": "hold"
}`;

/** Calls fn; a throw must be of the expected class and say something. */
function onlyThrows<T>(expected: new (...a: never[]) => Error, fn: () => T): T | undefined {
  try {
    return fn();
  } catch (err) {
    assert.ok(err instanceof expected, `threw ${(err as Error)?.constructor?.name}: ${(err as Error)?.message}`);
    assert.ok((err as Error).message.length > 0);
    return undefined;
  }
}

const hookFacts = fc.record({
  method: fc.oneof(fc.constantFrom('connect', 'OnCallEvent', 'publishStream', 'StreamStatusEvent', 'call'), fc.string()),
  app: fc.oneof(fc.constantFrom('', '/EchoApp', '/rest/my_api'), fc.string()),
  body: fc.oneof(fc.constant(undefined), fc.jsonValue({ maxDepth: 4 }), fc.record({ callee: fc.string(), custom: fc.anything(), hasVideo: fc.anything() })),
});

function evaluateAll(rules: RulesFile): void {
  fc.assert(
    fc.property(hookFacts, (h) => {
      const d = decide(rules, 'hold-blockable', { ...h, type: methodType(h.method) });
      assert.ok(d.answer !== undefined);
    }),
    { numRuns: 20 },
  );
}

describe('hardening: rules and config parsers on hostile input', function () {
  this.timeout(60_000);

  it('the valid example parses (so the mutations below start from something real)', () => {
    const rules = parseRulesText(VALID_RULES, 'rules.json');
    assert.equal(rules.rules.length, 4);
  });

  it('parseRules: any JSON value → rules or RulesError', () => {
    fc.assert(
      fc.property(fc.anything({ maxDepth: 5, withNullPrototype: true, withObjectString: true }), (v) => {
        const r = onlyThrows(RulesError, () => parseRules(v, 'fuzz.json'));
        if (r) evaluateAll(r);
      }),
      { numRuns: 500, seed: 1 },
    );
  });

  it('parseRules: rule-shaped objects with random field values → rules or RulesError naming a path', () => {
    const value = fc.oneof(fc.anything({ maxDepth: 2 }), fc.constantFrom('echo', 'forbid', 'hold', 'event', 'connect', 'OnCallEvent', 200, 403, 99, 600, 200.5));
    const answer = fc.oneof(
      value,
      fc.record({ status: value, reason: value, merge: value, body: value }, { requiredKeys: ['status'] }),
    );
    const rule = fc.record({ name: value, method: fc.oneof(value, fc.array(value, { maxLength: 3 })), type: value, app: value, when: fc.oneof(value, fc.dictionary(fc.string(), value, { maxKeys: 3 })), answer }, { requiredKeys: [] });
    const file = fc.record({ rules: fc.oneof(fc.array(rule, { maxLength: 4 }), value), default: answer, extra: value }, { requiredKeys: [] });
    let accepted = 0;
    let refused = 0;
    fc.assert(
      fc.property(file, (f) => {
        try {
          evaluateAll(parseRules(f));
          accepted++;
        } catch (err) {
          assert.ok(err instanceof RulesError, `threw ${(err as Error)?.constructor?.name}: ${(err as Error)?.message}`);
          assert.ok(typeof err.path === 'string');
          refused++;
        }
      }),
      { numRuns: 500, seed: 2 },
    );
    assert.ok(refused > 0, 'bad files were generated');
    void accepted;
  });

  it('parseRulesText: mutated rules files → rules or RulesError with a position for bad JSON', () => {
    const edit = fc.record({ at: fc.nat(), del: fc.integer({ min: 0, max: 6 }), ins: fc.string({ maxLength: 4 }) });
    let syntax = 0;
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 4 }), (edits) => {
        let text = VALID_RULES;
        for (const e of edits) {
          const at = e.at % (text.length + 1);
          text = text.slice(0, at) + e.ins + text.slice(at + e.del);
        }
        const r = onlyThrows(RulesError, () => parseRulesText(text, 'rules.json'));
        if (r) evaluateAll(r);
        else {
          try {
            JSON.parse(text);
          } catch {
            syntax++;
            // A syntax error says where it is.
            assert.throws(() => parseRulesText(text, 'rules.json'), (err: RulesError) => err.line !== undefined && err.column !== undefined && err.message.startsWith('rules.json:'));
          }
        }
      }),
      { numRuns: 400, seed: 3 },
    );
    assert.ok(syntax > 0);
  });

  it('parseRulesText: a "__proto__" key in the file or a rule is refused as an unknown field, whatever its value', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 2 }), fc.boolean(), (v, inRule) => {
        const key = `"__proto__":${JSON.stringify(v)},`;
        const text = inRule ? VALID_RULES.replace(/"rules"\s*:\s*\[\s*\{/, (m) => m + key) : VALID_RULES.replace('{', '{' + key);
        assert.notEqual(text, VALID_RULES);
        assert.throws(() => parseRulesText(text, 'rules.json'), (e: unknown) => e instanceof RulesError && /unknown field "__proto__"/.test(e.message));
      }),
      { numRuns: 200, seed: 7 },
    );
  });

  it('parseRulesText: random text, truncations, invalid surrogates, deep nesting → rules or RulesError', () => {
    const texts = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.string({ unit: 'binary', maxLength: 100 }),
      fc.nat({ max: VALID_RULES.length }).map((n) => VALID_RULES.slice(0, n)),
      fc.integer({ min: 1, max: 20_000 }).map((n) => '{"rules":' + '['.repeat(n) + ']'.repeat(n) + '}'),
      fc.integer({ min: 1, max: 20_000 }).map((n) => '{"rules":[],"default":' + '{"a":'.repeat(n) + '1' + '}'.repeat(n) + '}'),
      fc.constantFrom('\uFEFF' + VALID_RULES, VALID_RULES.replace('"busy"', '"\\ud800"'), VALID_RULES + '\n// comment', '', ' ', 'null', '[]', '{"rules": {}}'),
    );
    fc.assert(
      fc.property(texts, (t) => {
        onlyThrows(RulesError, () => parseRulesText(t));
      }),
      { numRuns: 400, seed: 4 },
    );
  });

  it('parseAnswerSpec (answers given at run time) → an answer or TypeError', () => {
    fc.assert(
      fc.property(fc.oneof(fc.anything({ maxDepth: 3 }), fc.record({ status: fc.anything(), merge: fc.anything(), reason: fc.anything(), body: fc.anything() }, { requiredKeys: [] })), (v) => {
        onlyThrows(TypeError, () => parseAnswerSpec(v));
      }),
      { numRuns: 400, seed: 5 },
    );
  });

  it('serve flags: random argv → a config or UsageError, never a parseArgs stack trace', () => {
    const flag = fc.constantFrom('--host', '--port', '--rules', '--journal', '--hold-timeout', '--fallback', '--policy', '--user', '--password', '--secret', '--max-body', '--journal-limit', '--journal-max-mb', '--allow-origin', '--allow-unauthenticated', '--no-interactive', '-h', '--help', '--bogus', '-x', '--');
    const val = fc.oneof(fc.constantFrom('0', '-1', '65536', '1e3', 'NaN', '12.5', '0.0004', '620000000', 'echo', 'forbid', 'hold-all', '', ' ', '127.0.0.1', '127.1', '0.0.0.0', 'http://localhost:1', '*', 'https://a.example/x'), fc.string({ maxLength: 8 }));
    const argv = fc.array(fc.oneof(flag, val, fc.tuple(flag, val).map(([f, v]) => `${f}=${v}`)), { maxLength: 8 });
    const env = fc.record({ WCS_HOOK_MOCK_PASSWORD: fc.string({ maxLength: 6 }), WCS_HOOK_MOCK_SECRET: fc.string({ maxLength: 6 }) }, { requiredKeys: [] });
    fc.assert(
      fc.property(argv, env, (a, e) => {
        const c = onlyThrows(UsageError, () => parseServeArgs(a, e));
        if (c) {
          assert.ok(Number.isInteger(c.port) && c.port >= 0 && c.port <= 65535, `port ${c.port}`);
          assert.ok(c.holdTimeoutMs >= 0);
          // Round 2: an exposed host has credentials or the explicit opt-in.
          if (!isLoopback(c.host)) assert.ok(c.basicAuth || c.signingSecret !== undefined || a.includes('--allow-unauthenticated'), c.host);
          assert.ok(c.fallback === 'echo' || c.fallback === 'forbid');
        }
      }),
      { numRuns: 600, seed: 6 },
    );
  });
});
