/**
 * Small input mistakes from round 2: command names that are Object.prototype members, a `__proto__` key in a
 * rules file, and a hold timeout that rounds to "forever".
 */
import assert from 'node:assert/strict';
import { UsageError } from '../../../mock-server/cli/flags';
import { parseServeArgs } from '../../../mock-server/cli/serveArgs';
import { parseRulesText, RulesError } from '../../../mock-server/hooks/rules';
import { readSettings } from '../../../extension/config';
import { runCli } from '../cli/process';

describe('hardening: small input mistakes (round 2)', function () {
  this.timeout(60_000);

  for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
    it(`\`wcs-hook-mock ${name}\` is an unknown command: exit 2, no stack trace`, async () => {
      const running = runCli([name]);
      assert.equal((await running.exited).code, 2);
      assert.match(running.stderr(), new RegExp(`^wcs-hook-mock: unknown command '${name}'\\n`));
      assert.doesNotMatch(running.stderr(), /is not a function|\n\s+at /);
    });
  }

  it('a "__proto__" key in a rules file is an unknown field, wherever it is', () => {
    const cases: [string, RegExp][] = [
      ['{"rules":[],"__proto__":{"default":"forbid"}}', /rules file: unknown field "__proto__"/],
      ['{"rules":[{"answer":"echo","__proto__":{"method":"connect"}}]}', /rules\[0\]: unknown field "__proto__"/],
      ['{"rules":[{"answer":{"status":200,"__proto__":{"reason":"x"}}}]}', /rules\[0\]\.answer: unknown field "__proto__"/],
    ];
    for (const [text, why] of cases) {
      assert.throws(() => parseRulesText(text, 'r.json'), (e: unknown) => e instanceof RulesError && why.test(e.message), text);
    }
    // In a `when` map or a merge body it is a data key, not a field name: accepted.
    assert.equal(parseRulesText('{"rules":[{"when":{"__proto__":"x"},"answer":{"status":200,"merge":{"__proto__":{"a":1}}}}]}').rules.length, 1);
  });

  it('a hold timeout that rounds to 0 ms is an error, not "forever"', () => {
    for (const t of ['0.0004', '0.0001', '1e-9']) {
      assert.throws(() => parseServeArgs(['--hold-timeout', t]), (e: unknown) => e instanceof UsageError && /under a millisecond/.test(e.message), t);
    }
    assert.equal(parseServeArgs(['--hold-timeout', '0']).holdTimeoutMs, 0);
    assert.equal(parseServeArgs(['--hold-timeout', '0.001']).holdTimeoutMs, 1);
    const { settings, problems } = readSettings((k) => (k === 'holdTimeoutSeconds' ? 0.0004 : undefined));
    assert.equal(settings.holdTimeoutSeconds, 12);
    assert.match(problems[0]!, /holdTimeoutSeconds/);
  });
});
