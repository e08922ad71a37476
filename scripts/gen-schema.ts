/**
 * Writes schemas/wcs-hooks.schema.json from the rules zod schema.
 *   npx tsx scripts/gen-schema.ts            regenerate
 *   npx tsx scripts/gen-schema.ts --check    exit 1 when the committed file is stale (the unit test checks too)
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RULES_SCHEMA_FILE, renderRulesSchema } from '../schemas/rulesSchema';

const path = join(__dirname, '..', 'schemas', RULES_SCHEMA_FILE);
const text = renderRulesSchema();
const current = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
if (process.argv.includes('--check')) {
  if (current !== text) {
    console.error(`stale: schemas/${RULES_SCHEMA_FILE}; run: npx tsx scripts/gen-schema.ts`);
    process.exit(1);
  }
} else if (current !== text) {
  writeFileSync(path, text);
  console.log(`wrote schemas/${RULES_SCHEMA_FILE}`);
}
