import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RULES_SCHEMA_FILE, renderRulesSchema } from '../../../schemas/rulesSchema';

describe('rules file JSON schema', () => {
  it('is committed as generated from the zod schema (run `npx tsx scripts/gen-schema.ts` when this fails)', () => {
    const committed = readFileSync(join(__dirname, '..', '..', '..', 'schemas', RULES_SCHEMA_FILE), 'utf8');
    assert.equal(committed, renderRulesSchema());
  });

  it('describes rules with the answers and matchers editors should complete', () => {
    const schema = JSON.parse(renderRulesSchema());
    const rule = schema.properties.rules.items;
    assert.deepEqual(Object.keys(rule.properties).sort(), ['answer', 'app', 'method', 'name', 'type', 'when']);
    assert.equal(rule.additionalProperties, false);
    assert.ok(rule.properties.method.anyOf[0].examples.includes('publishStream'));
    assert.match(JSON.stringify(rule.properties.answer), /"forbid"/);
  });
});
