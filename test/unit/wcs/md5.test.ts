import { strict as assert } from 'node:assert';
import { createHash, createHmac } from 'node:crypto';
import fc from 'fast-check';
import { hmacMd5Hex, md5, toHex } from '../../../mock-server/wcs/md5';

describe('wcs/md5', () => {
  it('matches the RFC 1321 test suite', () => {
    assert.equal(toHex(md5('')), 'd41d8cd98f00b204e9800998ecf8427e');
    assert.equal(toHex(md5('abc')), '900150983cd24fb0d6963f7d28e17f72');
    assert.equal(toHex(md5('12345678901234567890123456789012345678901234567890123456789012345678901234567890')), '57edf4a22be3c955ac49da2e2107b67a');
  });

  it('matches node:crypto for any text, including block boundaries and non-ASCII', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), (s) => {
        assert.equal(toHex(md5(s)), createHash('md5').update(s, 'utf8').digest('hex'));
      }),
      { numRuns: 300 },
    );
    for (let n = 50; n < 140; n++) {
      const s = 'x'.repeat(n);
      assert.equal(toHex(md5(s)), createHash('md5').update(s).digest('hex'), `length ${n}`);
    }
  });

  it('HMAC-MD5 matches node:crypto for short and long keys (the WCS body signature)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 100 }), fc.string({ unit: 'grapheme', maxLength: 500 }), (key, body) => {
        assert.equal(hmacMd5Hex(key, body), createHmac('md5', key).update(body, 'utf8').digest('hex'));
      }),
      { numRuns: 300 },
    );
    assert.equal(hmacMd5Hex('', ''), createHmac('md5', '').update('').digest('hex'));
  });
});
