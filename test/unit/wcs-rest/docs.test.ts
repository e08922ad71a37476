import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CTL_USAGE } from '../../../mock-server/cli/ctl';
import { REST_METHODS } from '../../../mock-server/wcs/rest/methods';
import { CONTROL_ACTIONS } from '../../../mock-server/wcs/control';

const DOC = readFileSync(path.join(__dirname, '../../../docs/wcs-rest-api.md'), 'utf8');

describe('docs/wcs-rest-api.md matches the code', () => {
  it('every REST method in the table and the curl examples exists, and every simulated method is documented', () => {
    const inTable = [...DOC.matchAll(/^\| `([a-z]+\/[a-z_]+)` \|/gm)].map((m) => m[1]!);
    const inCurl = [...DOC.matchAll(/\$R\/([a-z]+\/[a-z_]+)/g)].map((m) => m[1]!);
    for (const m of [...inTable, ...inCurl]) assert.ok(Object.prototype.hasOwnProperty.call(REST_METHODS, m), `documented but not served: ${m}`);
    assert.deepEqual([...new Set(inTable)].sort(), Object.keys(REST_METHODS).sort());
  });

  it('every ctl example names an action ctl has, and every control action is documented', () => {
    const examples = [...DOC.matchAll(/^wcs-hook-mock ctl ([a-z-]+)/gm)].map((m) => m[1]!);
    assert.ok(examples.length >= 8);
    for (const a of examples) assert.match(CTL_USAGE, new RegExp(`^  ${a}\\b`, 'm'), `ctl ${a} is not in ctl --help`);
    for (const a of CONTROL_ACTIONS) assert.ok(DOC.includes(`| \`${a}\` |`), `control action ${a} is not in the docs table`);
  });
});
