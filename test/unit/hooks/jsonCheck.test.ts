import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { isJson } from '../../../mock-server/hooks/jsonCheck';

function parses(b: Buffer): boolean {
  try {
    JSON.parse(b.toString('utf8'));
    return true;
  } catch {
    return false;
  }
}

function agree(b: Buffer): void {
  assert.equal(isJson(b), parses(b), `disagree on ${JSON.stringify(b.toString('latin1'))}`);
}

const EXAMPLES = join(__dirname, '../../fixtures/examples');

describe('isJson (agrees with JSON.parse)', () => {
  it('on hand-picked edge cases', () => {
    const cases = [
      '', ' ', '{}', '[]', '{ }', '[ ]', '0', '-0', '01', '-', '1.', '.5', '1e', '1e+', '1E-2', '1.5e10', '-12.5E+3',
      'true', 'tru', 'truex', 'null', 'nul', 'false', '"a"', '"', '"\\"', '"\\u00e9"', '"\\u00g9"', '"\\x"', '"a\nb"',
      '"a\tb"', '"\\t"', '{"a":1,}', '[1,]', '[,1]', '{"a" 1}', '{"a":}', '{a:1}', '{"a":1 "b":2}', '[1 2]', '{"a":[1,{"b":null}]}',
      '{}{}', '{} ', ' {} ', '\ufeff{}', '{"a":1}x', '[[[[]]]]', '[[[[]]]', '"\u00e9"', 'é', '{"é":1}', '[1,2,3', 'NaN',
      '"\\/"', '"\\b\\f\\n\\r"', '[-]', '[--1]', '[1e5]', '[0.0e0]', '{"":""}', '\r\n{\r\n}\r\n', '\u00a0{}',
    ];
    for (const c of cases) agree(Buffer.from(c, 'utf8'));
    agree(Buffer.from([0x22, 0xff, 0xfe, 0x22]));
    agree(Buffer.from([0xff]));
    agree(Buffer.from([0x7b, 0x7d, 0x00]));
    agree(Buffer.from([0x22, 0x00, 0x22]));
  });

  it('on every example and each of its truncations', () => {
    for (const f of readdirSync(EXAMPLES)) {
      const b = readFileSync(join(EXAMPLES, f));
      assert.ok(isJson(b), f);
      for (let k = 0; k < b.length; k += 7) agree(b.subarray(0, k));
    }
  });

  it('on deep nesting', () => {
    agree(Buffer.from('['.repeat(100_000) + ']'.repeat(100_000)));
    agree(Buffer.from('['.repeat(100_000) + ']'.repeat(99_999)));
    agree(Buffer.from('{"a":'.repeat(5000) + '1' + '}'.repeat(5000)));
  });

  it('on random JSON values', () => {
    fc.assert(fc.property(fc.json(), (s) => agree(Buffer.from(s))), { numRuns: 2000 });
  });

  it('on random JSON with random byte mutations', () => {
    fc.assert(
      fc.property(fc.json(), fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom('replace', 'insert', 'delete'), (s, at, byte, op) => {
        const b = Buffer.from(s);
        const k = b.length ? at % b.length : 0;
        const m =
          op === 'replace' && b.length
            ? Buffer.concat([b.subarray(0, k), Buffer.from([byte]), b.subarray(k + 1)])
            : op === 'insert'
              ? Buffer.concat([b.subarray(0, k), Buffer.from([byte]), b.subarray(k)])
              : Buffer.concat([b.subarray(0, k), b.subarray(k + 1)]);
        agree(m);
      }),
      { numRuns: 5000 },
    );
  });

  it('on random bytes and random strings from the JSON alphabet', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 40 }), (u) => agree(Buffer.from(u))), { numRuns: 2000 });
    const alphabet = fc.constantFrom(...'{}[]":,0123456789-+.eEtrufalsn \\/u"'.split(''));
    fc.assert(fc.property(fc.array(alphabet, { maxLength: 30 }), (cs) => agree(Buffer.from(cs.join('')))), { numRuns: 5000 });
  });
});
